"""Migrations: upgrade from empty on SQLite and PostgreSQL, models equal to migrations, `db upgrade` while behind.

What a database behind the code does to the running service: tests/console/test_schema_behind.py.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from databases import new_sqlite_url
from sqlalchemy import create_engine
from sqlalchemy import inspect

from server.commands.group import cli
from server.db.migrate import upgrade_url
from server.db.base import Base
from server.db.migrate import head_revision
from server.db.session import normalise_url
from server.staff.models import Waiver  # noqa: F401  (every table on Base.metadata)

# The staff and waiver tables (monitoring adds its own in later revisions).
TABLES = {"users", "user_roles", "user_agencies", "api_tokens", "waivers", "waiver_steps", "alembic_version"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        return new_sqlite_url(tmp_path)
    return request.getfixturevalue("postgres_cluster").create_database(f"empty_{tmp_path.name[-12:]}")


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(empty_url):
    assert upgrade_url(empty_url) == (None, head_revision())
    engine = create_engine(normalise_url(empty_url))
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            # Autogenerate finds nothing to add: the checked-in migration is the models' schema.
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()
    # A second upgrade is a no-op.
    assert upgrade_url(empty_url) == (head_revision(), head_revision())


def test_db_upgrade_command_works_on_a_database_behind(empty_url, monkeypatch):
    monkeypatch.setenv("CONSENT_DATABASE_URL", empty_url)
    monkeypatch.setenv("CONSENT_DEMO", "1")
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded from schema none (empty) to {head_revision()}" in result.output
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and f"already at schema {head_revision()}" in again.output
