"""The application factory: settings, registry and keys are checked before the first request."""

import logging

from flask import Flask

from server import commands
from server import config
from server import redirects
from server import registry
from server import security
from server import tokens
from server.staff import mount as api_staff
from server.console import features as console_pages
from server.errors import register_errors
from server.openapi import build_spec
from server.public import api
from server.public import banner
from server.public import choices
from server.public import demo
from server.equal_access import views as equal_access
from server.public import meta
from server.static_delivery import middleware as static_delivery

log = logging.getLogger("server")


def create_app(test_config=None):
    """Build the service: environment settings, overridden by test_config; refuses to start misconfigured."""
    app = Flask(__name__)
    # No "//" merging: its redirect would be built from the request's Host (DESIGN.md "Running").
    app.url_map.merge_slashes = False
    settings = config.from_environment()
    settings.update(test_config or {})
    config.validate(settings)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = config.MAX_BODY_BYTES
    app.json.mimetype = "application/json; charset=utf-8"
    app.json.sort_keys = False

    agencies = registry.init_app(app, *config.agency_sources(app))
    tokens.init_app(app, settings["SECRET_KEYS"], settings["TOKEN_MAX_AGE"])
    register_errors(app)
    security.init_app(app)
    redirects.init_app(app)
    commands.init_app(app)

    app.register_blueprint(meta.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(choices.bp)
    app.register_blueprint(banner.bp)
    banner.init_app(app)
    # After security.init_app and banner.init_app: it serves the built banners behind the same headers.
    static_delivery.init_app(app)
    app.register_blueprint(equal_access.bp)
    equal_access.init_app(app)
    if settings["DEMO"]:
        app.register_blueprint(demo.bp)
    api_staff.init_app(app)
    console_pages.init_app(app)

    # Every view documents itself (server/openapi.py); the blueprints add the named components they cite.
    app.extensions["openapi"] = build_spec(app, equal_access.OPENAPI_SCHEMAS + api_staff.OPENAPI_SCHEMAS)
    log.info("serving %d agencies%s", len(agencies.agencies), " with the demo site" if settings["DEMO"] else "")
    return app
