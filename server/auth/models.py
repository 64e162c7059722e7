"""Staff accounts: roles, agency limits and API tokens (DESIGN.md "Staff, roles and tokens")."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from server.core.staff_roles import ROLES
from server.db.base import Base
from server.db.clock import utcnow

__all__ = ["ROLES", "ApiToken", "User", "UserAgency", "UserRole"]


class User(Base):
    """A member of staff; no agency rows means every agency."""

    __tablename__ = "users"
    # One record per directory identity: the subject id is unique only within its issuer.
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # Token-only accounts (scripts) have no password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Raised on sign-out: every session cookie issued before is refused from then on.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # Who the directory says this is (single sign-on, server/auth/oidc*.py); all None for a local account.
    issuer: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(255))

    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    agencies: Mapped[list["UserAgency"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def role_names(self):
        """The user's roles as a frozenset of names."""
        return frozenset(row.role for row in self.roles)

    @property
    def agency_ids(self):
        """The agencies the user is limited to; empty means all."""
        return frozenset(row.agency_id for row in self.agencies)

    @property
    def identity(self):
        """The name a trail or a signature shows: the directory's name, e-mail and subject id, else the account name."""
        if self.subject is None:
            return self.name
        return f"{self.display_name or self.name} <{self.email or 'no e-mail'}> (subject {self.subject})"

    def has_role(self, *roles):
        """True when the user holds any of these roles."""
        return not self.role_names.isdisjoint(roles)

    def sees_agency(self, agency_id):
        """False for an agency outside the user's limits."""
        return not self.agencies or agency_id in self.agency_ids


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class UserAgency(Base):
    """One agency a limited user may see."""

    __tablename__ = "user_agencies"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class ApiToken(Base):
    """A bearer token, kept only as its SHA-256 (it is 256 random bits: a slow hash adds nothing)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")
