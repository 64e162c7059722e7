"""A chunked body (no Content-Length) over the 16 KiB limit is refused with 413, as a declared one is,
under real gunicorn (which passes chunked bodies through as a terminated stream)."""

import http.client
import json

import pytest

LIMIT = 16 * 1024


@pytest.fixture(scope="module")
def service(demo_gunicorn):
    """gunicorn with the service's settings and the demo on (the process's shared one: these tests only read)."""
    return demo_gunicorn


def post(server, body, chunked):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        connection.request("POST", "/v1/demo/opt-out", body=iter([body]) if chunked else body,
                           headers={"Content-Type": "application/json"}, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("chunked", [True, False])
def test_a_body_over_the_limit_is_413(service, chunked):
    body = b'{"padding": "' + b"x" * LIMIT + b'"}'
    status, answer = post(service, body, chunked)
    assert status == 413, answer
    assert answer["error"]["code"] == "body_too_large"


def test_a_small_chunked_body_is_read_normally(service):
    status, answer = post(service, b"{}", chunked=True)
    assert status == 200, answer
    assert answer["opted_out"] is True
