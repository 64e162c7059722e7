"""The application factory: settings, registry and keys are checked before the first request."""

import importlib
import logging

from flask import Flask

from server import config
from server import security
from server.errors import register_errors
from server.openapi import build_spec
from server.registry import Registry
from server.state import ConsentState
from server.tokens import TokenService

log = logging.getLogger("server")

BLUEPRINT_MODULES = (
    "server.blueprints.meta",
    "server.blueprints.api",
    "server.blueprints.choices",
    "server.blueprints.banner",
    "server.blueprints.equal_access",
)
DEMO_MODULE = "server.blueprints.demo"


def create_app(test_config=None):
    """Build the service: environment settings, overridden by test_config; refuses to start misconfigured."""
    app = Flask(__name__)
    settings = config.from_environment()
    settings.update(test_config or {})
    config.validate(settings)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = config.MAX_BODY_BYTES
    app.json.mimetype = "application/json; charset=utf-8"
    app.json.sort_keys = False

    registry = Registry.from_directory(settings["AGENCIES_DIR"])
    tokens = TokenService(settings["SECRET_KEYS"], settings["TOKEN_MAX_AGE"])
    app.extensions["consent"] = ConsentState(registry=registry, tokens=tokens)

    register_errors(app)
    security.init_app(app)
    extra_schemas, extra_paths = [], []
    modules = BLUEPRINT_MODULES + ((DEMO_MODULE,) if settings["DEMO"] else ())
    for name in modules:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
        extra_schemas.extend(getattr(module, "OPENAPI_SCHEMAS", ()))
        extra_paths.extend(getattr(module, "OPENAPI_PATHS", ()))
    app.extensions["openapi"] = build_spec(extra_schemas, extra_paths)
    log.info("serving %d agencies%s", len(registry.agencies), " with the demo site" if settings["DEMO"] else "")
    return app
