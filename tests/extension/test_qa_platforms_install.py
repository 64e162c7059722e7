"""autoconsent's files reach the add-on from the pinned npm package; a missing package is a one-line set-up error."""

import json

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


def test_a_missing_package_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSENT_QA_NPM_DIR", str(tmp_path))
    with pytest.raises(SetupError, match=r"autoconsent is missing at .*npm install --prefix .cache/npm"):
        autoconsent.copy_from_package()
