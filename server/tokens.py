"""The signed, session-only opt-out token: issue and verify, never trust unsigned input.

Security notes
- HMAC-SHA256 through itsdangerous, with a salt of its own per purpose so a token
  made for one purpose never verifies for another.
- The key list is newest first (as CONSENT_SECRET_KEYS is written); itsdangerous wants
  it oldest first, signs with the last and verifies with all.
- ``max_age`` is always passed: itsdangerous checks age only when asked.
"""

import hashlib
import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData
from itsdangerous import BadPayload
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import base64_encode
from itsdangerous.timed import TimestampSigner

OPT_OUT_SALT = "consent.opt-out.v1"
FORM_SALT = "consent.choices-form.v1"
OPT_OUT_CHOICE = "opt-out"
MAX_TOKEN_LENGTH = 512
MAX_CACHED_PAYLOADS = 1024
TOKENS_KEY = "tokens"


@dataclass(frozen=True)
class Verification:
    """Why a token was accepted or not; the reason stays in the service (never sent to the visitor)."""

    valid: bool
    reason: str
    issued_at: float | None = None


class _ClockedSigner(TimestampSigner):
    """A timestamp signer whose clock can be replaced, so tests can freeze and advance time."""

    clock = staticmethod(time.time)

    def get_timestamp(self):
        return int(self.clock())


class TokenService:
    """Issues and verifies tokens for one set of keys and one maximum age."""

    def __init__(self, keys, max_age, clock=time.time):
        if isinstance(keys, (str, bytes)) or not keys:
            raise ValueError("keys must be a non-empty list, newest first")
        self.max_age = max_age
        signer = type("Signer", (_ClockedSigner,), {"clock": staticmethod(clock)})
        oldest_first = list(reversed(keys))
        self._serializers = {
            salt: URLSafeTimedSerializer(
                oldest_first,
                salt=salt,
                signer=signer,
                signer_kwargs={"digest_method": hashlib.sha256},
            )
            for salt in (OPT_OUT_SALT, FORM_SALT)
        }
        # Signers are stateless: make one per salt instead of one per call, as loads/dumps would.
        self._signers = {salt: serializer.make_signer(salt) for salt, serializer in self._serializers.items()}
        self._payloads = {}

    def _payload(self, agency_id):
        """The encoded payload of an agency's opt-out: the same bytes every time, so encoded once."""
        payload = self._payloads.get(agency_id)
        if payload is None:
            payload = self._serializers[OPT_OUT_SALT].dump_payload({"a": agency_id, "c": OPT_OUT_CHOICE})
            if len(self._payloads) < MAX_CACHED_PAYLOADS:
                self._payloads[agency_id] = payload
        return payload

    def issue(self, agency_id, salt=OPT_OUT_SALT):
        """Sign an opt-out for one agency; the time of issue is part of the signature."""
        return self._signers[salt].sign(self._payload(agency_id)).decode("ascii")

    def verify(self, token, agency_id, salt=OPT_OUT_SALT):
        """Return a Verification; never raises for anything a visitor can send."""
        if not token:
            return Verification(False, "missing")
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            return Verification(False, "malformed")
        if not _canonical_signature(token):
            return Verification(False, "bad-signature")
        try:
            payload, signed_at = self._signers[salt].unsign(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired as error:
            # Caught before BadSignature, its parent: the signature was valid but too old (or from the future).
            reason = "future" if "< 0" in str(error) else "expired"
            return Verification(False, reason)
        except BadSignature:
            return Verification(False, "bad-signature")
        except (ValueError, TypeError, UnicodeError):
            return Verification(False, "malformed")
        if payload != self._payload(agency_id):
            problem = self._payload_problem(payload, agency_id, salt)
            if problem:
                return Verification(False, problem)
        return Verification(True, "ok", signed_at.timestamp())

    def _payload_problem(self, payload, agency_id, salt):
        """Why a signed payload is not this agency's opt-out (None if it is, merely encoded otherwise)."""
        try:
            data = self._serializers[salt].load_payload(payload)
        except BadPayload:
            return "bad-payload"
        if not isinstance(data, dict) or data.get("c") != OPT_OUT_CHOICE:
            return "bad-payload"
        if data.get("a") != agency_id:
            return "wrong-agency"
        return None


def _canonical_signature(token):
    """Refuse a signature whose base64 differs only in unused low bits: same bytes, different token."""
    signature = token.rpartition(".")[2]
    try:
        return base64_encode(base64_decode(signature)).decode("ascii") == signature
    except (BadData, ValueError, TypeError, UnicodeError):
        return False


def init_app(app, keys, max_age):
    """One TokenService per app, built from the validated settings."""
    app.extensions[TOKENS_KEY] = TokenService(keys, max_age)
    return app.extensions[TOKENS_KEY]


def get_tokens():
    """The token service of the app handling this request."""
    return current_app.extensions[TOKENS_KEY]
