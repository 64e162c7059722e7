"""The signed opt-out token: only an untouched, current token of this agency and purpose verifies."""

import hashlib
import string

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from server.tokens import FORM_SALT
from server.tokens import OPT_OUT_SALT
from server.tokens import BadTokenSignature
from server.tokens import ExpiredToken
from server.tokens import FutureToken
from server.tokens import MissingToken
from server.tokens import TokenError
from server.tokens import TokenService
from server.tokens import Verification
from server.tokens import WrongAgencyToken

KEY_A = "token-test-key-a-0123456789abcdef"
KEY_B = "token-test-key-b-0123456789abcdef"
MAX_AGE = 600
START = 1_900_000_000.0
ALPHABET = string.ascii_letters + string.digits + "-_.="


class FrozenClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    """A frozen clock shared by the services of one test."""
    return FrozenClock()


@pytest.fixture
def service(clock):
    """Tokens with key B (newest) and A (older), on the frozen clock."""
    return TokenService([KEY_B, KEY_A], MAX_AGE, clock=clock)


@pytest.fixture
def token(service):
    """A fresh opt-out token of the demo agency."""
    return service.issue("demo")


def test_round_trip(service, token):
    result = service.verify(token, "demo")
    assert result == Verification(True, "ok", START)


def test_token_is_url_and_cookie_safe(token):
    assert set(token) <= set(string.ascii_letters + string.digits + "-_.")
    assert token.count(".") == 2


def test_every_character_substituted_is_rejected(service, token):
    accepted = []
    for position, original in enumerate(token):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            tampered = token[:position] + replacement + token[position + 1:]
            result = service.verify(tampered, "demo")
            if result.valid:
                accepted.append((position, replacement))
            else:
                assert result.reason in {"bad-signature", "malformed", "bad-payload"}, (position, result)
    assert accepted == [], f"tampered tokens accepted at (position, character): {accepted[:10]}"


def test_every_truncation_is_rejected(service, token):
    for length in range(len(token)):
        assert not service.verify(token[:length], "demo").valid, length


@pytest.mark.parametrize("suffix", list(ALPHABET) + ["==", ".", ".x", "\n", " "])
def test_extended_token_is_rejected(service, token, suffix):
    assert not service.verify(token + suffix, "demo").valid
    assert not service.verify(suffix + token, "demo").valid


def test_token_of_another_agency_is_rejected(service):
    result = service.verify(service.issue("dor"), "demo")
    assert result == Verification(False, "wrong-agency")


def test_form_token_is_not_an_opt_out_and_back(service):
    form_token = service.issue("demo", salt=FORM_SALT)
    opt_out_token = service.issue("demo", salt=OPT_OUT_SALT)
    assert service.verify(form_token, "demo", salt=FORM_SALT).valid
    assert service.verify(form_token, "demo").reason == "bad-signature"
    assert service.verify(opt_out_token, "demo", salt=FORM_SALT).reason == "bad-signature"


def test_expires_after_max_age(service, token, clock):
    clock.advance(MAX_AGE)
    assert service.verify(token, "demo").valid
    clock.advance(1)
    assert service.verify(token, "demo") == Verification(False, "expired")
    clock.advance(10**6)
    assert service.verify(token, "demo").reason == "expired"


def test_token_from_the_future_is_rejected(clock):
    issuer = TokenService([KEY_A], MAX_AGE, clock=FrozenClock(START + 3600))
    verifier = TokenService([KEY_A], MAX_AGE, clock=clock)
    assert verifier.verify(issuer.issue("demo"), "demo") == Verification(False, "future")


def test_an_expired_token_is_told_by_its_date_and_carries_it(service, token, clock):
    clock.advance(MAX_AGE + 5)
    with pytest.raises(ExpiredToken) as caught:
        service.check(token, "demo")
    error = caught.value
    assert error.reason == "expired" and error.max_age == MAX_AGE
    assert error.signed_at.timestamp() == START and error.agency_id == "demo" and error.salt == OPT_OUT_SALT
    assert isinstance(error.__cause__, SignatureExpired)
    assert service.verify(token, "demo").error.signed_at == error.signed_at


def test_a_future_token_is_told_by_its_date_whatever_the_library_says(clock, monkeypatch):
    issuer = TokenService([KEY_A], MAX_AGE, clock=FrozenClock(START + 3600))
    verifier = TokenService([KEY_A], MAX_AGE, clock=clock)
    future = issuer.issue("demo")
    # The message is the library's business: a reworded one must not turn "future" into "expired".
    monkeypatch.setattr(SignatureExpired, "__str__", lambda self: "signature expired")
    with pytest.raises(FutureToken) as caught:
        verifier.check(future, "demo")
    assert caught.value.signed_at.timestamp() == START + 3600
    clock.advance(3600 + MAX_AGE + 1)
    with pytest.raises(ExpiredToken):
        verifier.check(future, "demo")


