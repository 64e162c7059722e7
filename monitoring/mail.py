"""Regression e-mails to an agency's contacts through CONSENT_SMTP_URL, each regression mailed once."""

import json
import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy import update

from server.models.clock import iso_instant
from server.models.clock import utcnow
from server.models.monitoring import Finding
from server.models.monitoring import MonitoringRun
from server.models.monitoring import Regression

log = logging.getLogger("monitoring")
SMTP_TIMEOUT = 20
EVIDENCE_CHARS = 1500


def send(smtp_url, message):
    """Hand one message to the SMTP server the URL names (smtps: TLS from the start; credentials if given)."""
    parts = urlsplit(smtp_url)
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=SMTP_TIMEOUT)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_TIMEOUT)
    with client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def run_link(settings, run_id):
    """The console's page of a run, built from CONSENT_PUBLIC_URL only (never from a request's Host)."""
    if not settings.public_url:
        return "(the console's address is unknown: set CONSENT_PUBLIC_URL)"
    return f"{settings.public_url}/console/runs/{run_id}"


def message_for(settings, agency, run, regressions, findings):
    """The e-mail: which clauses went from pass to fail on which pages, why, the evidence, and the link."""
    clauses = sorted({r.clause for r in regressions})
    message = EmailMessage()
    message["Subject"] = (f"[Cookie policy monitoring] {agency.name}: {len(regressions)} regression(s) "
                          f"({', '.join(clauses)})")
    message["From"] = settings.mail_from
    message["To"] = ", ".join(agency.monitoring.contacts)
    lines = [f"Monitoring of {agency.name} ({agency.id}) on {iso_instant(run.started_at)} found clauses of the "
             "Enterprise cookie policy that passed before and fail now.", "",
             f"Full report: {run_link(settings, run.id)}", ""]
    for regression in regressions:
        finding = findings[regression.finding_id]
        evidence = json.dumps(finding.evidence, indent=1, sort_keys=True)
        if len(evidence) > EVIDENCE_CHARS:
            evidence = evidence[:EVIDENCE_CHARS] + "\n… (the full evidence is in the report)"
        lines += [f"Clause {regression.clause} on {regression.url}", f"  Now: fail. {finding.reason}",
                  "  Evidence:", *("    " + line for line in evidence.splitlines()), ""]
    lines.append("You receive this because you are a monitoring contact of this agency in its agency file.")
    message.set_content("\n".join(lines))
    return message


def notify_run(db, settings, agency, run_id):
    """Mail the run's regressions not mailed yet; claimed first, so two workers never send the same one."""
    if not settings.smtp_url or agency.monitoring is None or not agency.monitoring.contacts:
        return 0
    now = utcnow()
    claimed = db.execute(update(Regression).where(Regression.run_id == run_id, Regression.notified_at.is_(None))
                         .values(notified_at=now).execution_options(synchronize_session=False))
    db.commit()
    if not claimed.rowcount:
        return 0
    regressions = list(db.scalars(select(Regression).where(Regression.run_id == run_id, Regression.notified_at == now)
                                  .order_by(Regression.id)))
    findings = {f.id: f for f in db.scalars(select(Finding).where(Finding.id.in_([r.finding_id for r in regressions])))}
    run = db.get(MonitoringRun, run_id)
    try:
        send(settings.smtp_url, message_for(settings, agency, run, regressions, findings))
    except (OSError, smtplib.SMTPException) as error:
        # Unclaim: the next sweep tries again. The reason only: no address or credential goes to the log.
        db.execute(update(Regression).where(Regression.id.in_([r.id for r in regressions]))
                   .values(notified_at=None).execution_options(synchronize_session=False))
        db.commit()
        log.warning("regression e-mail for %s not sent (%s); will retry", agency.id, type(error).__name__)
        return 0
    log.info("regression e-mail for %s sent: %d regression(s)", agency.id, len(regressions))
    return len(regressions)


def unsent_runs(db, since):
    """Finished runs with regressions detected since `since` and not yet mailed (a failed send, a dead worker)."""
    return list(db.execute(select(Regression.run_id, Regression.agency_id).join(MonitoringRun)
                           .where(Regression.notified_at.is_(None), Regression.detected_at >= since,
                                  MonitoringRun.state == "done").distinct()))
