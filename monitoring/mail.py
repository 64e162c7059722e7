"""E-mails to an agency's contacts through CONSENT_SMTP_URL: regressions, and pages that could not be checked.

Each is marked notified only once the server took the message. One that cannot be built or sent keeps
notified_at empty and its reason in mail_error (the console shows it), and is tried again after the agency's
next run and by the worker's minute tick. Headers are built with a policy that refuses control characters,
so a stray newline in a name is a recorded failure, never a crash that loses the mail.
"""

import json
import logging
import unicodedata
from email.message import EmailMessage
from email.policy import EmailPolicy

from sqlalchemy import select
from sqlalchemy import update

from monitoring import smtp
from monitoring.metrics import MAILS
from monitoring import unchecked
from server.db.clock import iso_instant
from server.db.clock import utcnow
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Regression
from server.monitoring.models import UncheckedPage

log = logging.getLogger("monitoring")
EVIDENCE_CHARS = 1500
SUBJECT_PREFIX = "[Cookie policy monitoring]"


class StrictHeaders(EmailPolicy):
    """email's default policy, but a header holding any control or line-separator character is refused."""

    def header_store_parse(self, name, value):
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in str(value)):
            raise ValueError(f"header {name} = {str(value)!r} holds a control character")
        return super().header_store_parse(name, value)


POLICY = StrictHeaders()


def run_link(settings, run_id):
    """The console's page of a run, built from CONSENT_PUBLIC_URL only (never from a request's Host)."""
    if not settings.public_url:
        return "(the console's address is unknown: set CONSENT_PUBLIC_URL)"
    return f"{settings.public_url}/console/runs/{run_id}"


def _message(settings, agency, subject, lines):
    message = EmailMessage(policy=POLICY)
    message["Subject"] = f"{SUBJECT_PREFIX} {agency.name}: {subject}"
    message["From"] = settings.mail_from
    message["To"] = ", ".join(agency.monitoring.contacts)
    lines.append("You receive this because you are a monitoring contact of this agency in its agency file.")
    message.set_content("\n".join(lines))
    return message


def message_for(settings, agency, run, regressions, findings):
    """The e-mail: which clauses went from pass to fail on which pages, why, the evidence, and the link."""
    clauses = sorted({r.clause for r in regressions})
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
    return _message(settings, agency, f"{len(regressions)} regression(s) ({', '.join(clauses)})", lines)


def unchecked_message_for(settings, agency, flags, errors):
    """The e-mail: pages whose check failed in several runs in a row, the last reason, and the run's link."""
    lines = [f"Monitoring of {agency.name} ({agency.id}) could not check these pages in the last runs, so their "
             "compliance with the Enterprise cookie policy is unknown:", ""]
    for flag in flags:
        lines += [f"{flag.url}", f"  Not checked in {flag.runs} runs in a row. Last reason: "
                  f"{errors.get(flag.id) or 'unknown'}", f"  Report: {run_link(settings, flag.run_id)}", ""]
    return _message(settings, agency, f"{len(flags)} page(s) could not be checked", lines)


def mailing(settings, agency):
    """Whether this agency's contacts can be mailed at all."""
    return bool(settings.smtp_url and agency.monitoring is not None and agency.monitoring.contacts)


def _claim(db, model, *where):
    """Mark matching unsent rows as sent now (so two workers never send one twice); their ids."""
    now = utcnow()
    db.execute(update(model).where(*where, model.notified_at.is_(None)).values(notified_at=now)
               .execution_options(synchronize_session=False))
    db.commit()
    return list(db.scalars(select(model.id).where(*where, model.notified_at == now).order_by(model.id)))


def _deliver(db, settings, model, ids, build, agency, kind):
    """Build and send one message for the claimed rows; on any failure unclaim them and keep the reason."""
    try:
        message = build()
    except Exception as error:  # noqa: BLE001 - whatever stops the message, the rows must stay unsent
        reason = f"the e-mail could not be built: {error}"
    else:
        try:
            smtp.send(settings, message)
        except smtp.MailNotSent as error:
            reason = error.reason
        else:
            db.execute(update(model).where(model.id.in_(ids)).values(mail_error=None)
                       .execution_options(synchronize_session=False))
            db.commit()
            log.info("%s e-mail for %s sent: %d item(s)", kind, agency.id, len(ids))
            MAILS.labels(kind, "sent").inc()
            return True
    reason = " ".join(reason.split())[:2000]
    db.execute(update(model).where(model.id.in_(ids)).values(notified_at=None, mail_error=reason)
               .execution_options(synchronize_session=False))
    db.commit()
    MAILS.labels(kind, "failed").inc()
    log.warning("%s e-mail for %s not sent (%s); will retry", kind, agency.id, reason)
    return False


def notify_run(db, settings, agency, run_id):
    """Mail the run's regressions not mailed yet; the number sent (0 when none, or when sending failed)."""
    if not mailing(settings, agency):
        return 0
    ids = _claim(db, Regression, Regression.run_id == run_id)
    if not ids:
        return 0
    regressions = list(db.scalars(select(Regression).where(Regression.id.in_(ids)).order_by(Regression.id)))
    findings = {f.id: f for f in db.scalars(select(Finding).where(Finding.id.in_([r.finding_id for r in regressions])))}
    run = db.get(MonitoringRun, run_id)
    built = lambda: message_for(settings, agency, run, regressions, findings)  # noqa: E731
    return len(ids) if _deliver(db, settings, Regression, ids, built, agency, "regression") else 0


def notify_unchecked(db, settings, agency):
    """Mail the agency's newly flagged unchecked pages in one message; the number sent."""
    if not mailing(settings, agency):
        return 0
    ids = _claim(db, UncheckedPage, UncheckedPage.agency_id == agency.id, UncheckedPage.resolved_at.is_(None))
    if not ids:
        return 0
    flags = [flag for flag in unchecked.open_flags(db, agency.id) if flag.id in ids]
    errors = {flag.id: db.scalar(select(MonitoredPage.error).where(MonitoredPage.run_id == flag.run_id,
                                                                   MonitoredPage.url == flag.url)) for flag in flags}
    built = lambda: unchecked_message_for(settings, agency, flags, errors)  # noqa: E731
    return len(ids) if _deliver(db, settings, UncheckedPage, ids, built, agency, "could-not-be-checked") else 0


def notify_agency(db, settings, agency, since):
    """Everything of the agency still to mail: regressions of finished runs since `since`, unchecked pages."""
    for run_id, _agency_id in unsent_runs(db, since, agency.id):
        notify_run(db, settings, agency, run_id)
    notify_unchecked(db, settings, agency)


def unsent_runs(db, since, agency_id=None):
    """Finished runs with regressions detected since `since` and not yet mailed (a failed send, a dead worker)."""
    query = (select(Regression.run_id, Regression.agency_id).join(MonitoringRun)
             .where(Regression.notified_at.is_(None), Regression.detected_at >= since, MonitoringRun.state == "done"))
    if agency_id is not None:
        query = query.where(Regression.agency_id == agency_id)
    return list(db.execute(query.distinct().order_by(Regression.run_id)))


def unsent_agencies(db, since):
    """Agencies with something still to mail: regressions since `since`, or flagged pages not mailed."""
    regressions = {agency_id for _run_id, agency_id in unsent_runs(db, since)}
    flags = set(db.scalars(select(UncheckedPage.agency_id).where(UncheckedPage.notified_at.is_(None),
                                                                 UncheckedPage.resolved_at.is_(None))))
    return sorted(regressions | flags)
