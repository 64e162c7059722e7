"""Monitoring history: runs, the pages each run checks, their findings and screenshots, regressions.

Written by the monitoring worker (monitoring/ at the top level), read by the dashboard and statements (whose
signatures are in server/statements/models.py).
Idempotence lives here: a page is recorded once per run (unique run+url), a finding once per page and
clause, a regression once per run, page and clause; a worker that dies mid-check leaves a lease that expires.
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from server.db.base import Base
from server.db.clock import utcnow

# A run's pages move pending → leased → done (or failed after the last retry); a lease that expires goes back.
PAGE_STATES = ("pending", "leased", "done", "failed")
RUN_STATES = ("running", "done")
VERDICTS = ("pass", "fail", "waived", "unknown")  # unknown: consent-qa could not see or operate the notice
# A page not checked in this many runs in a row is flagged and its contacts told (issue 19.9).
UNCHECKED_RUNS = 3


class MonitoringRun(Base):
    """One check of one agency's monitored pages, scheduled or asked for now."""

    __tablename__ = "monitoring_runs"
    __table_args__ = (Index("ix_monitoring_runs_agency_id_started_at", "agency_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who asked for it, once: a scheduled slot ("schedule:AGENCY:2026-11-29T06:00") or a manual run's uuid.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16))  # "schedule" or "manual"
    state: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    pages_total: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)  # pages whose check itself failed (not clauses)
    # Worst verdict per clause over the run's pages, e.g. {"1.3.2": "pass", "2.2": "fail"}; set when it ends.
    verdicts: Mapped[dict | None] = mapped_column(JSON)
    browser: Mapped[str | None] = mapped_column(String(300))  # "local" or the remote WebDriver URL
    # One line each: what the sitemap read left out or why it failed (the listed pages ran all the same).
    notes: Mapped[list | None] = mapped_column(JSON)

    pages: Mapped[list["MonitoredPage"]] = relationship(back_populates="run", order_by="MonitoredPage.id",
                                                        cascade="all, delete-orphan")


class MonitoredPage(Base):
    """One page of a run: the unit of work a queue task checks, recorded once whatever the retries."""

    __tablename__ = "monitored_pages"
    __table_args__ = (UniqueConstraint("run_id", "url", name="uq_monitored_pages_run_id_url"),
                      Index("ix_monitored_pages_state_lease_until", "state", "lease_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(120))  # host:pid of the worker holding it
    checked_at: Mapped[datetime | None]
    seconds: Mapped[float | None]  # wall time of the check (browser included)
    error: Mapped[str | None] = mapped_column(Text)  # why the check itself failed, when it did

    run: Mapped[MonitoringRun] = relationship(back_populates="pages")
    findings: Mapped[list["Finding"]] = relationship(back_populates="page", order_by="Finding.id",
                                                     cascade="all, delete-orphan")
    screenshots: Mapped[list["Screenshot"]] = relationship(back_populates="page", order_by="Screenshot.id",
                                                           cascade="all, delete-orphan")


class Finding(Base):
    """One clause's verdict on one page, with consent-qa's reason and evidence (and the waiver that covered it)."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("page_id", "clause", name="uq_findings_page_id_clause"),
        # Dashboard history and regression lookups: an agency's verdicts of one clause (on one page) over time.
        Index("ix_findings_agency_id_clause_checked_at", "agency_id", "clause", "checked_at"),
        Index("ix_findings_agency_id_url_clause_checked_at", "agency_id", "url", "clause", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("monitored_pages.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    # Copied from the run and page so history queries need no join.
    agency_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    clause: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict | list | None] = mapped_column(JSON)
    waiver_id: Mapped[int | None] = mapped_column(ForeignKey("waivers.id"))

    page: Mapped[MonitoredPage] = relationship(back_populates="findings")


class Screenshot(Base):
    """A screenshot of a page as checked: a file under the screenshot folder, or the bytes themselves.

    CONSENT_SCREENSHOTS = "files" (default; `path` relative to the folder) or "database" (`data`);
    CONSENT_SCREENSHOT_RETENTION_DAYS (default 90) removes older ones, the findings stay.
    """

    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("page_id", "label", name="uq_screenshots_page_id_label"),
                      Index("ix_screenshots_taken_at", "taken_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("monitored_pages.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(32))  # "fresh" (as a new visitor) or "opted-out"
    media_type: Mapped[str] = mapped_column(String(32), default="image/png")
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    path: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)

    page: Mapped[MonitoredPage] = relationship(back_populates="screenshots")


class Regression(Base):
    """A clause that went from pass to fail on a page; e-mailed to the agency's contacts once."""

    __tablename__ = "regressions"
    __table_args__ = (UniqueConstraint("run_id", "url", "clause", name="uq_regressions_run_id_url_clause"),
                      Index("ix_regressions_agency_id_detected_at", "agency_id", "detected_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_runs.id", ondelete="CASCADE"))
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))
    previous_finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    agency_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    clause: Mapped[str] = mapped_column(String(32))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[datetime | None]  # when the e-mail went out; None: not sent (no SMTP or no contacts)
    mail_error: Mapped[str | None] = mapped_column(Text)  # why the last try to mail it failed (retried until sent)


class UncheckedPage(Base):
    """A page whose check failed in UNCHECKED_RUNS runs in a row: flagged on the dashboard, e-mailed once.

    Open (resolved_at None) until the page is checked again; the next streak is a new row.
    """

    __tablename__ = "unchecked_pages"
    __table_args__ = (UniqueConstraint("run_id", "url", name="uq_unchecked_pages_run_id"),
                      Index("ix_unchecked_pages_agency_id_resolved_at", "agency_id", "resolved_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    # The run that made the streak long enough to flag, and how many runs in a row had failed then.
    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_runs.id", ondelete="CASCADE"))
    runs: Mapped[int]
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]  # when the page was checked again
    notified_at: Mapped[datetime | None]
    mail_error: Mapped[str | None] = mapped_column(Text)
