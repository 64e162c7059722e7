"""The application factory: settings, registry and keys are checked before the first request."""

import functools
import logging

from flask import Flask

from server.commands import group as commands
from server import config
from server import redirects
from server import registry
from server import security
from server import tokens
from server.metrics import middleware as metrics
from server.errors import register_errors
from server.openapi import build_spec
from server.public import api
from server.public import banner
from server.public import choices
from server.public import demo
from server.public import embeds
from server.public import meta
from server.public import waivers
from server.staff import switch
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

    # The public half: it never needs the staff half, nor its database.
    app.register_blueprint(meta.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(choices.bp)
    app.register_blueprint(banner.bp)
    banner.init_app(app)
    app.register_blueprint(embeds.bp)
    embeds.init_app(app)
    # After security.init_app and banner.init_app: it serves the built banners behind the same headers.
    static_delivery.init_app(app)
    app.register_blueprint(waivers.bp)
    if settings["DEMO"]:
        app.register_blueprint(demo.bp)
    staff_schemas = _mount_staff(app)
    # Last, so it is the outermost WSGI layer: the fast path's answers and the staff half's are counted too.
    metrics.init_app(app)

    # Every view documents itself (server/openapi.py); the blueprints add the named components they cite.
    # Built on the first ask, once: a third of a second of CPU that most processes never need.
    app.extensions["openapi"] = functools.cache(functools.partial(build_spec, app,
                                                                  waivers.OPENAPI_SCHEMAS + staff_schemas))
    log.info("serving %d agencies%s", len(agencies.agencies), " with the demo site" if settings["DEMO"] else "")
    return app


def _mount_staff(app):
    """The staff half, when a console database is configured (else /console is 404); its OpenAPI components."""
    if not switch.console_wanted(app.config):
        return ()
    switch.require_console()
    # Imported here: the public service alone never loads SQLAlchemy, Alembic, Flask-WTF or WeasyPrint.
    from server.staff import mount

    mount.init_app(app)
    return mount.OPENAPI_SCHEMAS
