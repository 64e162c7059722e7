"""The in-process fast path answers banner.js and the notice from built files, byte for byte as Flask does."""

import base64
import hashlib
import http.client
import socket
import subprocess
import time
import urllib.request

import pytest
from pathlib import Path
from serving import AppServer
from werkzeug.test import Client

from suite_keys import SHARED_KEYS
from server import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]

ENCODINGS = ["", "gzip", "br", "gzip, deflate, br, zstd", "br;q=0, gzip", "identity"]
ORIGINS = [None, "https://www.mass.gov", "https://evil.example", "http://localhost"]
PATHS = ["/v1/demo/banner.js", "/v1/dor/banner.js", "/v1/demo/notice", "/v1/dor/notice"]


@pytest.fixture(scope="module")
def served(agencies_dir):
    """One service for the module (building it is the slow part), and a list that grows per Flask request."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(SHARED_KEYS), "DEMO": True})
    hits = []
    app.before_request(lambda: hits.append(1))
    return app, hits


@pytest.fixture
def app(served):
    """The module's service (it keeps no state between requests)."""
    return served[0]


@pytest.fixture
def flask_hits(served):
    """How many requests reached Flask's routing (the fast path must not)."""
    return served[1]


@pytest.fixture
def dynamic(app):
    """A client of the app behind the fast path: the Flask routes that answered before it existed."""
    return Client(app.wsgi_app.application)


def _headers(encoding, origin, **more):
    headers = {"Accept-Encoding": encoding, **more}
    if origin:
        headers["Origin"] = origin
    return headers


def _compare(client, dynamic, hits, path, headers, method="get"):
    """The fast answer (which must not reach Flask) and the Flask route's, checked equal; returns the fast one."""
    before = len(hits)
    fast = getattr(client, method)(path, headers=headers)
    assert len(hits) == before, f"{method.upper()} {path} {headers} went through Flask"
    _same(fast, getattr(dynamic, method)(path, headers=headers))
    return fast


def _same(fast, slow):
    assert fast.status == slow.status
    assert list(fast.headers) == list(slow.headers)
    assert fast.get_data() == slow.get_data()


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("path", PATHS)
def test_200_and_304_are_byte_for_byte_flasks(client, dynamic, flask_hits, path, encoding, origin):
    """Every coding, with and without an Origin (allowed or not): status, header list and body are Flask's."""
    headers = _headers(encoding, origin)
    fast = _compare(client, dynamic, flask_hits, path, headers)
    assert fast.status_code == 200
    for etag in (fast.headers["ETag"], "W/" + fast.headers["ETag"], f'"other", {fast.headers["ETag"]}', "*"):
        revalidated = _compare(client, dynamic, flask_hits, path, _headers(encoding, origin, **{"If-None-Match": etag}))
        assert revalidated.status_code == 304
        assert revalidated.get_data() == b""
    for validator in ('"stale"', '"a", *', f"x {fast.headers['ETag']}"):
        stale = _compare(client, dynamic, flask_hits, path, _headers(encoding, origin, **{"If-None-Match": validator}))
        assert stale.status_code == 200
    assert _compare(client, dynamic, flask_hits, path, headers, method="head").get_data() == b""


