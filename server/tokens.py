"""The signed, session-only opt-out token: issue and verify, never trust unsigned input.

Security notes
- HMAC-SHA256 through itsdangerous, with a salt of its own per purpose so a token
  made for one purpose never verifies for another.
- The key list is newest first (as CONSENT_SECRET_KEYS is written); itsdangerous wants
  it oldest first, signs with the last and verifies with all.
- ``max_age`` is always passed: itsdangerous checks age only when asked.
- Every refusal is a ``TokenError`` carrying its context (agency, purpose, when signed);
  ``verify`` turns it into a ``Verification`` so a visitor's input never raises.
"""

import hashlib
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from functools import lru_cache

import itsdangerous
from flask import current_app
from itsdangerous import BadData
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


class TokenError(ValueError):
    """A token that does not count: why (``reason``, stable), and for which agency and purpose (salt)."""

    reason = "invalid"

    def __init__(self, message, *, agency_id=None, salt=None, signed_at=None):
        super().__init__(message)
        self.agency_id = agency_id
        self.salt = salt
        self.signed_at = signed_at


class MissingToken(TokenError):
    """No token was presented."""

    reason = "missing"


class MalformedToken(TokenError):
    """Not even shaped like a token (too long, not ASCII, not decodable)."""

    reason = "malformed"


class BadTokenSignature(TokenError):
    """The signature does not verify with any current key (tampered, another purpose, or a dropped key)."""

    reason = "bad-signature"


class BadTokenPayload(TokenError):
    """Signed by us, but not an opt-out (a payload this service never signs as one)."""

    reason = "bad-payload"


class WrongAgencyToken(TokenError):
    """A valid opt-out of another agency: ``token_agency`` names it."""

    reason = "wrong-agency"

    def __init__(self, message, *, token_agency=None, **context):
        super().__init__(message, **context)
        self.token_agency = token_agency


class ExpiredToken(TokenError):
    """Signed longer ago than ``max_age`` seconds."""

    reason = "expired"

    def __init__(self, message, *, max_age=None, **context):
        super().__init__(message, **context)
        self.max_age = max_age


class FutureToken(TokenError):
    """Signed at a time still to come (a clock ahead, or a forged timestamp with a leaked key)."""

    reason = "future"


@dataclass(frozen=True)
class Verification:
    """Why a token was accepted or not; the reason stays in the service (never sent to the visitor)."""

    valid: bool
    reason: str
    issued_at: float | None = None
    error: TokenError | None = field(default=None, compare=False, repr=False)


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
        self._clock = clock
        # An agency's opt-out payload is the same bytes every time: encoded once, for a bounded set of ids.
        self._payload = lru_cache(maxsize=MAX_CACHED_PAYLOADS)(self._encode_payload)

    def _encode_payload(self, agency_id):
        """The encoded payload of an agency's opt-out."""
        return self._serializers[OPT_OUT_SALT].dump_payload({"a": agency_id, "c": OPT_OUT_CHOICE})

    def issue(self, agency_id, salt=OPT_OUT_SALT):
        """Sign an opt-out for one agency; the time of issue is part of the signature."""
        return self._signers[salt].sign(self._payload(agency_id)).decode("ascii")

    def verify(self, token, agency_id, salt=OPT_OUT_SALT):
        """Return a Verification; never raises for anything a visitor can send."""
        try:
            signed_at = self.check(token, agency_id, salt)
        except TokenError as error:
            return Verification(False, error.reason, error=error)
        return Verification(True, "ok", signed_at.timestamp())

    def check(self, token, agency_id, salt=OPT_OUT_SALT):
        """The time a valid token was signed; a TokenError subclass, with its context, for any other."""
        context = {"agency_id": agency_id, "salt": salt}
        if not token:
            raise MissingToken("no token was presented", **context)
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise MalformedToken("not a token: too long, not text or not ASCII", **context)
        if not _canonical_signature(token):
            raise BadTokenSignature("the signature is not in its one canonical encoding", **context)
        try:
            payload, signed_at = self._signers[salt].unsign(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired as error:
            # Caught before itsdangerous' BadSignature, its parent. The date it was signed says which
            # side of the valid window it fell on; the library's message text is not an interface.
            context["signed_at"] = error.date_signed
            if error.date_signed is not None and error.date_signed > self._now():
                raise FutureToken(f"signed in the future ({error.date_signed.isoformat()})", **context) from error
            raise ExpiredToken(f"older than {self.max_age} s", max_age=self.max_age, **context) from error
        except itsdangerous.BadSignature as error:
            raise BadTokenSignature("the signature does not verify with any current key", **context) from error
        except (ValueError, TypeError, UnicodeError) as error:
            raise MalformedToken("the token cannot be decoded", **context) from error
        context["signed_at"] = signed_at
        if payload != self._payload(agency_id):
            self._check_payload(payload, agency_id, salt, context)
        return signed_at

    def _now(self):
        """The service's clock as an aware datetime (the one signatures are dated with)."""
        return datetime.fromtimestamp(int(self._clock()), tz=UTC)

    def _check_payload(self, payload, agency_id, salt, context):
        """Raise unless a signed payload is this agency's opt-out, merely encoded differently."""
        try:
            data = self._serializers[salt].load_payload(payload)
        except itsdangerous.BadPayload as error:
            raise BadTokenPayload("the signed payload cannot be read", **context) from error
        if not isinstance(data, dict) or data.get("c") != OPT_OUT_CHOICE:
            raise BadTokenPayload("the signed payload is not an opt-out", **context)
        if data.get("a") != agency_id:
            raise WrongAgencyToken("an opt-out of another agency", token_agency=data.get("a"), **context)


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
