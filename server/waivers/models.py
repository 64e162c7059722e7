"""Waivers of policy section 3 and their append-only trail; the state is computed, never stored."""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import object_session
from sqlalchemy.orm import relationship

from server.db.base import Base
from server.auth.models import User
from server.db.clock import utcnow


class Waiver(Base):
    """A request as filed: its fields never change afterwards, only steps are added."""

    __tablename__ = "waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)
    clauses: Mapped[list] = mapped_column(JSON)
    scope: Mapped[dict] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(Text)
    why_not_comply: Mapped[str] = mapped_column(Text)
    privacy_review: Mapped[str] = mapped_column(Text)
    pab_representative: Mapped[str] = mapped_column(String(200))
    iso_copied: Mapped[bool]
    no_sensitive_information: Mapped[bool]
    kind: Mapped[str] = mapped_column(String(16))
    starts: Mapped[date]
    ends: Mapped[date | None]
    extends_id: Mapped[int | None] = mapped_column(ForeignKey("waivers.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)

    requester: Mapped[User] = relationship(lazy="joined")
    steps: Mapped[list["WaiverStep"]] = relationship(back_populates="waiver", order_by="WaiverStep.id",
                                                     lazy="selectin")


class WaiverStep(Base):
    """One entry of the trail: who did what, when, with what outcome and notes."""

    __tablename__ = "waiver_steps"
    # Each step happens once per waiver: two approvers deciding at the same moment cannot both succeed.
    __table_args__ = (UniqueConstraint("waiver_id", "action", name="uq_waiver_steps_waiver_id_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    waiver_id: Mapped[int] = mapped_column(ForeignKey("waivers.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)

    waiver: Mapped[Waiver] = relationship(back_populates="steps")
    actor: Mapped[User] = relationship(lazy="joined")


class AppendOnly(RuntimeError):
    """A change to a filed waiver or to its trail was attempted."""


def _refuse_change(_mapper, _connection, target):
    # A new step marks its waiver dirty through the collection; only a change of a column is refused.
    session = object_session(target)
    if session is not None and target not in session.deleted and not session.is_modified(
            target, include_collections=False):
        return
    raise AppendOnly(f"{type(target).__name__} {target.id} is append-only: add a step instead")


# The database refuses too (triggers in the migration); these stop the ORM before it gets there.
for _model in (Waiver, WaiverStep):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
