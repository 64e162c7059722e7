"""The staff console's database: one engine per app, one session per request, Alembic migrations."""

from server.db.base import Base
from server.db.migrate import SchemaBehind
from server.db.migrate import check_schema
from server.db.migrate import upgrade
from server.db.migrate import upgrade_url
from server.db.session import DatabaseUnavailable
from server.db.session import get_session
from server.db.session import init_app
from server.db.session import session_for

__all__ = ["Base", "DatabaseUnavailable", "SchemaBehind", "check_schema", "get_session", "init_app",
           "session_for", "upgrade", "upgrade_url"]
