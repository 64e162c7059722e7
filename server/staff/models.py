"""Every staff feature's models in one import, so Base.metadata holds every table (Alembic's env, the tests).

Here, above the features, not in server.db: the features import server.db, so server.db may not import them.
"""

from server.auth.models import ApiToken
from server.auth.models import User
from server.auth.models import UserAgency
from server.auth.models import UserRole
from server.dashboard.models import VisitorCount
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Regression
from server.monitoring.models import Screenshot
from server.monitoring.models import UncheckedPage
from server.statements.models import StatementSignature
from server.waivers.models import Waiver
from server.waivers.models import WaiverStep

__all__ = ["ApiToken", "Finding", "MonitoredPage", "MonitoringRun", "Regression", "Screenshot",
           "StatementSignature", "UncheckedPage", "User", "UserAgency", "UserRole", "VisitorCount", "Waiver",
           "WaiverStep"]
