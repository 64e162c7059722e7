"""The staff roles of DESIGN.md, after policy section 3 and its "Roles and Responsibilities"."""

from server.auth.models import ROLES

ADMIN = "admin"
QA = "qa"
REQUESTER = "requester"
REVIEWER = "reviewer"
COUNSEL = "counsel"
APPROVER = "approver"
ISO = "iso"
AUDITOR = "auditor"

# Everyone signed in may read the waiver registry; only the named roles act on it.
READERS = ROLES

__all__ = ["ADMIN", "APPROVER", "AUDITOR", "COUNSEL", "ISO", "QA", "READERS", "REQUESTER", "REVIEWER", "ROLES"]
