"""Hypothesis strategies for agency files: valid ones, and single mutations that each break one known field."""


from hypothesis import strategies as st

from server.core.agency_schema import TEXT_KEYS

ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _slug(max_inner):
    """Lower-case letters and digits, inner hyphens (built directly: from_regex is slow to draw from)."""
    ends = st.sampled_from(ALNUM)
    inner = st.text(ALNUM + "-", max_size=max_inner)
    return st.one_of(ends, st.builds(lambda first, middle, last: first + middle + last, ends, inner, ends))


LABEL = _slug(10)
SLUG = _slug(20)
HOST = st.lists(LABEL, min_size=1, max_size=3).map(".".join) | st.sampled_from(["mass.gov", "state.ma.us"])
PORT = st.one_of(st.just(""), st.integers(min_value=1, max_value=65535).map(lambda port: f":{port}"))
URL_PATH = st.text(st.sampled_from("abcxyz019-._~/%?=&#"), max_size=30).map(lambda path: "/" + path)
# Visitors read these: any printable Unicode (right-to-left marks, zero-width joiners, emoji, combining marks).
ODD = st.sampled_from(["\u202e", "\u200b", "\u200d", "\ufeff", "e\u0301", "\U0001f36a", "\u4e2d\u6587", "\u2028",
                       "{agency}", "<script>alert(1)</script>", "&amp;", "\n", "\t", "\\", '"', "'", "\u00a0"])
TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))


def text(max_size):
    """Text a visitor may see: no control characters but newline and tab (the validator's rule)."""
    return st.lists(st.text(TEXT_CHARS, min_size=1, max_size=8) | ODD, min_size=1, max_size=8).map("".join).map(
        lambda value: value[:max_size])


def name_text(max_size):
    """A display name (agency, secretariat, vendor): one line, no control or line-separator characters at all."""
    return text(max_size).map(lambda value: "".join(ch for ch in value if ch.isprintable() or ch == " ")).filter(bool)


def https_url():
    return st.builds(lambda host, port, path: f"https://{host}{port}{path}", HOST, PORT, URL_PATH)


def web_url():
    """https anywhere, http only on loopback (the demo's case)."""
    loopback = st.builds(lambda host, port, path: f"http://{host}{port}{path}",
                         st.sampled_from(["127.0.0.1", "localhost", "127.0.0.2"]), PORT, URL_PATH)
    return https_url() | loopback


def origin():
    """As a browser sends it: lower-case, no default port (the validator insists)."""
    port = PORT.filter(lambda port: port != ":443")
    return st.builds(lambda host, port, slash: f"https://{host}{port}{slash}", HOST, port, st.sampled_from(["", "/"]))


def cookie():
    persistent = st.fixed_dictionaries({"name": text(256), "domain": HOST | HOST.map(lambda host: "." + host),
                                        "persistent": st.just(True),
                                        "expiry_days": st.integers(min_value=1, max_value=730)})
    session = st.fixed_dictionaries({"name": text(256), "domain": HOST, "persistent": st.just(False)},
                                    optional={"expiry_days": st.integers(min_value=0, max_value=730)})
    return persistent | session


def tracker():
    request = URL_PATH.filter(lambda path: not path.startswith("//")) | web_url()
    return st.fixed_dictionaries(
        {"id": SLUG, "vendor": name_text(200), "purpose": text(1000), "license_url": web_url(),
         "privacy_url": web_url(), "contracted": st.booleans()},
        optional={"cookies": st.lists(cookie(), max_size=3), "requests": st.lists(request, max_size=3)},
    )


def texts():
    letters = "abcdefghijklmnopqrstuvwxyz"
    region = st.text(letters + letters.upper(), min_size=2, max_size=4).map(lambda region: "-" + region)
    lang = st.builds(str.__add__, st.text(letters, min_size=2, max_size=3), st.just("") | region)
    overrides = st.dictionaries(st.sampled_from(TEXT_KEYS), text(2000), max_size=4)
    return st.dictionaries(lang, overrides, max_size=2)


def valid_agency():
    """A file the service must accept, whatever odd but legitimate content it holds."""
    return st.fixed_dictionaries(
        {"id": SLUG, "name": name_text(200), "origins": st.lists(origin(), min_size=1, max_size=3),
         "privacy_policy_url": web_url(), "terms_url": web_url(), "mode": st.sampled_from(["opt-out", "opt-in"]),
         "commonwealth_domains": st.lists(HOST | HOST.map(lambda host: "." + host), min_size=1, max_size=3)},
        optional={"trackers": st.lists(tracker(), max_size=3, unique_by=lambda item: item["id"]),
                  "texts": texts(), "equal_access_ignore": st.lists(text(500), max_size=3)},
    )
