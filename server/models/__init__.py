"""Console models, one module per concern; importing this registers every table on Base.metadata."""

from server.models.accounts import ApiToken
from server.models.accounts import User
from server.models.accounts import UserAgency
from server.models.accounts import UserRole
from server.models.monitoring import Finding
from server.models.monitoring import MonitoredPage
from server.models.monitoring import MonitoringRun
from server.models.monitoring import Regression
from server.models.monitoring import Screenshot
from server.models.monitoring import StatementSignature
from server.models.monitoring import UncheckedPage
from server.models.waivers import Waiver
from server.models.waivers import WaiverStep

__all__ = ["ApiToken", "Finding", "MonitoredPage", "MonitoringRun", "Regression", "Screenshot",
           "StatementSignature", "UncheckedPage", "User", "UserAgency", "UserRole", "Waiver", "WaiverStep"]
