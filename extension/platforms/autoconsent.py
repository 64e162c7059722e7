"""Put DuckDuckGo's autoconsent (npm, MPL-2.0) in the add-on: its page bundle, its rules, each platform's selectors.

Nothing of it is committed: `make test` installs the pinned npm package into .cache/npm, and every browser
launch copies what the add-on loads into addon/autoconsent/ when that copy is missing or of another version.
"""

import fcntl
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from extension.chromium import ADDON_DIR
from extension.chromium import SetupError

VERSION = "16.23.0"
PACKAGE = "@duckduckgo/autoconsent"
REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = ADDON_DIR / "autoconsent"
PLATFORMS_FILE = TARGET / "platforms.json"
INSTALL_HINT = f"npm install --prefix .cache/npm {PACKAGE}@{VERSION} (or `make test`)"
# Platforms written as code in autoconsent (not as JSON rules) name their UI roots in the bundle.
CODE_RULE = re.compile(r'this\.name = "([^"]+)";\s*this\.prehideSelectors = \[([^\]]*)\]')
QUOTED = re.compile(r'"([^"]+)"')


def package_dir() -> Path:
    """Where the npm package is: $CONSENT_QA_NPM_DIR/node_modules or the checkout's .cache/npm."""
    base = Path(os.environ.get("CONSENT_QA_NPM_DIR") or REPO_ROOT / ".cache" / "npm")
    return base / "node_modules" / PACKAGE


def platform_selectors(rules: list, bundle: str) -> dict:
    """{platform name: selectors of its own interface}: the notice it shows, left out of equal access."""
    found = {}
    for rule in rules:
        selectors = list(rule.get("prehideSelectors", []))
        selectors += [step["visible"] for step in rule.get("detectPopup", []) if isinstance(step.get("visible"), str)]
        if selectors:
            found[rule["name"]] = selectors
    for name, listed in CODE_RULE.findall(bundle):
        found.setdefault(name, QUOTED.findall(listed))
    return found


def install(source: Path, target: Path = TARGET) -> None:
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


def installed() -> bool:
    """Whether the add-on already holds this version's copy."""
    return (TARGET / "VERSION").is_file() and (TARGET / "VERSION").read_text().strip() == VERSION


def ensure_installed() -> None:
    """Make the add-on complete before a browser loads it; a missing package is a set-up error."""
    if installed():
        return
    # Workers and monitor processes start browsers at once: one copies, the others wait and find it done.
    with open(Path(tempfile.gettempdir()) / "consent-qa-autoconsent.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed():
            copy_from_package()


def copy_from_package() -> None:
    """Check the npm package's version, then install() from it."""
    source = package_dir()
    try:
        found = json.loads((source / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError) as e:
        raise SetupError(f"DuckDuckGo's autoconsent is missing at {source}: {INSTALL_HINT}") from e
    if found != VERSION:
        raise SetupError(f"{source} holds autoconsent {found}, consent-qa needs {VERSION}: {INSTALL_HINT}")
    install(source)


def load_selectors() -> dict:
    """The selector table written by install()."""
    ensure_installed()
    return json.loads(PLATFORMS_FILE.read_text(encoding="utf-8"))


def selectors_for(platform: str | None) -> list:
    """The named platform's own interface (empty for an unknown one)."""
    if not platform:
        return []
    return load_selectors().get(platform, [])
