"""What the console shows about telling contacts: each regression's e-mail (sent, or why not) and flagged pages.

Written by the monitoring worker (monitoring/mail.py, monitoring/unchecked.py); read here, never written.
"""

from sqlalchemy import select

from server.db.clock import iso_instant
from server.monitoring.models import MonitoredPage
from server.monitoring.models import Regression
from server.monitoring.models import UncheckedPage


def _instant(value):
    return iso_instant(value) if value else None


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


def regression_view(regression):
    """A regression and its e-mail as the JSON twin gives it."""
    return {"url": regression.url, "clause": regression.clause, "detected_at": _instant(regression.detected_at),
            "notified_at": _instant(regression.notified_at), "mail_error": regression.mail_error}


def unchecked_view(flag, error, run_href):
    """A flagged page as the JSON twin gives it."""
    return {"url": flag.url, "runs_in_a_row": flag.runs, "flagged_at": _instant(flag.detected_at),
            "run": flag.run_id, "run_href": run_href, "last_error": error,
            "notified_at": _instant(flag.notified_at), "mail_error": flag.mail_error}

