"""Storing one checked page: findings, screenshots, regressions, in one transaction and only by the lease holder."""

import json

from sqlalchemy import select
from sqlalchemy import update

from monitoring.metrics import CHECK_SECONDS
from monitoring.metrics import PAGES_CHECKED
from monitoring.runs import holds
from server.core.clauses import stored_clause
from server.monitoring.screenshots import screenshot_rows
from server.db.clock import utcnow
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import Regression


def clause_key(finding):
    """The clause a finding is stored under: the GPC variant of 1.3.3 is a clause of its own ("1.3.3-gpc")."""
    return stored_clause(finding.clause, finding.variant)


def plain_json(value):
    """Evidence as the database's JSON column takes it (anything unusual becomes its text)."""
    return json.loads(json.dumps(value, default=str))


def previous_finding(db, agency_id, url, clause, run_id):
    """The newest earlier finding of a clause on a page, from another run."""
    return db.scalar(select(Finding).where(Finding.agency_id == agency_id, Finding.url == url, Finding.clause == clause,
                                           Finding.run_id != run_id)
                     .order_by(Finding.checked_at.desc(), Finding.id.desc()).limit(1))


def record_page(db, settings, page, worker, findings, shots, seconds):
    """Store a checked page's findings if `worker` still holds its lease; False (nothing stored) otherwise."""
    now = utcnow()
    claimed = db.execute(update(MonitoredPage).where(holds(page.id, worker))
                         .values(state="done", checked_at=now, seconds=round(seconds, 3), error=None, lease_until=None)
                         .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        # The lease ran out and another worker took the page: its result, not ours, is the record.
        db.rollback()
        return False
    run_id = page.run_id
    agency_id = page.run.agency_id
    rows = []
    for finding in findings:
        rows.append(Finding(page_id=page.id, run_id=run_id, agency_id=agency_id, url=page.url, checked_at=now,
                            clause=clause_key(finding), verdict=finding.verdict, reason=finding.reason,
                            evidence=plain_json(finding.evidence),
                            waiver_id=finding.waivers[0] if finding.waivers else None))
    db.add_all(rows)
    db.add_all(screenshot_rows(settings, run_id, page.id, shots))
    db.flush()
    for row in rows:
        if row.verdict != "fail":
            continue
        before = previous_finding(db, agency_id, page.url, row.clause, run_id)
        # pass → fail is a regression; a waived finding is neither (the waiver is in force, or was).
        if before is not None and before.verdict == "pass":
            db.add(Regression(run_id=run_id, finding_id=row.id, previous_finding_id=before.id, agency_id=agency_id,
                              url=page.url, clause=row.clause, detected_at=now))
    db.commit()
    PAGES_CHECKED.inc()
    CHECK_SECONDS.observe(seconds)
    return True