def test_every_etag_revalidates_every_coding(client):
    """A cache holding the gzip copy may revalidate with its ETag while asking for br: still 304."""
    gzip_etag = client.get("/v1/demo/banner.js", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    answer = client.get("/v1/demo/banner.js", headers={"Accept-Encoding": "br", "If-None-Match": gzip_etag})
    assert answer.status_code == 304
    assert answer.headers["ETag"].endswith('-br"')


@pytest.mark.parametrize("accept_language", ["", "es", "es-MX, en;q=0.5", "fr, es;q=0.4", "en-US,en;q=0.9"])
def test_notice_language_is_negotiated_like_the_route(client, dynamic, flask_hits, accept_language):
    """Without a query, the notice in the language Accept-Language picks comes from the built files."""
    headers = {"Accept-Language": accept_language, "Accept-Encoding": "br"}
    _compare(client, dynamic, flask_hits, "/v1/demo/notice", headers)
    # banner.js too: should it ever vary by language, the fast path must follow (or this fails).
    _compare(client, dynamic, flask_hits, "/v1/demo/banner.js", headers)
    expected = "es" if accept_language.startswith(("es", "fr")) else "en"
    assert client.get("/v1/demo/notice", headers={"Accept-Language": accept_language}).get_json()["lang"] == expected


def test_what_a_file_cannot_answer_goes_to_flask(client, flask_hits):
    """?lang= (validated), other methods, unknown agencies and look-alike paths are Flask's to answer."""
    hits_before = len(flask_hits)
    assert client.get("/v1/demo/notice?lang=es").get_json()["lang"] == "es"
    assert client.get("/v1/demo/notice?lang=<script>").status_code == 422
    assert client.post("/v1/demo/banner.js").status_code == 405
    assert client.get("/v1/nobody/banner.js").status_code == 404
    assert client.get("/v1/demo/notice.es").status_code == 404
    assert client.get("/v1/demo/banner.js.br").status_code == 404
    assert len(flask_hits) == hits_before + 6


def test_content_hashed_name_is_the_same_script_cached_for_a_year(client):
    """banner.HASH.js: the bytes embed's SRI hash pins, immutable, at a name that changes when they do."""
    embed = client.get("/v1/demo/embed").get_json()
    plain = client.get("/v1/demo/banner.js")
    digest = hashlib.sha256(plain.get_data()).hexdigest()[:16]
    pinned = client.get(f"/v1/demo/banner.{digest}.js", headers={"Origin": "http://127.0.0.1:8000"})
    assert pinned.status_code == 200
    assert pinned.get_data() == plain.get_data()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(pinned.get_data()).digest()).decode()
    assert integrity == embed["integrity"]
    assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pinned.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    assert client.get("/v1/demo/banner.0000000000000000.js").status_code == 404


def test_served_through_a_real_socket(app):
    """Over loopback the file body arrives whole (the server's file wrapper, not the test client's)."""
    server = AppServer(app, quiet=True).start()
    try:
        request = urllib.request.Request(f"{server.url}/v1/dor/banner.js", headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request) as response:
            body, headers = response.read(), response.headers
    finally:
        server.stop()
    expected = app.test_client().get("/v1/dor/banner.js", headers={"Accept-Encoding": "br"})
    assert body == expected.get_data()
    assert headers["Content-Encoding"] == "br"
    assert int(headers["Content-Length"]) == len(body)


def test_under_gunicorn_as_deployed(monkeypatch, tmp_path):
    """Real gunicorn (sync workers, the repository's settings): every coding, 200 and 304, as the routes answer."""
    port = _free_port()
    environment = {"CONSENT_BIND": f"127.0.0.1:{port}", "CONSENT_DEMO": "1", "CONSENT_WORKERS": "2",
                   "CONSENT_SECRET_KEYS": "gunicorn-test-key-0123456789abcdef"}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    process = subprocess.Popen([str(REPO_ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "log", "w"))
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        routes = Client(create_app().wsgi_app.application)
        for encoding in ENCODINGS:
            for path in ("/v1/demo/banner.js", "/v1/demo/notice"):
                answer = _get(port, path, {"Accept-Encoding": encoding})
                expected = routes.get(path, headers={"Accept-Encoding": encoding, "Host": f"127.0.0.1:{port}"})
                assert answer == (expected.status_code, list(expected.headers), expected.get_data())
                etag = dict(answer[1])["ETag"]
                assert _get(port, path, {"Accept-Encoding": encoding, "If-None-Match": etag})[0] == 304
    finally:
        process.terminate()
        process.wait(timeout=15)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url}")


def _get(port, path, headers):
    """(status, headers without the server's own, body), headers in the order they were sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    own = {"date", "server", "connection", "transfer-encoding"}
    return response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in own], body


def test_https_answers_carry_hsts_as_flask_does(client, dynamic, flask_hits):
    """Over https (the scheme the WSGI server reports), the fast path adds Strict-Transport-Security too."""
    for path in ("/v1/demo/banner.js", "/v1/dor/notice"):
        before = len(flask_hits)
        fast = client.get(path, base_url="https://consent.test", headers={"Origin": "https://consent.test"})
        assert len(flask_hits) == before
        _same(fast, dynamic.get(path, base_url="https://consent.test", headers={"Origin": "https://consent.test"}))
        assert fast.headers["Strict-Transport-Security"].startswith("max-age=")
        assert fast.headers["Access-Control-Allow-Origin"] == "https://consent.test"
