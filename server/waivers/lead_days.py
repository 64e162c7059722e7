"""CONSENT_WAIVER_LEAD_DAYS read into the app, apart from the package face so the pure rules import alone."""

import os

from server.config import ConfigError
from server.waivers.rules import DEFAULT_LEAD_DAYS
from server.waivers.workflow import LEAD_DAYS_KEY


def init_app(app):
    """CONSENT_WAIVER_LEAD_DAYS (or the app's WAIVER_LEAD_DAYS): days between filing and the earliest start."""
    raw = app.config.get(LEAD_DAYS_KEY, os.environ.get("CONSENT_WAIVER_LEAD_DAYS", DEFAULT_LEAD_DAYS))
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"CONSENT_WAIVER_LEAD_DAYS: {raw!r} is not a whole number of days") from None
    if days < 0:
        raise ConfigError(f"CONSENT_WAIVER_LEAD_DAYS: {raw!r} must not be negative")
    app.config[LEAD_DAYS_KEY] = days
