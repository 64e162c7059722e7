"""Monitoring's settings from the environment (DESIGN.md "Running"): queue, mail, screenshots, leases.

In the service's package: the worker (the top-level `monitoring`) and the console both read them.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from server.core import settings as core_settings
from server.db.session import database_url

QUEUE_FILE = "queue.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Everything the worker and `monitor run` need besides the app's own settings."""

    queue_url: str
    smtp_url: str | None
    smtp_ca_file: str | None  # a private CA's certificates (PEM) to verify the mail server with; None: the system's
    mail_from: str
    public_url: str | None
    screenshots: str
    screenshot_dir: Path
    retention_days: int
    lease_seconds: int
    attempts: int
    gpc: bool


def default_queue_url(app):
    """A SQLite file beside the console database (in the instance folder when that database is PostgreSQL)."""
    url = database_url(app)
    folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / QUEUE_FILE}"


def queue_url(app, environ=None):
    """CONSENT_QUEUE_URL (checked by server.core.settings), else the SQLite file beside the console database."""
    environ = os.environ if environ is None else environ
    return core_settings.queue_url(environ) or default_queue_url(app)


def settings_for(app, environ=None):
    """The Monitoring group with the defaults this app implies; a bad value stops with one line naming it."""
    read = core_settings.monitoring(os.environ if environ is None else environ)
    public_url = app.config.get("PUBLIC_URL")
    host = urlsplit(public_url).hostname if public_url else "localhost"
    return Settings(
        queue_url=read.queue_url or default_queue_url(app),
        smtp_url=read.smtp_url,
        smtp_ca_file=str(read.smtp_ca_file) if read.smtp_ca_file else None,
        mail_from=read.mail_from or f"consent-monitoring@{host}",
        public_url=public_url,
        screenshots=read.screenshots,
        screenshot_dir=read.screenshot_dir or Path(app.instance_path) / "screenshots",
        retention_days=read.retention_days,
        lease_seconds=read.lease_seconds,
        attempts=read.attempts,
        gpc=read.gpc,
    )
