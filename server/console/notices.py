"""What the console shows about telling contacts: each regression's e-mail (sent, or why not) and flagged pages.

Written by the monitoring worker (monitoring/mail.py, monitoring/unchecked.py); read here, never written; the
dashboard's JSON twins dump them through server/dashboard/schemas.py.
"""

from sqlalchemy import select

from server.monitoring.models import MonitoredPage
from server.monitoring.models import Regression
from server.monitoring.models import UncheckedPage


def run_regressions(db, run_id):
    """The regressions a run found, in order, with their e-mail's state."""
    return list(db.scalars(select(Regression).where(Regression.run_id == run_id).order_by(Regression.id)))


def unchecked_pages(db, agency_id):
    """(flag, the last reason its check failed) for the agency's pages not checked runs in a row."""
    flags = list(db.scalars(select(UncheckedPage).where(UncheckedPage.agency_id == agency_id,
                                                        UncheckedPage.resolved_at.is_(None))
                            .order_by(UncheckedPage.id)))
    return [(flag, db.scalar(select(MonitoredPage.error).where(MonitoredPage.run_id == flag.run_id,
                                                               MonitoredPage.url == flag.url))) for flag in flags]
