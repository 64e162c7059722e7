"""Monitoring's settings from the environment (DESIGN.md "Running"): queue, mail, screenshots, leases.

In the service's package: the worker (the top-level `monitoring`) and the console both read them.
"""

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from server.config import ConfigError
from server.db.session import database_url

QUEUE_FILE = "queue.sqlite3"
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "unix")
SCREENSHOT_STORES = ("files", "database")
DEFAULT_RETENTION_DAYS = 90
# Longer than the slowest check (driver timeouts are 45 s a command): a lease that runs out means a dead worker.
DEFAULT_LEASE_SECONDS = 300
DEFAULT_ATTEMPTS = 3


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


def _whole(environ, name, default, minimum):
    raw = environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} = {raw!r}: not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name} = {raw!r}: must be at least {minimum}")
    return value


def default_queue_url(app):
    """A SQLite file beside the console database (in the instance folder when that database is PostgreSQL)."""
    url = database_url(app)
    folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / QUEUE_FILE}"


def queue_url(app, environ):
    """CONSENT_QUEUE_URL, checked: sqlite:///FILE, redis://…, rediss://… or unix:///SOCKET."""
    raw = environ.get("CONSENT_QUEUE_URL", "").strip()
    if not raw:
        return default_queue_url(app)
    if urlsplit(raw).scheme not in QUEUE_SCHEMES:
        raise ConfigError(f"CONSENT_QUEUE_URL = {raw!r}: must start with sqlite:///, redis://, rediss:// or unix://")
    return raw


def smtp_url(environ):
    """CONSENT_SMTP_URL, checked: smtp://host:port or smtps://user:password@host:port (unset: no mail)."""
    raw = environ.get("CONSENT_SMTP_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("CONSENT_SMTP_URL: must be smtp://host:port or smtps://user:password@host:port")
    return raw


def smtp_ca_file(environ):
    """CONSENT_SMTP_CA_FILE, checked: a readable PEM file of the CA that signed the mail server's certificate."""
    raw = environ.get("CONSENT_SMTP_CA_FILE", "").strip()
    if not raw:
        return None
    try:
        ssl.create_default_context(cafile=raw)
    except ssl.SSLError:
        raise ConfigError(f"CONSENT_SMTP_CA_FILE = {raw!r}: holds no PEM certificate") from None
    except OSError as error:
        raise ConfigError(f"CONSENT_SMTP_CA_FILE = {raw!r}: {error.strerror or 'cannot be read'}") from None
    return raw


def settings_for(app, environ=None):
    """The settings for this app's monitoring; a bad value stops with one line naming the variable."""
    environ = os.environ if environ is None else environ
    public_url = app.config.get("PUBLIC_URL")
    store = environ.get("CONSENT_SCREENSHOTS", "files").strip() or "files"
    if store not in SCREENSHOT_STORES:
        raise ConfigError(f"CONSENT_SCREENSHOTS = {store!r}: must be 'files' or 'database'")
    host = urlsplit(public_url).hostname if public_url else "localhost"
    return Settings(
        queue_url=queue_url(app, environ),
        smtp_url=smtp_url(environ),
        smtp_ca_file=smtp_ca_file(environ),
        mail_from=environ.get("CONSENT_MAIL_FROM", "").strip() or f"consent-monitoring@{host}",
        public_url=public_url,
        screenshots=store,
        screenshot_dir=Path(environ.get("CONSENT_SCREENSHOT_DIR", "").strip()
                            or Path(app.instance_path) / "screenshots"),
        retention_days=_whole(environ, "CONSENT_SCREENSHOT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1),
        lease_seconds=_whole(environ, "CONSENT_MONITOR_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, 5),
        attempts=_whole(environ, "CONSENT_MONITOR_ATTEMPTS", DEFAULT_ATTEMPTS, 1),
        gpc=environ.get("CONSENT_MONITOR_GPC", "1").strip().lower() not in ("0", "false", "no"),
    )
