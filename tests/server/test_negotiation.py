"""server/static_delivery/negotiation.py: coding, language and If-None-Match by werkzeug's parsers, 200 or 304."""

from http import HTTPStatus

import pytest
from werkzeug.test import Client

from server import create_app
from server.static_delivery.negotiation import answer
from server.static_delivery.negotiation import coding_for
from server.static_delivery.negotiation import lang_for
from server.static_delivery.negotiation import not_modified
from server.static_delivery.served_file import compressed
from server.static_delivery.served_file import served_file
from suite_keys import SHARED_KEYS

SERVED = served_file(compressed(b"x" * 500), "text/plain", "public, max-age=300", "Accept-Encoding")
PLAIN, GZIP, BR = (dict(SERVED.headers[coding])["ETag"] for coding in ("identity", "gzip", "br"))


@pytest.mark.parametrize(("header", "coding"), [
    ("", "identity"), ("identity", "identity"), ("gzip", "gzip"), ("gzip, deflate, br, zstd", "br"),
    ("br;q=0, gzip", "gzip"), ("gzip;q=0", "identity"), ("*", "br"), ("*;q=0, gzip", "gzip"),
    ("br;q=0, *", "gzip"), ("gzip;q=0.5, BR;q=0.1", "br"),
])
def test_coding(header, coding):
    assert coding_for(header) == coding


@pytest.mark.parametrize(("requested", "header", "lang"), [
    (None, "", "en"), (None, "es", "es"), (None, "es-MX, en;q=0.5", "es"), (None, "fr, es;q=0.4", "es"),
    (None, "en-US,en;q=0.9", "en"), ("es", "en", "es"), ("en", "es", "en"),
])
def test_language(requested, header, lang):
    assert lang_for(requested, header) == lang


@pytest.mark.parametrize("header", [
    PLAIN, BR, "W/" + GZIP, f'"a", W/{BR}', f'"other", {PLAIN}', "*", " * ", f"{GZIP} ,  \"b\"",
])
def test_validators_that_match(header):
    assert not_modified(header, SERVED)


@pytest.mark.parametrize("header", [None, "", '"stale"', '"a", *', f"x {PLAIN}", "W/", f"{PLAIN[:-2]}\""])
def test_validators_that_do_not(header):
    assert not not_modified(header, SERVED)


def test_answer_is_the_chosen_codings_body_or_a_304():
    status, headers, body = answer(SERVED, "gzip", None)
    assert (status, headers, body) == (HTTPStatus.OK, SERVED.headers["gzip"], SERVED.bodies["gzip"])
    status, headers, body = answer(SERVED, "br", f'"a", W/{GZIP}')
    assert (status, headers, body) == (HTTPStatus.NOT_MODIFIED, SERVED.not_modified["br"], b"")
    assert answer(SERVED, None, None)[1] == SERVED.headers["identity"]


@pytest.fixture(scope="module")
def both(agencies_dir):
    """The fast path (the whole app) and the Flask routes behind it, of one app."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(SHARED_KEYS), "DEMO": True})
    return {"fast path": app.test_client(), "Flask route": Client(app.wsgi_app.application)}


@pytest.mark.parametrize("path", ["/v1/demo/banner.js", "/v1/demo/notice"])
@pytest.mark.parametrize("way", ["fast path", "Flask route"])
def test_weak_and_listed_validators_on_both_paths(both, way, path):
    """W/"tag", a list naming it weakly, w/ and an unquoted tag (as werkzeug reads them) revalidate; others do not."""
    client = both[way]
    etag = client.get(path, headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    for validator in ("W/" + etag, f'"a", W/{etag}', "w/" + etag, etag.strip('"'), f'"a", {etag}'):
        answer = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": validator})
        assert answer.status_code == 304, validator
        assert answer.headers["ETag"].endswith('-br"') and answer.get_data() == b""
    for validator in ('"a", W/"b"', f"W/{etag}x", '"a", *'):
        assert client.get(path, headers={"If-None-Match": validator}).status_code == 200, validator
