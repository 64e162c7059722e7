"""build.py and build.mjs: one self-contained script per agency, built by esbuild, current, small, fingerprinted."""

import ast
import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest

from consent_banner import build
from server.notice import DEFAULT_LANG
from server.notice import SUPPORTED_LANGS
from server.notice import build_notice
from server.notice import default_texts
from server.notice import locale

BANNER_DIR = Path(build.__file__).resolve().parent
ESBUILD = BANNER_DIR / "node_modules" / "esbuild"
# The goal for the demo agency's banner.js, notice included, as served with gzip.
SIZE_TARGET_GZIP = 4000
MASS_GOV_LANGUAGES = {"en", "es", "pt-BR", "zh-Hans", "zh-Hant", "ht", "vi", "km", "kea", "ru", "ar", "ko"}


@pytest.fixture
def demo(app):
    """The demo agency as the registry loaded it."""
    return app.extensions["registry"].get("demo")


@pytest.fixture
def demo_notice(demo):
    """Its notice in the default language, as the service hands it to the builder."""
    return build_notice(demo, DEFAULT_LANG)


def node():
    """The node binary; the build needs it, so its absence fails the test."""
    path = shutil.which("node")
    assert path, "node is not installed: the banner is built with esbuild (`make banner`)"
    return path


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "a\u2028b\u2029c", "x & y > z"])
def test_js_literal_escapes_html_significant_characters(text):
    literal = build.js_literal({"t": text})
    assert not re.search("[<>&\u2028\u2029]", literal)
    assert json.loads(literal) == {"t": text}


def test_banner_data_is_one_language_and_what_the_banner_shows(demo_notice, demo):
    data = build.banner_data(demo_notice)
    assert data["agency"] == demo.id and data["mode"] == demo.mode and data["lang"] == DEFAULT_LANG
    assert set(data["languages"]) == set(SUPPORTED_LANGS)
    tracker = data["notice"]["trackers"][0]
    assert tracker["vendor"] == demo.trackers[0].vendor
    assert "requests" not in tracker and "contracted" not in tracker
    assert data["notice"]["text"]["opt_out"] and data["notice"]["text"]["ok"]
    assert "accept" not in data["notice"]["text"], "the opt-in button's wording is not needed in opt-out mode"


def test_script_has_no_placeholder_left_and_parses(demo_notice):
    script = build.render_script(demo_notice)
    assert "__CONSENT_DATA__" not in script
    result = subprocess.run([node(), "--check", "-"], input=script, capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr


def test_committed_build_is_current(tmp_path):
    """banner.min.js and embeds.min.js are what esbuild makes of src/ and the stylesheets now (else: `make banner`)."""
    assert ESBUILD.is_dir(), "esbuild is not installed: `npm ci --prefix consent_banner` (make test does it)"
    result = subprocess.run([node(), str(BANNER_DIR / "build.mjs"), str(tmp_path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    for committed in (build.BUILT_SCRIPT, build.BUILT_EMBEDS):
        assert (tmp_path / committed.name).read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"consent_banner/{committed.name} is stale: run `make banner` and commit it")


def test_minifier_renamed_the_readable_names():
    script = build.BUILT_SCRIPT.read_text(encoding="utf-8")
    source = (BANNER_DIR / "src" / "banner.mjs").read_text(encoding="utf-8")
    assert "deleteTrackerCookies" in source and "deleteTrackerCookies" not in script
    assert "ConsentDataError" in script, "the error class keeps its name for whoever reads the console"
    assert "/**" not in script and "\n" not in script.strip()


def test_the_package_never_imports_the_service():
    for path in BANNER_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node_ in ast.walk(tree):
            names = [alias.name for alias in getattr(node_, "names", [])] if isinstance(node_, ast.Import) else []
            if isinstance(node_, ast.ImportFrom):
                names = [node_.module or ""]
            assert not any(name == "server" or name.startswith("server.") for name in names), path.name


def test_bundle_encodings_and_validators_match_the_body(demo_notice):
    bundle = build.build_bundle(demo_notice)
    assert gzip.decompress(bundle.gzip) == bundle.body
    assert brotli.decompress(bundle.br) == bundle.body
    digest = base64.b64encode(hashlib.sha384(bundle.body).digest()).decode()
    assert bundle.integrity == f"sha384-{digest}"


def test_bundle_is_deterministic(demo_notice):
    assert build.build_bundle(demo_notice) == build.build_bundle(demo_notice)


def test_demo_banner_as_served_meets_the_size_target(client):
    response = client.get("/v1/demo/banner.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) <= SIZE_TARGET_GZIP, f"{len(response.data)} B gzip"


def test_every_mass_gov_language_is_offered():
    assert set(SUPPORTED_LANGS) == MASS_GOV_LANGUAGES
    assert set(build.LANGUAGES) == MASS_GOV_LANGUAGES


@pytest.mark.parametrize("lang", sorted(MASS_GOV_LANGUAGES))
def test_every_locale_has_every_key_and_says_if_a_translator_reviewed_it(lang):
    assert set(default_texts(lang)) == set(default_texts(DEFAULT_LANG))
    assert all(value.strip() for value in default_texts(lang).values())
    file = locale(lang)
    assert "reviewed_by_qualified_translator" in file
    assert file["direction"] == ("rtl" if lang == "ar" else "ltr")
    if lang != DEFAULT_LANG:
        assert default_texts(lang)["intro"] != default_texts(DEFAULT_LANG)["intro"], "not translated"


def test_readme_lists_the_drafts():
    readme = (BANNER_DIR / "README.md").read_text(encoding="utf-8")
    for lang in SUPPORTED_LANGS:
        if locale(lang)["reviewed_by_qualified_translator"] is False:
            assert f"`{lang}`" in readme and "draft" in readme.lower()


def test_installed_packages_ship_the_built_script_and_locales(repo_root):
    """A wheel serves the committed build: no Node needed where the service is installed (a wheel holds the
    tracked files of the package, tests/packaging/test_wheel.py)."""
    tracked = subprocess.run(["git", "ls-files", "consent_banner"], cwd=repo_root, capture_output=True, text=True,
                             check=True).stdout.split()
    for shipped in ("banner.min.js", "embeds.min.js", "locales/en.json", "locales/zh-Hant.json"):
        assert f"consent_banner/{shipped}" in tracked, shipped
