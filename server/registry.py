"""The app's agency registry: the core's Registry, loaded once at start-up and kept on the app for every request."""

from flask import current_app

from server.core.agencies import Registry
from server.errors import ApiError


REGISTRY_KEY = "registry"


def init_app(app, directory, built_in=(), required=True):
    """Load the agency files once and keep the registry on the app (an invalid file stops start-up)."""
    app.extensions[REGISTRY_KEY] = Registry.from_directory(directory, built_in, required)
    return app.extensions[REGISTRY_KEY]


def get_registry():
    """The registry of the app handling this request."""
    return current_app.extensions[REGISTRY_KEY]


def get_agency_or_404(agency_id):
    """The registered agency, or the 404 an unknown agency gets."""
    agency = get_registry().get(agency_id)
    if agency is None:
        raise ApiError(404, "unknown_agency", "No agency is registered under this id.", "agency")
    return agency
