"""autoconsent ships inside the add-on: the committed copy is what the pinned npm package yields, travels with its
licence, and a browser launch never writes into the (possibly read-only) package folder."""

import filecmp
import json
import subprocess

import pytest

from extension.chromium import SetupError
from extension.platforms import autoconsent


def test_install_copies_the_bundle_rules_license_and_each_platforms_selectors(tmp_path):
    target = tmp_path / "autoconsent"
    autoconsent.install(autoconsent.package_dir(), target)

    assert (target / "VERSION").read_text() == autoconsent.VERSION
    assert "Mozilla Public License" in (target / "LICENSE").read_text()
    assert (target / "rules.js").read_text().startswith("globalThis.consentQaAutoconsentRules = {")
    selectors = json.loads((target / "platforms.json").read_text())
    assert len(selectors) > 200
    assert selectors["cookieconsent3"][0] == "#cc-main"
    assert selectors["Klaro"] == [".klaro"]  # a platform written as code in autoconsent, read from its bundle
    assert "#onetrust-banner-sdk" in selectors["Onetrust"][0]


def test_committed_copy_is_what_the_pinned_package_yields(tmp_path):
    """addon/vendor/autoconsent/ equals a fresh build from npm's @duckduckgo/autoconsent (else: `make autoconsent`)."""
    assert autoconsent.package_dir().is_dir(), f"the npm package is not installed: {autoconsent.INSTALL_HINT}"
    fresh = tmp_path / "autoconsent"
    autoconsent.build_from_package(fresh)
    assert sorted(p.name for p in fresh.iterdir()) == sorted(autoconsent.FILES)
    committed = sorted(p.name for p in autoconsent.TARGET.iterdir())
    assert committed == sorted(autoconsent.FILES), "extension/addon/vendor/autoconsent/ holds other files"
    _, mismatch, errors = filecmp.cmpfiles(fresh, autoconsent.TARGET, autoconsent.FILES, shallow=False)
    assert mismatch == [] and errors == [], f"stale {mismatch + errors}: run `make autoconsent` and commit it"


def test_the_committed_copy_is_tracked_by_git(repo_root):
    """Shipped from the checkout's history, not made at launch (it was git-ignored once)."""
    listed = subprocess.run(["git", "ls-files", "extension/addon/vendor/autoconsent"], cwd=repo_root,
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(name.rsplit("/", 1)[1] for name in listed) == sorted(autoconsent.FILES)


def test_a_launch_never_writes_into_the_package(tmp_path, monkeypatch):
    """With the copy gone, the launch stops with one line naming the folder; nothing is copied from npm."""
    missing = tmp_path / "addon" / "autoconsent"
    monkeypatch.setattr(autoconsent, "TARGET", missing)
    with pytest.raises(SetupError, match=r"autoconsent 16\.\d+\.\d+ is missing or incomplete at .*make autoconsent"):
        autoconsent.ensure_installed()
    assert not missing.exists()


def test_make_autoconsent_without_the_package_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONSENT_QA_NPM_DIR", str(tmp_path))
    monkeypatch.setattr(autoconsent, "TARGET", tmp_path / "target")
    assert autoconsent.main() == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "autoconsent is missing at" in error
    assert "npm install --prefix .cache/npm" in error
    assert not (tmp_path / "target").exists()
