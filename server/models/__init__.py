"""Console models, one module per concern; importing this registers every table on Base.metadata."""

from server.models.accounts import ApiToken
from server.models.accounts import User
from server.models.accounts import UserAgency
from server.models.accounts import UserRole
from server.models.waivers import Waiver
from server.models.waivers import WaiverStep

__all__ = ["ApiToken", "User", "UserAgency", "UserRole", "Waiver", "WaiverStep"]
