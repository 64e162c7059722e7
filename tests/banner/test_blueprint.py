"""GET /v1/AGENCY/banner.js and /embed: served from memory, cacheable, negotiated, pinned by SRI."""

import base64
import gzip
import hashlib

import brotli
import pytest

from server.public.banner import EXTENSION_KEY

BANNER = "/v1/demo/banner.js"


def test_bundles_are_built_at_start_up(app):
    assert "demo" in app.extensions[EXTENSION_KEY]


def test_plain_script_with_cache_headers(client):
    response = client.get(BANNER, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Accept-Encoding" in response.headers["Vary"]
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert b"data-consent-notice" in response.data


@pytest.mark.parametrize(("accept", "coding", "decode"), [
    ("gzip, deflate, br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("br;q=0, gzip;q=0.5", "gzip", gzip.decompress),
])
def test_negotiated_encodings_decode_to_the_same_script(client, accept, coding, decode):
    plain = client.get(BANNER, headers={"Accept-Encoding": "identity"}).data
    response = client.get(BANNER, headers={"Accept-Encoding": accept})
    assert response.headers["Content-Encoding"] == coding
    assert decode(response.data) == plain


def test_revalidation_answers_304_for_any_coding_etag(client):
    first = client.get(BANNER, headers={"Accept-Encoding": "gzip"})
    again = client.get(BANNER, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=300"


def test_stale_etag_gets_the_full_script(client):
    response = client.get(BANNER, headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200 and response.data


def test_unknown_agency_is_404(client):
    response = client.get("/v1/no-such-agency/banner.js")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_agency"


def test_embed_json_pins_the_served_script(app, client):
    body = client.get(BANNER, headers={"Accept-Encoding": "identity"}).data
    embed = client.get("/v1/demo/embed").get_json()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert embed["integrity"] == f"sha384-{digest}"
    # Absolute URLs come from the configured public address, never from the request's Host.
    assert embed["src"] == f"{app.config['PUBLIC_URL']}/v1/demo/banner.js"
    assert f'integrity="sha384-{digest}"' in embed["snippet"]
    assert 'crossorigin="anonymous"' in embed["snippet"]
    assert 'data-tracker="demo-analytics"' in embed["snippet"]
    assert "data-consent-open" in embed["snippet"]


def test_embed_as_text(app, client):
    response = client.get("/v1/demo/embed?format=text")
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith(f'<script src="{app.config["PUBLIC_URL"]}/v1/demo/banner.js"')


def test_embed_refuses_an_unknown_format(client):
    response = client.get("/v1/demo/embed?format=xml")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "format"
