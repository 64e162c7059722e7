"""build.py: one self-contained script per agency, compressed and fingerprinted consistently."""

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess

import brotli
import pytest

from consent_banner import build
from server.notice import DEFAULT_LANG
from server.notice import SUPPORTED_LANGS
from server.notice import default_texts

SIZE_TARGET_GZIP = 6 * 1024


@pytest.fixture
def demo(app):
    """The demo agency as the registry loaded it."""
    return app.extensions["registry"].get("demo")


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "a\u2028b\u2029c", "x & y > z"])
def test_js_literal_escapes_html_significant_characters(text):
    literal = build.js_literal({"t": text})
    assert not re.search("[<>&\u2028\u2029]", literal)
    assert json.loads(literal) == {"t": text}


def test_embedded_data_has_every_language_and_dedupes(demo):
    data = build.embedded_data(demo)
    assert set(data["l"]) == set(SUPPORTED_LANGS)
    default = data["l"][data["d"]]
    assert default["trackers"][0]["id"] == demo.trackers[0].id
    assert "requests" not in default["trackers"][0]
    assert data["mode"] == demo.mode
    for lang, notice in data["l"].items():
        assert notice["text"]["opt_out"] and notice["text"]["ok"]
        assert "accept" not in notice["text"], "the opt-in button's wording is not needed in opt-out mode"
        if lang != data["d"]:
            # Trackers and links are the same in every language: sent once.
            assert "trackers" not in notice and "privacy_policy_url" not in notice


def test_script_has_no_placeholders_left_and_parses(demo):
    script = build.render_script(demo)
    assert "__CONSENT_DATA__" not in script and "__CONSENT_CSS__" not in script
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot parse-check the script")
    result = subprocess.run([node, "--check", "-"], input=script, capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr


def test_bundle_encodings_and_validators_match_the_body(demo):
    bundle = build.build_bundle(demo)
    assert gzip.decompress(bundle.gzip) == bundle.body
    assert brotli.decompress(bundle.br) == bundle.body
    digest = base64.b64encode(hashlib.sha384(bundle.body).digest()).decode()
    assert bundle.integrity == f"sha384-{digest}"
    assert len(bundle.etags()) == 3
    assert bundle.etag_for("identity") == f'"{bundle.etag}"'
    assert bundle.encoded("gzip") == bundle.gzip and bundle.encoded("identity") == bundle.body


def test_bundle_is_deterministic(demo):
    assert build.build_bundle(demo) == build.build_bundle(demo)


def test_demo_bundle_meets_the_size_target(demo):
    assert len(build.build_bundle(demo).gzip) <= SIZE_TARGET_GZIP


def test_every_locale_has_every_key_of_the_default():
    keys = set(default_texts(DEFAULT_LANG))
    for lang in SUPPORTED_LANGS:
        assert set(default_texts(lang)) == keys, lang
