"""CONSENT_WAIVER_LEAD_DAYS read into the app, apart from the package face so the pure rules import alone."""

from server.core.settings import DEFAULT_LEAD_DAYS
from server.core.setting_values import whole_number
from server.waivers.workflow import LEAD_DAYS_KEY

VARIABLE = "CONSENT_WAIVER_LEAD_DAYS"


def init_app(app):
    """The app's WAIVER_LEAD_DAYS (CONSENT_WAIVER_LEAD_DAYS through server.config, or a test's override), checked
    with the settings' own parser: days between filing and the earliest start."""
    raw = app.config.get(LEAD_DAYS_KEY, DEFAULT_LEAD_DAYS)
    app.config[LEAD_DAYS_KEY] = whole_number(VARIABLE, raw, 0)
