"""The factory's settings: server.core.settings' groups as app.config keys, checked again after test overrides."""

import logging
import os
import secrets
from pathlib import Path

from server.core import settings as core_settings
from server.core.settings import DEMO_KEY_VARIABLE
from server.core.settings import ConfigError
from server.core.settings import bound_url
from server.core.settings import origin
from server.demo_agency import demo_agency

log = logging.getLogger("server")

MAX_BODY_BYTES = 16 * 1024


def ensure_demo_key(environ, announce=True):
    """Generate the demo signing key once per process tree (gunicorn's master calls this before forking).

    Only the service's own start announces it: commands and the monitor worker sign nothing a visitor keeps.
    """
    if not core_settings.service(environ).demo or core_settings.signing(environ).secret_keys:
        return
    if not environ.get(DEMO_KEY_VARIABLE):
        environ[DEMO_KEY_VARIABLE] = secrets.token_urlsafe(32)
        if announce:
            log.warning("demo mode: generated a random signing key for this run; tokens end with it")


def from_environment(environ=None):
    """The factory's settings (app.config keys) from the environment's Service, Signing, Console and Gunicorn
    groups; test_config overrides them key by key afterwards."""
    environ = os.environ if environ is None else environ
    ensure_demo_key(environ, announce=False)
    service = core_settings.service(environ)
    signing = core_settings.signing(environ)
    console = core_settings.console(environ)
    slots = core_settings.gunicorn(environ).equal_access_slots
    settings = {
        "SECRET_KEYS": list(signing.secret_keys),
        # None: the instance folder's agencies/ (create_app resolves it; the package has no agencies of its own).
        "AGENCIES_DIR": str(service.agencies_dir) if service.agencies_dir else None,
        "DEMO": service.demo,
        "TOKEN_MAX_AGE": signing.token_max_age,
        "PUBLIC_URL": service.public_url,
        "DATABASE_URL": console.database_url,
        "WAIVER_LEAD_DAYS": console.waiver_lead_days,
        # Staff single sign-on (server/auth/oidc_client.py): the frozen Oidc group as it is.
        "OIDC": core_settings.oidc(environ),
    }
    if slots is not None:
        settings["EQUAL_ACCESS_SLOTS"] = slots
    return settings


def validate(settings):
    """Check the merged settings; a service without a key could not sign anything."""
    keys = settings.get("SECRET_KEYS")
    if isinstance(keys, str):
        # A string would be iterated character by character: one-letter keys would verify.
        raise ConfigError("SECRET_KEYS must be a list of keys, not one string")
    if not keys:
        raise ConfigError("CONSENT_SECRET_KEYS is not set: give one or more signing keys, newest first "
                          "(or set CONSENT_DEMO=1 to run the demo with a generated key)")
    if settings["TOKEN_MAX_AGE"] <= 0:
        raise ConfigError("CONSENT_TOKEN_MAX_AGE must be positive")
    if settings.get("PUBLIC_URL"):
        settings["PUBLIC_URL"] = origin("CONSENT_PUBLIC_URL", settings["PUBLIC_URL"])
    elif settings.get("DEMO"):
        # Demo switched on by test_config rather than the environment: the bound address, as in from_environment.
        settings["PUBLIC_URL"] = bound_url(core_settings.bind(os.environ))


def agency_sources(app):
    """Where the registry reads agencies: (folder, built-in agencies, whether the folder must exist)."""
    settings = app.config
    built_in = (demo_agency(settings["PUBLIC_URL"]),) if settings["DEMO"] else ()
    if settings.get("AGENCIES_DIR"):
        return settings["AGENCIES_DIR"], built_in, True
    # Flask's instance folder, not the source tree: an installed package has no agencies/ beside it.
    # The demo alone needs no folder.
    return Path(app.instance_path) / "agencies", built_in, not settings["DEMO"]
