"""Alembic's environment: runs on the connection `server.db.migrate` hands over (no alembic.ini)."""

from alembic import context

from server.db.base import Base
from server.staff import models  # noqa: F401  (registers every table on Base.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
