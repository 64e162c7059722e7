"""Issue 19.5: sign-in costs the same for any name, locks an account after 5 checks even under concurrency,
throttles per address and per name (Flask-Limiter, Redis beside the queue), and never locks the owner out of a
client where they signed in before. On SQLite and PostgreSQL, with the real argon2 hasher counted."""

import datetime
import re
import socket
import threading
from pathlib import Path

import pytest
import redis
import time_machine
from argon2 import PasswordHasher
from console_support import CONSOLE_KEYS
from console_support import PASSWORD
from console_support import Staff

from server import create_app
from server.auth import passwords
from server.auth.identity import MAX_FAILED_SIGN_INS

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
WRONG = "not the password at all"


class CountingHasher(PasswordHasher):
    """argon2's own hasher, counting every verification (the real work, really done)."""

    def __init__(self):
        super().__init__()
        self.verifications = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 - argon2's parameter name
        with self._lock:
            self.verifications += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(passwords, "_HASHER", counting)
    return counting


class Browser:
    """A client at its own address: fetches the form (and its CSRF token), then signs in."""

    def __init__(self, app, address):
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        page = self.client.get("/console/login").get_data(as_text=True)
        self.token = CSRF_FIELD.search(page).group(1)

    def sign_in(self, name, password=PASSWORD):
        return self.client.post("/console/login", data={"name": name, "password": password,
                                                        "csrf_token": self.token, "next": "/console/"})


def test_an_unknown_name_costs_one_verification_like_a_wrong_password(console_app, staff, hasher):
    staff.add("ada", "reviewer", password=PASSWORD)
    browser = Browser(console_app, "10.0.0.1")
    assert browser.sign_in("nobody-by-this-name", WRONG).status_code == 401
    assert hasher.verifications == 1
    assert browser.sign_in("ada", WRONG).status_code == 401
    assert hasher.verifications == 2
    # Both answers read the same.
    assert (browser.sign_in("nobody-by-this-name", WRONG).get_data(as_text=True).count("The name or the password is "
                                                                                        "wrong.") == 1)


def test_thirty_concurrent_wrong_passwords_check_at_most_five_and_the_owner_still_signs_in(console_app, staff,
                                                                                           hasher):
    staff.add("ada", "reviewer", password=PASSWORD)
    owner = Browser(console_app, "10.0.0.7")
    assert owner.sign_in("ada").status_code == 303  # the owner's usual client
    checked_before = hasher.verifications
    # A guesser with thirty addresses, all at once.
    guessers = [Browser(console_app, f"10.1.0.{number}") for number in range(1, 31)]
    start = threading.Barrier(len(guessers))
    statuses = []

    def guess(browser):
        start.wait()
        statuses.append(browser.sign_in("ada", WRONG).status_code)

    threads = [threading.Thread(target=guess, args=(browser,)) for browser in guessers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [401] * MAX_FAILED_SIGN_INS + [429] * (30 - MAX_FAILED_SIGN_INS)
    assert hasher.verifications - checked_before == MAX_FAILED_SIGN_INS

    # A client never seen with this name waits out the lock, even with the right password...
    newcomer = Browser(console_app, "10.2.0.1")
    locked = newcomer.sign_in("ada")
    assert locked.status_code == 429 and "locked for 15 minutes" in locked.get_data(as_text=True)
    # ...but knowing the name is not enough to keep its owner out: their own client still opens.
    assert Browser(console_app, "10.0.0.7").sign_in("ada").status_code == 303
    # And 15 minutes later the lock has run out everywhere.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        assert Browser(console_app, "10.2.0.1").sign_in("ada").status_code == 303


def test_one_client_is_locked_out_of_a_name_after_five_failures(console_app, staff, hasher):
    staff.add("ada", "reviewer", password=PASSWORD)
    guesser = Browser(console_app, "10.3.0.1")
    for _ in range(MAX_FAILED_SIGN_INS):
        assert guesser.sign_in("ada", WRONG).status_code == 401
    assert guesser.sign_in("ada").status_code == 429
    assert hasher.verifications == MAX_FAILED_SIGN_INS


def test_one_address_trying_many_names_is_throttled(console_app, hasher, caplog):
    caplog.set_level("DEBUG")
    sprayer = Browser(console_app, "10.4.0.1")
    for number in range(20):
        assert sprayer.sign_in(f"someone-{number}", WRONG).status_code == 401
    refused = sprayer.sign_in("someone-else", WRONG)
    assert refused.status_code == 429 and "from your address" in refused.get_data(as_text=True)
    assert hasher.verifications == 20
    # Another address is not held back by it.
    assert Browser(console_app, "10.4.0.2").sign_in("someone-else", WRONG).status_code == 401
    # No address is logged.
    assert "10.4.0" not in caplog.text


def test_one_name_tried_from_many_addresses_is_throttled(console_app, hasher):
    for number in range(30):
        assert Browser(console_app, f"10.5.0.{number}").sign_in("ghost", WRONG).status_code == 401
    refused = Browser(console_app, "10.5.1.1").sign_in("ghost", WRONG)
    assert refused.status_code == 429 and "for this name" in refused.get_data(as_text=True)
    assert hasher.verifications == 30


@pytest.fixture
def redis_url(monkeypatch):
    """A private redis-server on loopback (the monitoring tests' helper)."""
    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "monitoring"))
    from redis_server import RedisServer

    server = RedisServer().start()
    yield server.url
    server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_throttle_lives_in_the_queues_redis_and_holds_no_address_or_name(agencies_dir, database_url,
                                                                             redis_url, monkeypatch, hasher):
    monkeypatch.setenv("CONSENT_QUEUE_URL", redis_url)
    settings = {"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": CONSOLE_KEYS, "DEMO": True,
                "DATABASE_URL": database_url}
    # Two workers of one service: what one counts, the other sees.
    first, second = create_app(settings), create_app(settings)
    Staff(first).add("ada", "reviewer", password=PASSWORD)
    for number in range(20):
        app = first if number % 2 else second
        assert Browser(app, "10.6.0.1").sign_in(f"someone-{number}", WRONG).status_code == 401
    assert Browser(first, "10.6.0.1").sign_in("ada").status_code == 429
    assert Browser(second, "10.6.0.2").sign_in("ada").status_code == 303

    store = redis.Redis.from_url(redis_url)
    keys = store.keys("*")
    assert keys and all(b"consent-sign-in/" in key for key in keys)
    stored = b" ".join(keys + [value for key in keys if store.type(key) == b"string"
                               for value in [store.get(key) or b""]])
    for clear in (b"10.6.0", b"someone-"):
        assert clear not in stored
    for app in (first, second):
        app.extensions["database"].kw["bind"].dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sign_in_with_its_redis_unreachable_is_a_503_saying_so(agencies_dir, database_url, monkeypatch):
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("CONSENT_QUEUE_URL", f"redis://127.0.0.1:{closed_port}/0")
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": CONSOLE_KEYS, "DEMO": True,
                      "DATABASE_URL": database_url})
    Staff(app).add("ada", "reviewer", password=PASSWORD)
    response = Browser(app, "10.7.0.1").sign_in("ada")
    assert response.status_code == 503
    assert "Sign-in is unavailable for a moment" in response.get_data(as_text=True)
    app.extensions["database"].kw["bind"].dispose()
