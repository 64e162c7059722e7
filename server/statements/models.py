"""What the statements feature keeps: an ISO's signature of a statement, with a digest of what was signed."""

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from server.auth.models import User
from server.db.base import Base
from server.db.clock import utcnow


class StatementSignature(Base):
    """An ISO's signature of a statement of compliance for an agency and period; kept, never changed."""

    __tablename__ = "statement_signatures"
    __table_args__ = (Index("ix_statement_signatures_agency_id_signed_at", "agency_id", "signed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    period_from: Mapped[date]
    period_to: Mapped[date]
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str | None] = mapped_column(String(200))  # as the ISO gives it (e.g. "ISO, Department of …")
    notes: Mapped[str | None] = mapped_column(Text)
    # What was signed: a digest of the statement's content, so a later change of history is visible.
    digest: Mapped[str | None] = mapped_column(String(64))

    signer: Mapped[User] = relationship(lazy="joined")
