"""Service-level endpoints: liveness, the OpenAPI document, and the GPC support statement."""

from flask import Blueprint
from flask import current_app
from flask import jsonify

from server.openapi import documented
from server.openapi import ok
from server.registry import get_registry
from server.schemas.api import HEALTH
from server.schemas.api import HealthSchema


bp = Blueprint("meta", __name__)

GPC_STATEMENT = {"gpc": True, "lastUpdate": "2026-11-23"}


@bp.get("/healthz")
@documented(get={"summary": "Liveness", "responses": ok(HealthSchema)})
def healthz():
    """For load balancers: the process is up and its registry loaded."""
    response = jsonify(HEALTH.dump({"status": "ok", "agencies": len(get_registry().agencies)}))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
def openapi():
    """Built on the first ask (the factory leaves a cached builder): the schemas never change while it runs."""
    return jsonify(current_app.extensions["openapi"]())


@bp.get("/.well-known/gpc.json")
def gpc():
    """The service honours Global Privacy Control (https://privacycg.github.io/gpc-spec/)."""
    response = jsonify(GPC_STATEMENT)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