@pytest.mark.parametrize("make, kind, reason", [
    (lambda s: "", MissingToken, "missing"),
    (lambda s: s.issue("dor"), WrongAgencyToken, "wrong-agency"),
    (lambda s: s.issue("demo", salt=FORM_SALT), BadTokenSignature, "bad-signature"),
])
def test_every_refusal_is_one_family_with_its_reason(service, make, kind, reason):
    with pytest.raises(kind) as caught:
        service.check(make(service), "demo")
    assert isinstance(caught.value, TokenError) and caught.value.reason == reason
    assert service.verify(make(service), "demo") == Verification(False, reason)


def test_a_wrong_agency_names_the_tokens_agency(service):
    with pytest.raises(WrongAgencyToken) as caught:
        service.check(service.issue("dor"), "demo")
    assert caught.value.token_agency == "dor" and caught.value.agency_id == "demo"


def test_removed_key_no_longer_verifies(clock):
    old_token = TokenService([KEY_A], MAX_AGE, clock=clock).issue("demo")
    assert TokenService([KEY_B, KEY_A], MAX_AGE, clock=clock).verify(old_token, "demo").valid
    assert TokenService([KEY_B], MAX_AGE, clock=clock).verify(old_token, "demo") == Verification(
        False, "bad-signature")


def test_newest_key_signs(token, clock):
    assert TokenService([KEY_B], MAX_AGE, clock=clock).verify(token, "demo").valid
    assert not TokenService([KEY_A], MAX_AGE, clock=clock).verify(token, "demo").valid


def test_older_key_does_not_extend_the_age(service, clock):
    old_token = TokenService([KEY_A], MAX_AGE, clock=clock).issue("demo")
    clock.advance(MAX_AGE + 1)
    assert service.verify(old_token, "demo").reason == "expired"


@pytest.mark.parametrize("keys", [KEY_A, KEY_A.encode(), [], ()])
def test_keys_must_be_a_non_empty_list(keys):
    with pytest.raises(ValueError):
        TokenService(keys, MAX_AGE)


def _signed_with(key, payload, digest=hashlib.sha256, salt=OPT_OUT_SALT):
    """A token made outside the service, to check what the service accepts."""
    return URLSafeTimedSerializer(key, salt=salt, signer_kwargs={"digest_method": digest}).dumps(payload)


def test_sha256_is_required():
    service = TokenService([KEY_A], MAX_AGE)
    assert service.verify(_signed_with(KEY_A, {"a": "demo", "c": "opt-out"}), "demo").valid
    assert service.verify(_signed_with(KEY_A, {"a": "demo", "c": "opt-out"}, hashlib.sha1), "demo").reason == (
        "bad-signature")


@pytest.mark.parametrize("payload", [{"a": "demo", "c": "opt-in"}, {"a": "demo"}, ["demo", "opt-out"], "demo", None])
def test_signed_payload_must_be_an_opt_out(payload):
    service = TokenService([KEY_A], MAX_AGE)
    assert service.verify(_signed_with(KEY_A, payload), "demo") == Verification(False, "bad-payload")


def test_unsigned_token_is_rejected(token):
    payload = token.split(".")[0]
    service = TokenService([KEY_A], MAX_AGE)
    for candidate in (payload, payload + ".", payload + "..", token.rsplit(".", 1)[0]):
        assert not service.verify(candidate, "demo").valid, candidate


@pytest.mark.parametrize("junk, reason", [
    (None, "missing"),
    ("", "missing"),
    ("é" * 10, "malformed"),
    ("x" * 10**6, "malformed"),
    (b"bytes.are.not.tokens", "malformed"),
    (12345, "malformed"),
    (["a", "b"], "malformed"),
    ("a.b.c", "bad-signature"),
    ("...", "bad-signature"),
    ("\x00.\x00.\x00", "bad-signature"),
])
def test_junk_is_rejected_with_a_reason(service, junk, reason):
    assert service.verify(junk, "demo") == Verification(False, reason)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary(), st.integers(), st.none(), st.text(alphabet=ALPHABET, max_size=200)))
def test_never_raises(junk):
    result = TokenService([KEY_A], MAX_AGE).verify(junk, "demo")
    assert result.valid is False
    assert result.reason in {"missing", "malformed", "bad-signature", "bad-payload", "expired", "future"}


@settings(max_examples=100, deadline=None)
@given(agency=st.text(min_size=1, max_size=64))
def test_any_agency_id_round_trips_only_for_itself(agency):
    service = TokenService([KEY_A], MAX_AGE)
    issued = service.issue(agency)
    assert service.verify(issued, agency).valid
    assert service.verify(issued, agency + "x").reason == "wrong-agency"
