"""A served file: one URL's bytes in every content coding with its ETags and headers, built once and never changed.

The Flask routes, the in-process fast path and the nginx export all answer from these records, so the three
send the same bytes and headers by construction.
"""

import gzip
import hashlib
from dataclasses import dataclass
from dataclasses import replace
from functools import lru_cache

import brotli

# In the order negotiation prefers them.
CODINGS = ("br", "gzip", "identity")
# Where a build keeps each coding of a file (nginx picks one by this suffix).
FILE_SUFFIX = {"identity": "", "gzip": ".gz", "br": ".br"}
# A strong ETag per representation: a gzip body is not byte-equal to the plain one.
ETAG_SUFFIX = {"identity": "", "gzip": "-gz", "br": "-br"}
# A content-hashed name never changes meaning, so caches may keep it for a year without asking.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
DIGEST_LENGTH = 32


@dataclass(frozen=True)
class ServedFile:
    """Per coding: the body, the 200's headers and the 304's (as a WSGI layer sends them), and the ETags it answers to.

    `headers` end with Content-Type and Content-Length; `not_modified` carries neither (a 304 has no body).
    `tags` are the ETags without quotes, as If-None-Match parsing yields them: any coding's tag validates any other.
    """

    content_type: str
    bodies: dict
    headers: dict
    not_modified: dict
    tags: frozenset

    @property
    def etags(self):
        """The quoted ETags, one per coding."""
        return frozenset(f'"{tag}"' for tag in self.tags)


@lru_cache(maxsize=512)
def compressed(body):
    """The body in every coding (remembered: tests and workers build the same notices often)."""
    return {"br": brotli.compress(body, quality=11), "gzip": gzip.compress(body, compresslevel=9, mtime=0),
            "identity": body}


def served_file(bodies, content_type, cache_control, vary, extra=()):
    """The record for a body given in every coding: its ETags from the plain bytes, its 200 and 304 headers.

    extra: headers both answers carry, after Cache-Control (banner.js's Cross-Origin-Resource-Policy).
    """
    digest = hashlib.sha256(bodies["identity"]).hexdigest()[:DIGEST_LENGTH]
    tags = {coding: digest + ETAG_SUFFIX[coding] for coding in CODINGS}
    not_modified = {coding: (("ETag", f'"{tags[coding]}"'), ("Cache-Control", cache_control), *extra,
                             ("Vary", vary))
                    for coding in CODINGS}
    headers = {coding: (*not_modified[coding], *(() if coding == "identity" else (("Content-Encoding", coding),)),
                        ("Content-Type", content_type), ("Content-Length", str(len(bodies[coding]))))
               for coding in CODINGS}
    return ServedFile(content_type, dict(bodies), headers, not_modified, frozenset(tags.values()))


def immutable(served):
    """The same answers, cacheable for a year: for a content-hashed name, whose bytes never change."""
    def swap(headers):
        return tuple((name, IMMUTABLE_CACHE_CONTROL if name == "Cache-Control" else value) for name, value in headers)

    return replace(served, headers={coding: swap(pairs) for coding, pairs in served.headers.items()},
                   not_modified={coding: swap(pairs) for coding, pairs in served.not_modified.items()})


def content_hash(served, length=16):
    """The hash a content-hashed name carries (the plain bytes': the name embeds pin with SRI)."""
    return hashlib.sha256(served.bodies["identity"]).hexdigest()[:length]
