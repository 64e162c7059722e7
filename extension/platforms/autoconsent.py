"""DuckDuckGo's autoconsent (npm, MPL-2.0) in the add-on: its page bundle, its rules, each platform's selectors.

The add-on's copy (addon/vendor/autoconsent/, its LICENSE beside it: a pinned third-party build, never edited by
hand) is committed and ships in the package, so an installed consent-qa needs neither npm nor a writable package
folder. `make autoconsent` rebuilds it from the
pinned npm package (`python -m extension.platforms.autoconsent`); tests/extension/test_qa_platforms_install.py
checks that the committed copy is what that package yields.
"""

import json
import os
import re
import shutil
import sys
from pathlib import Path

from extension.chromium import ADDON_DIR
from extension.chromium import SetupError

VERSION = "16.23.0"
PACKAGE = "@duckduckgo/autoconsent"
REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = ADDON_DIR / "vendor" / "autoconsent"
PLATFORMS_FILE = TARGET / "platforms.json"
# What the add-on loads and what the licence asks to travel with it: every file of the copy.
FILES = ("autoconsent.js", "rules.js", "platforms.json", "LICENSE", "VERSION")
INSTALL_HINT = f"npm install --prefix .cache/npm {PACKAGE}@{VERSION} (or `make test`)"
# Platforms written as code in autoconsent (not as JSON rules) name their UI roots in the bundle.
# The list ends at "];" (a selector may hold brackets itself: Sourcepoint's div[id^='sp_message_container_']).
CODE_RULE = re.compile(r'this\.name = "([^"]+)";\s*this\.prehideSelectors = \[(.*?)\];', re.S)
QUOTED = re.compile(r'"([^"]+)"')


def package_dir() -> Path:
    """Where the npm package is: $CONSENT_QA_NPM_DIR/node_modules or the checkout's .cache/npm."""
    base = Path(os.environ.get("CONSENT_QA_NPM_DIR") or REPO_ROOT / ".cache" / "npm")
    return base / "node_modules" / PACKAGE


def shown_selectors(steps: list) -> list:
    """The selectors a rule's popup steps wait to see shown, conditional branches included (Usercentrics' root)."""
    found = []
    for step in steps or []:
        for key in ("visible", "waitForVisible"):
            if isinstance(step.get(key), str):
                found.append(step[key])
        for branch in ("then", "else"):
            found += shown_selectors(step.get(branch))
    return found


def platform_selectors(rules: list, bundle: str) -> dict:
    """{platform name: selectors of its own interface}: the notice it shows, left out of equal access."""
    found = {}
    for rule in rules:
        selectors = list(rule.get("prehideSelectors", []))
        selectors += [selector for selector in shown_selectors(rule.get("detectPopup")) if selector not in selectors]
        if selectors:
            found[rule["name"]] = selectors
    for name, listed in CODE_RULE.findall(bundle):
        found.setdefault(name, QUOTED.findall(listed))
    return found


def install(source: Path, target: Path) -> None:
    """Copy the page bundle, the compact rules (as a script) and the license; write the selector table."""
    bundle = (source / "dist" / "autoconsent.playwright.js").read_text(encoding="utf-8")
    compact = (source / "rules" / "compact-rules.json").read_text(encoding="utf-8")
    rules = json.loads((source / "rules" / "rules.json").read_text(encoding="utf-8"))["autoconsent"]
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "autoconsent.js").write_text(bundle, encoding="utf-8")
    (staging / "rules.js").write_text(f"globalThis.consentQaAutoconsentRules = {compact};\n", encoding="utf-8")
    (staging / "platforms.json").write_text(json.dumps(platform_selectors(rules, bundle), indent=1), encoding="utf-8")
    shutil.copyfile(source / "LICENSE", staging / "LICENSE")
    (staging / "VERSION").write_text(VERSION, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def installed(target: Path | None = None) -> bool:
    """Whether the add-on holds this version's complete copy."""
    target = target or TARGET
    version = target / "VERSION"
    return all((target / name).is_file() for name in FILES) and version.read_text().strip() == VERSION


def ensure_installed() -> None:
    """Refuse to start a browser whose add-on lacks autoconsent (a set-up error; nothing is written here)."""
    if not installed():
        raise SetupError(f"the add-on's autoconsent {VERSION} is missing or incomplete at {TARGET}: "
                         "reinstall consent-qa, or run `make autoconsent` in a checkout")


def build_from_package(target: Path | None = None) -> None:
    """Check the npm package's version, then install() from it (what `make autoconsent` runs)."""
    target = target or TARGET
    source = package_dir()
    try:
        found = json.loads((source / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError) as e:
        raise SetupError(f"DuckDuckGo's autoconsent is missing at {source}: {INSTALL_HINT}") from e
    if found != VERSION:
        raise SetupError(f"{source} holds autoconsent {found}, consent-qa needs {VERSION}: {INSTALL_HINT}")
    install(source, target)


def load_selectors() -> dict:
    """The selector table written by install()."""
    ensure_installed()
    return json.loads(PLATFORMS_FILE.read_text(encoding="utf-8"))


def selectors_for(platform: str | None) -> list:
    """The named platform's own interface (empty for an unknown one)."""
    if not platform:
        return []
    return load_selectors().get(platform, [])


def main() -> int:
    """`make autoconsent`: rebuild the committed copy; a missing package is one line and exit 1."""
    try:
        build_from_package()
    except SetupError as e:
        print(f"make autoconsent: {e}", file=sys.stderr)
        return 1
    print(f"wrote {TARGET} from {PACKAGE} {VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
