"""Generated agency files: every broken one is refused in one line naming file and field; no valid one is."""

import random
from collections import Counter

import pytest
import toml_writer
from agency_mutations import BAD_BYTES
from agency_mutations import KINDS
from agency_mutations import SYNTAX_BREAKERS
from agency_mutations import broken_agency
from agency_strategies import valid_agency
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from reliability_support import RELAXED
from reliability_support import examples

from server.demo_agency import demo_agency_text
from server.core.agency import AgencyConfigError
from server.core.error_paths import printable
from server.core.agency import load_agency_file

VALID_CASES = examples(ci=700, long=3000)
BROKEN_CASES = examples(ci=1100, long=5000)
RAW_CASES = examples(ci=300, long=1500)
TRIED = Counter()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder the generated files are written to, one at a time."""
    return tmp_path_factory.mktemp("agency-fuzz")


def _write(folder, stem, content):
    path = folder / f"{stem}.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _refusal(path):
    """The one-line refusal; any other exception type fails the test by propagating."""
    try:
        load_agency_file(path)
    except AgencyConfigError as error:
        message = str(error)
    else:
        pytest.fail(f"{path.name} was accepted:\n{path.read_text(encoding='utf-8', errors='replace')}")
    finally:
        path.unlink()
    assert len(message.splitlines()) == 1 and "\r" not in message, repr(message)
    assert message.startswith(f"{path.name}: "), message
    return message


@settings(max_examples=VALID_CASES, **RELAXED)
@given(document=valid_agency())
def test_a_valid_file_is_never_rejected(scratch, document):
    """Odd but legitimate content (any script, emoji, bidi marks, quotes, markup-looking text) loads as written."""
    path = _write(scratch, document["id"], toml_writer.dumps(document))
    try:
        agency = load_agency_file(path)
    finally:
        path.unlink()
    assert agency.id == document["id"]
    assert agency.name == document["name"]
    assert agency.origins == tuple(origin.rstrip("/") for origin in document["origins"])
    assert [tracker.id for tracker in agency.trackers] == [tracker["id"] for tracker in document.get("trackers", [])]
    assert agency.texts == document.get("texts", {})
    TRIED["valid"] += 1


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=BROKEN_CASES // len(KINDS) + 1, **RELAXED)
@given(data=st.data())
def test_a_broken_field_is_named_in_one_line(scratch, kind, data):
    """Wrong types, missing and unknown keys, huge or hostile values: AgencyConfigError naming the field."""
    document, stem, field = data.draw(broken_agency(valid_agency(), kind))
    message = _refusal(_write(scratch, stem, toml_writer.dumps(document)))
    # A name that cannot be printed as is (a control or unassigned character) is shown quoted and escaped.
    assert f"field {printable(field)}" in message, (kind, message)
    TRIED[kind] += 1


@settings(max_examples=RAW_CASES, **RELAXED)
@given(document=valid_agency(), breaker=st.sampled_from(SYNTAX_BREAKERS + BAD_BYTES), seed=st.integers(0, 2**32))
def test_a_file_that_is_not_toml_is_refused_in_one_line(scratch, document, breaker, seed):
    """TOML syntax errors and bytes that are not UTF-8: refused with the file's name, never a traceback."""
    lines = toml_writer.dumps(document).splitlines(keepends=True)
    at = random.Random(seed).randrange(len(lines) + 1)
    if isinstance(breaker, bytes):
        content = "".join(lines).encode("utf-8")
        cut = random.Random(seed).randrange(len(content) + 1)
        content = content[:cut] + breaker + content[cut:]
        expected = "not valid UTF-8"
    else:
        content = "".join(lines[:at] + [breaker] + lines[at:])
        expected = "TOML syntax error"
    message = _refusal(_write(scratch, document["id"], content))
    assert expected in message, message
    TRIED["not-utf8" if isinstance(breaker, bytes) else "toml-syntax"] += 1


# Alone, it runs every property itself: longer than one test's usual limit on a busy machine.
@pytest.mark.timeout(900)
def test_config_fuzz_figures(scratch):
    """The figures of the run: files tried by kind (the properties run here if they have not)."""
    if sum(TRIED.values()) < VALID_CASES + BROKEN_CASES + RAW_CASES or set(KINDS) - set(TRIED):
        # Run alone (or with the properties deselected): produce the figures instead of skipping.
        TRIED.clear()
        test_a_valid_file_is_never_rejected(scratch)
        for kind in KINDS:
            test_a_broken_field_is_named_in_one_line(scratch, kind)
        test_a_file_that_is_not_toml_is_refused_in_one_line(scratch)
    assert set(KINDS) <= set(TRIED), set(KINDS) - set(TRIED)
    print(f"\nagency files: {sum(TRIED.values())} {dict(TRIED)}")
    assert sum(TRIED.values()) >= VALID_CASES + BROKEN_CASES + RAW_CASES


# The built-in demo agency, as the service writes it for the default address.
DEMO_FILE = demo_agency_text("http://127.0.0.1:8000")
# Once bugs, now regression cases: each was a traceback or a two-line refusal.
REGRESSIONS = [
    # urlsplit raises ValueError before the validator's checks: it escapes load_agency_file as a traceback.
    pytest.param('privacy_policy_url = "http://127.0.0.1:8000/demo/privacy"', 'privacy_policy_url = "https://[::1"',
                 "field privacy_policy_url", id="unclosed-ipv6-bracket"),
    pytest.param('requests = ["/demo/tracker/"]', 'requests = ["https://ex\u2100ample.gov/"]',
                 "field trackers[0].requests[0]", id="nfkc-netloc"),
    # tomllib recurses once per nesting level; RecursionError is not a TOMLDecodeError.
    pytest.param('mode = "opt-out"', 'mode = "opt-out"\nx = ' + "[" * 3000 + "]" * 3000, "TOML syntax error",
                 id="deeply-nested-array"),
    # The unknown key is echoed raw: a line break in it splits the refusal over two lines.
    pytest.param('mode = "opt-out"', 'mode = "opt-out"\n"a\\nb" = 1', "field ", id="line-break-in-unknown-key"),
    pytest.param('mode = "opt-out"', 'mode = "opt-out"\ntexts = {"en\\n" = {title = "x"}}', "field texts.",
                 id="line-break-in-language-key"),
]


@pytest.mark.parametrize(("old", "new", "expected"), REGRESSIONS)
def test_known_refusals_found_by_fuzzing(scratch, old, new, expected):
    """What the fuzzing found in the loader: each must be refused in one line, not raised as something else."""
    content = DEMO_FILE
    assert old in content
    message = _refusal(_write(scratch, "demo", content.replace(old, new, 1)))
    assert expected in message, message
