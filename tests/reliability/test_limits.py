"""Oversized input gets a clear 4xx, in the app and in front of it (gunicorn): body, URL, headers, URL counts."""

import json
import socket

import os

import pytest
from databases import as_staff
from databases import staff_bearer

from server.config import MAX_BODY_BYTES

OVER = MAX_BODY_BYTES + 1
STATE_CHANGES = ["/v1/demo/opt-out", "/v1/demo/equal-access"]


@pytest.fixture(autouse=True)
def staff_client(client):
    """Equal-access is staff-only (role qa): requests carry a real token, so its limits are what is tested."""
    return as_staff(client)


@pytest.fixture(scope="module")
def gunicorn(demo_gunicorn):
    """The real front door: gunicorn with the project's settings (demo on), one worker (the process's shared one)."""
    # The suite's console database (the shared gunicorn's), where the staff token of the equal-access requests lives.
    demo_gunicorn.bearer = staff_bearer(os.environ["CONSENT_DATABASE_URL"]).encode()
    return demo_gunicorn


def raw(server, data):
    """Send bytes as they are (no client library tidying them up); return (status, body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def get(path, *headers):
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + b"".join(
        header + b"\r\n" for header in headers) + b"\r\n"


def post(path, body, content_type=b"application/json", chunked=False, bearer=b""):
    if chunked:
        framing = b"Transfer-Encoding: chunked\r\n"
        body = b"".join(b"%x\r\n%s\r\n" % (len(body[at:at + 1024]), body[at:at + 1024])
                        for at in range(0, len(body), 1024)) + b"0\r\n\r\n"
    else:
        framing = b"Content-Length: %d\r\n" % len(body)
    if bearer:
        framing += b"Authorization: " + bearer + b"\r\n"
    return (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: " + content_type
            + b"\r\n" + framing + b"\r\n" + body)


def json_error(status, body, expected_status, code=None):
    assert status == expected_status, body[:300]
    error = json.loads(body)["error"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.mark.parametrize("path", [*STATE_CHANGES, "/v1/demo/choices"])
def test_a_body_over_16_kib_is_413(client, path):
    """Declared with Content-Length: refused before it is read."""
    body = json.dumps({"url": "x" * OVER}) if path != "/v1/demo/choices" else "form_token=" + "a" * OVER
    content_type = "application/json" if path != "/v1/demo/choices" else "application/x-www-form-urlencoded"
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize("path", STATE_CHANGES)
def test_a_huge_body_on_gunicorn_is_413(gunicorn, path):
    """A megabyte announced and sent: 413 in the one JSON shape."""
    huge = post(path.encode(), b"[" + b" " * 1_000_000 + b"]", bearer=gunicorn.bearer)
    json_error(*raw(gunicorn, huge), 413, "body_too_large")


@pytest.mark.parametrize("path", STATE_CHANGES)
def test_a_chunked_body_over_the_limit_is_413_never_read_whole(gunicorn, path):
    """No Content-Length to refuse up front: the read stops at the limit and the body is refused as too large."""
    cut = post(path.encode(), b'{"source": "api"' + b" " * 40_000 + b"}", chunked=True, bearer=gunicorn.bearer)
    status, body = raw(gunicorn, cut)
    assert status == 413, body[:300]
    json.loads(body)


@pytest.mark.parametrize("path", [
    "/v1/demo/opt-out",
    "/v1/demo/equal-access",
])
def test_json_nested_thousands_deep_is_a_4xx(client, path):
    """Under the size limit but deeper than the parser's recursion: malformed input, not a server fault."""
    response = client.post(path, data="[" * 8000 + "]" * 8000, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]


def test_a_long_url_is_404_in_the_app_and_414_at_gunicorn(client, gunicorn):
    """werkzeug routes any length (404, or 422 for a bad ?lang=); gunicorn caps the request line at 4094 bytes."""
    assert client.get("/v1/demo/" + "a" * 100_000).status_code == 404
    assert client.get("/v1/demo/notice?lang=" + "a" * 100_000).status_code == 422
    assert raw(gunicorn, get(b"/v1/demo/" + b"a" * 3000))[0] == 404
    assert raw(gunicorn, get(b"/v1/demo/notice?lang=" + b"a" * 5000))[0] == 414


@pytest.mark.parametrize(("header", "expected"), [
    (b"X-Big: " + b"a" * 10_000, 431),
    (b"Cookie: consent_optout=" + b"a" * 10_000, 431),
    (b"".join(b"X-Header-%d: v\r\n" % n for n in range(150))[:-2], 431),
    (b"Bad Header Without Colon", 400),
    (b"X-Nul: a\x00b", 400),
], ids=["one-huge-header", "huge-cookie", "150-headers", "malformed", "nul-byte"])
def test_oversized_or_malformed_headers_are_refused_by_gunicorn(gunicorn, header, expected):
    """Refused in front of the app with 400 or 431, never a 500, and the worker keeps serving."""
    status, _ = raw(gunicorn, get(b"/v1/demo/status", header))
    assert status == expected
    assert raw(gunicorn, get(b"/healthz"))[0] == 200


@pytest.mark.parametrize("header", [b"X-Consent-Token: " + b"a" * 8000, b"Cookie: consent_optout=" + b"a" * 8000,
                                    b"Accept-Language: " + b"en;q=0.1, " * 700])
def test_large_headers_within_gunicorn_limits_are_answered(gunicorn, header):
    """Just under gunicorn's 8190-byte field limit: answered normally (a long token is simply not valid)."""
    status, body = raw(gunicorn, get(b"/v1/demo/status", header))
    assert status == 200
    assert json.loads(body)["token_valid"] is False


def test_equal_access_refuses_more_urls_than_its_limit(client):
    """The checker fetches every URL twice: more than its limit (10) is refused before anything is fetched."""
    urls = [f"http://127.0.0.1:8000/demo/?page={n}" for n in range(11)]
    response = client.post("/v1/demo/equal-access", json={"urls": urls})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "urls"


def test_equal_access_refuses_a_url_over_2048_characters(client):
    response = client.post("/v1/demo/equal-access", json={"url": "http://127.0.0.1:8000/" + "a" * 3000})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "url"
