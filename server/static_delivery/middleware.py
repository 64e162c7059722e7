"""The in-process fast path: banner.js and the notice answered from the built files, ahead of Flask routing."""

import shutil
import tempfile
import weakref
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_host
from whitenoise import WhiteNoise
from whitenoise.responders import Response
from whitenoise.responders import StaticFile

from server.registry import REGISTRY_KEY
from server.security import SecurityHeaders
from server.static_delivery.files import PUBLIC_DIR
from server.static_delivery.files import read_table
from server.static_delivery.files import write_build
from server.static_delivery.negotiation import coding_for
from server.static_delivery.negotiation import etag_matches
from server.static_delivery.negotiation import lang_for
from server.static_delivery.representations import SUFFIX
from server.static_delivery.representations import resources

FAST_METHODS = ("GET", "HEAD")


class Representations(StaticFile):
    """One URL's files (plain, .gz, .br) answered the way the service negotiates them, with recorded headers.

    WhiteNoise's own StaticFile picks a coding by substring and keeps one ETag for all codings; the service
    honours q=0 and gives each coding its own strong ETag, so the choice is made here and WhiteNoise serves.
    """

    def __init__(self, path, entry):
        # Read once: a few kilobytes per file, and no open() per request on the hottest path.
        self.bodies = {coding: Path(path + suffix).read_bytes() for coding, suffix in SUFFIX.items()}
        self.headers = entry["headers"]
        self.not_modified = entry["not_modified"]
        self.etags = frozenset(entry["etags"])

    def get_response(self, method, request_headers):
        coding = coding_for(request_headers.get("HTTP_ACCEPT_ENCODING", ""))
        if_none_match = request_headers.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None and etag_matches(if_none_match, self.etags):
            return Response(HTTPStatus.NOT_MODIFIED, list(self.not_modified[coding]), None)
        body = None if method == "HEAD" else BytesIO(self.bodies[coding])
        return Response(HTTPStatus.OK, list(self.headers[coding]), body)


class BuiltFiles(WhiteNoise):
    """WhiteNoise over a build's public/ folder, each URL answered with the headers the build recorded."""

    def __init__(self, folder):
        self.table = read_table(folder)
        super().__init__(None, root=Path(folder) / PUBLIC_DIR, prefix="/", max_age=None, allow_all_origins=False)

    def get_static_file(self, path, url, stat_cache=None):
        return Representations(path, self.table[url])


class StaticDelivery:
    """WSGI middleware: GET and HEAD of banner.js (plain or content-hashed) and of a notice without a query.

    Everything else (other methods, ?lang=, unknown agencies, every other path) goes on to Flask.
    """

    def __init__(self, application, files, registry):
        self.application = application
        self.files = files
        self.registry = registry
        self.scripts, self.notices = {}, {}
        for url, static_file in files.files.items():
            entry = files.table[url]
            if entry["lang"] is None:
                self.scripts[url] = (entry["agency"], static_file)
            else:
                self.notices[f"/v1/{entry['agency']}/notice", entry["lang"]] = (entry["agency"], static_file)
        self.notice_paths = {path for path, _ in self.notices}
        # The same security headers as every Flask answer, by the same middleware.
        self.serve_static = SecurityHeaders(self._serve)

    def _match(self, environ):
        path = environ.get("PATH_INFO", "")
        if path in self.notice_paths:
            if environ.get("QUERY_STRING"):
                return None  # ?lang= is validated and answered by the dynamic route
            return self.notices.get((path, lang_for(environ.get("HTTP_ACCEPT_LANGUAGE", ""))))
        return self.scripts.get(path)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in FAST_METHODS:
            match = self._match(environ)
            if match is not None:
                environ["consent.static"] = match
                return self.serve_static(environ, start_response)
        return self.application(environ, start_response)

    def _serve(self, environ, start_response):
        agency_id, static_file = environ["consent.static"]
        origin = environ.get("HTTP_ORIGIN")
        cors = origin and self._origin_allowed(agency_id, origin, environ)

        def start(status, headers, exc_info=None):
            # Werkzeug's reason phrase ("304 NOT MODIFIED"), so the status line is Flask's byte for byte.
            code = int(status[:3])
            if cors:
                # As server/security.py's add_cors_headers: the agency's pages (and the service's) may read it.
                headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", "ETag")]
            return start_response(f"{code} {HTTP_STATUS_CODES[code].upper()}", headers, exc_info)

        return self.files.serve(static_file, environ, start)

    def _origin_allowed(self, agency_id, origin, environ):
        agency = self.registry.get(agency_id)
        return agency.allows_origin(origin) or origin == f"{environ['wsgi.url_scheme']}://{get_host(environ)}"


def init_app(app):
    """Build the static answers into a private folder and serve them ahead of Flask (needs banner.init_app)."""
    folder = tempfile.mkdtemp(prefix="consent-static-")
    weakref.finalize(app, shutil.rmtree, folder, True)
    write_build(resources(app), folder)
    app.wsgi_app = StaticDelivery(app.wsgi_app, BuiltFiles(folder), app.extensions[REGISTRY_KEY])
