"""Visitor counts kept past a restart: cumulative per-agency counters, snapshotted by gunicorn's master.

The service's counters live in memory and start again at zero with each master; a snapshot records them with
the id of the master that counted them (its series), so a day's count is the sum of increases within each
series, whatever restarts and instances there were.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from server.db.base import Base
from server.db.clock import utcnow


class VisitorCount(Base):
    """One agency's cumulative counts in one master's series at one moment (counts only: no visitor data)."""

    __tablename__ = "visitor_counts"
    __table_args__ = (Index("ix_visitor_counts_agency_id_taken_at", "agency_id", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    # A random id per gunicorn master: counts rise within a series and restart at zero in the next.
    series: Mapped[str] = mapped_column(String(36))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    banner_loads: Mapped[int] = mapped_column(default=0)
    opt_outs: Mapped[int] = mapped_column(default=0)
    withdrawals: Mapped[int] = mapped_column(default=0)
