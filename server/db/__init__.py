"""The staff console's database: the engine and per-request session (session.py), Alembic migrations (migrate.py)."""
