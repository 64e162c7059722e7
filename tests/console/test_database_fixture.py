"""The console tests' PostgreSQL databases: one a finished test gave back is lent again only emptied, its ids
restarted and the finished test's connections ended; one whose schema a test changed is never lent again."""

import psycopg
import pytest
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from staff_accounts import add_account

from server.auth.models import User
from server.db.session import make_engine
from server.db.session import normalise_url


def add_users(url, *names):
    """Add staff accounts the service's way: the ids they got, and how many accounts the database holds."""
    engine = make_engine(normalise_url(url))
    try:
        with Session(engine) as db:
            users = [add_account(db, name, ("qa",)) for name in names]
            db.commit()
            return [user.id for user in users], db.scalar(select(func.count()).select_from(User))
    finally:
        engine.dispose()


def test_a_database_given_back_is_lent_again_empty_with_its_ids_restarted(
        postgres_cluster, upgraded_postgres):  # noqa: F811
    url = postgres_cluster.lend_database(upgraded_postgres)
    assert add_users(url, "ada", "bob") == ([1, 2], 2)
    left_open = psycopg.connect(url)  # a connection the finished test did not close
    left_open.execute("SELECT count(*) FROM users").fetchone()
    postgres_cluster.give_back(url, upgraded_postgres)
    assert postgres_cluster.lend_database(upgraded_postgres) == url
    assert add_users(url, "cy") == ([1], 1)
    with pytest.raises(psycopg.OperationalError):
        left_open.execute("SELECT 1")
    left_open.close()


def test_a_database_whose_schema_a_test_changed_is_not_lent_again(postgres_cluster, upgraded_postgres):  # noqa: F811
    url = postgres_cluster.lend_database(upgraded_postgres)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ALTER TABLE users ADD COLUMN nickname text")
    postgres_cluster.give_back(url, upgraded_postgres)
    fresh = postgres_cluster.lend_database(upgraded_postgres)
    assert fresh != url
    assert add_users(fresh, "dee") == ([1], 1)
