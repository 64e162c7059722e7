"""server/static_delivery/served_file.py: one record per served file, its ETags and headers per coding."""

import gzip
import hashlib

import brotli
import pytest

from server.static_delivery.served_file import CODINGS
from server.static_delivery.served_file import IMMUTABLE_CACHE_CONTROL
from server.static_delivery.served_file import compressed
from server.static_delivery.served_file import content_hash
from server.static_delivery.served_file import immutable
from server.static_delivery.served_file import served_file

BODY = b'{"hello": "world"}' * 20
DIGEST = hashlib.sha256(BODY).hexdigest()[:32]


@pytest.fixture
def served():
    """A JSON body in every coding, with one extra header."""
    return served_file(compressed(BODY), "application/json", "public, max-age=300", "Accept-Encoding, Origin",
                       (("X-Extra", "1"),))


def test_every_coding_decodes_to_the_body():
    bodies = compressed(BODY)
    assert set(bodies) == set(CODINGS)
    assert bodies["identity"] == BODY
    assert gzip.decompress(bodies["gzip"]) == BODY
    assert brotli.decompress(bodies["br"]) == BODY


def test_a_strong_etag_per_coding_from_the_plain_bytes(served):
    assert served.tags == {DIGEST, DIGEST + "-gz", DIGEST + "-br"}
    assert served.etags == {f'"{tag}"' for tag in served.tags}
    assert dict(served.headers["gzip"])["ETag"] == f'"{DIGEST}-gz"'


def test_200_headers_in_the_order_flask_sends_them(served):
    assert served.headers["br"] == (
        ("ETag", f'"{DIGEST}-br"'), ("Cache-Control", "public, max-age=300"), ("X-Extra", "1"),
        ("Vary", "Accept-Encoding, Origin"), ("Content-Encoding", "br"), ("Content-Type", "application/json"),
        ("Content-Length", str(len(served.bodies["br"]))))
    assert "Content-Encoding" not in dict(served.headers["identity"])


def test_304_headers_carry_validators_only(served):
    for coding in CODINGS:
        names = [name for name, _ in served.not_modified[coding]]
        assert names == ["ETag", "Cache-Control", "X-Extra", "Vary"]


def test_immutable_changes_cache_control_only(served):
    pinned = immutable(served)
    assert pinned.bodies == served.bodies and pinned.tags == served.tags
    for coding in CODINGS:
        assert dict(pinned.headers[coding])["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
        assert dict(pinned.not_modified[coding])["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
        assert [pair for pair in pinned.headers[coding] if pair[0] != "Cache-Control"] == [
            pair for pair in served.headers[coding] if pair[0] != "Cache-Control"]


def test_the_record_is_frozen(served):
    with pytest.raises(AttributeError):
        served.content_type = "text/html"


def test_content_hash_is_the_plain_bytes(served):
    assert content_hash(served) == DIGEST[:16]
