"""What the console database writes to an operator's log: where it created the default file (the full path, so an
installed service's operator can find it), and none of Alembic's per-process chatter."""

import logging

from flask import Flask

from server.db.migrate import check_schema
from server.db.session import init_app as init_database


def test_the_default_database_is_named_by_its_full_path_and_alembic_stays_quiet(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("CONSENT_DATABASE_URL", raising=False)
    app = Flask("server.app", instance_path=str(tmp_path / "instance"))
    engine = init_database(app)
    try:
        with caplog.at_level(logging.INFO):
            check_schema(app)
            check_schema(app)  # a second process (worker) finding it made
    finally:
        engine.dispose()
    messages = [record.getMessage() for record in caplog.records]
    created = [m for m in messages if m.startswith("created the console database")]
    assert created == [created[0]] and f"{tmp_path / 'instance' / 'console.sqlite3'} (SQLite" in created[0], messages
    assert not [r.name for r in caplog.records if r.name.startswith("alembic")], messages
