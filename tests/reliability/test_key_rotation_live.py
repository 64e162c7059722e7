"""Key rotation walked through on a live gunicorn with two workers: nobody loses their opt-out."""

import json
import re

import pytest
from gunicorn_server import Gunicorn
from gunicorn_server import free_port
from gunicorn_server import request

from server.tokens import TokenService

KEY_A = "rotation-key-a-0123456789abcdef"
KEY_B = "rotation-key-b-0123456789abcdef"
VISITORS = 12
MAX_ROUNDS = 40
# Records only which worker answered (the project's config keeps access logs off: they would hold addresses).
ACCESS_LOG = ["--access-logfile", "-", "--access-logformat", "answered-by %(p)s %(U)s %(s)s"]


def offline(*keys):
    """A token service outside the server: which key signed a token, checked independently."""
    return TokenService(list(keys), 43200)


def opt_out(server):
    status, body = request(server.port, "POST", "/v1/dor/opt-out", b"", {"Content-Length": "0"})
    assert status == 200, body
    return json.loads(body)["token"]


def status_of(server, token, use_cookie):
    """The status endpoint's answer for a visitor presenting the token (header or session cookie)."""
    headers = {"Cookie": f"consent_optout={token}"} if use_cookie else {"X-Consent-Token": token}
    status, body = request(server.port, "GET", "/v1/dor/status", None, headers)
    assert status == 200, body
    return json.loads(body)


def answered_by(server):
    return set(re.findall(r"answered-by <(\d+)> /v1/dor/status 200", server.log()))


@pytest.fixture
def restart(tmp_path):
    """Start gunicorn on one fixed port with given keys; the previous instance is stopped first, all at teardown."""
    port = free_port()
    running = []

    def start(keys):
        while running:
            running.pop().stop()
        server = Gunicorn(workers=2, port=port, log_dir=tmp_path, CONSENT_SECRET_KEYS=keys)
        running.append(server)
        return server.start(extra_args=ACCESS_LOG)

    yield start
    while running:
        running.pop().stop()


def test_rotation_by_restart_keeps_every_opt_out(restart):
    """A → tokens; restart with "B,A": they still count and new ones are B's; restart with "B": A's end."""
    server = restart(KEY_A)
    old_tokens = [opt_out(server) for _ in range(VISITORS)]
    assert all(offline(KEY_A).verify(token, "dor").valid for token in old_tokens)

    server = restart(f"{KEY_B},{KEY_A}")
    # Four rounds at least, more until both workers have answered: on a busy machine one worker may accept
    # every connection of four rounds.
    for round_trip in range(MAX_ROUNDS):
        for index, token in enumerate(old_tokens):
            answer = status_of(server, token, use_cookie=bool((index + round_trip) % 2))
            assert answer == {"opted_out": True, "source": "token", "token_valid": True}, (index, answer)
        if round_trip >= 3 and len(answered_by(server)) == 2:
            break
    assert len(answered_by(server)) == 2, "both workers should have verified old tokens"
    new_tokens = [opt_out(server) for _ in range(VISITORS)]
    assert all(offline(KEY_B).verify(token, "dor").valid for token in new_tokens), "new tokens must be signed by B"
    assert not any(offline(KEY_A).verify(token, "dor").valid for token in new_tokens)

    server = restart(KEY_B)
    for index, token in enumerate(old_tokens):
        answer = status_of(server, token, use_cookie=bool(index % 2))
        assert answer == {"opted_out": False, "source": "none", "token_valid": False}, (index, answer)
    for token in new_tokens:
        assert status_of(server, token, use_cookie=False)["token_valid"] is True
    assert "Traceback" not in server.log()
