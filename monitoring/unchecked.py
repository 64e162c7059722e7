"""Pages a run could not check several runs in a row: flagged once per streak, cleared when checked again.

A page that answers `alert()` or is down would otherwise sit silently "Not checked" on the dashboard;
after UNCHECKED_RUNS failed runs in a row it gets a row here, which the dashboard shows and mail.py sends.
"""

from sqlalchemy import select
from sqlalchemy import update

from server.db.clock import utcnow
from server.monitoring.models import UNCHECKED_RUNS
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import UncheckedPage


def recent_states(db, agency_id, url, limit=UNCHECKED_RUNS):
    """The page's states in the agency's newest finished runs that included it, newest first."""
    return list(db.scalars(select(MonitoredPage.state).join(MonitoringRun)
                           .where(MonitoringRun.agency_id == agency_id, MonitoringRun.state == "done",
                                  MonitoredPage.url == url)
                           .order_by(MonitoringRun.started_at.desc(), MonitoringRun.id.desc()).limit(limit)))


def open_urls(db, agency_id):
    """The URLs flagged and not checked since."""
    return set(db.scalars(select(UncheckedPage.url).where(UncheckedPage.agency_id == agency_id,
                                                          UncheckedPage.resolved_at.is_(None))))


def flag(db, run_id):
    """After a run ends: flag its pages failed UNCHECKED_RUNS runs in a row, clear those checked now; new flags."""
    agency_id = db.scalar(select(MonitoringRun.agency_id).where(MonitoringRun.id == run_id))
    # Columns, not objects: a page object this session leased earlier may still say "leased".
    pages = list(db.execute(select(MonitoredPage.url, MonitoredPage.state).where(MonitoredPage.run_id == run_id)))
    checked = [url for url, state in pages if state == "done"]
    now = utcnow()
    if checked:
        db.execute(update(UncheckedPage).where(UncheckedPage.agency_id == agency_id, UncheckedPage.url.in_(checked),
                                               UncheckedPage.resolved_at.is_(None))
                   .values(resolved_at=now).execution_options(synchronize_session=False))
    already = open_urls(db, agency_id)
    flagged = []
    for url, state in pages:
        if state != "failed" or url in already:
            continue
        states = recent_states(db, agency_id, url)
        if len(states) == UNCHECKED_RUNS and all(state == "failed" for state in states):
            flagged.append(UncheckedPage(agency_id=agency_id, url=url, run_id=run_id, runs=len(states),
                                         detected_at=now))
    db.add_all(flagged)
    db.commit()
    return flagged


def open_flags(db, agency_id):
    """The agency's pages flagged and not checked since, oldest flag first."""
    return list(db.scalars(select(UncheckedPage).where(UncheckedPage.agency_id == agency_id,
                                                       UncheckedPage.resolved_at.is_(None))
                           .order_by(UncheckedPage.id)))
