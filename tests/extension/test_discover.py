"""`consent-qa discover`: what a new visitor is sent becomes a draft agency file that a person completes (issue 14)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extension.browser import launch_chrome
from extension.cli import main
from extension.discover.draft import FILL
from extension.discover.draft import draft_toml
from extension.discover.visit import explore
from serving import AppServer

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "libraries"))
from library_site import AGENCY_HOST  # noqa: E402
from library_site import LIBRARIES  # noqa: E402
from library_site import RESOLVER_RULES  # noqa: E402
from library_site import create_site  # noqa: E402

pytestmark = pytest.mark.browser

CHECK_CONFIG = Path(sys.executable).parent / "consent-service"
# The vendor the Open Cookie Database gives each cookie the fixture pages set; None: it does not know it.
VENDOR = {"_ga": "Google Analytics", "_gid": "Google Analytics", "IDE": None, "site_prefs": None}
# What a person writes on the lines marked FILL (the test plays that person).
FILLED = {"name": '"Office of Fixtures"', "purpose": '"Counts visits to see which pages are used."',
          "license_url": '"https://www.mass.gov/info-details/analytics-terms"', "terms_url": '"https://www.mass.gov/terms"',
          "privacy_url": '"https://www.mass.gov/privacypolicy"', "privacy_policy_url": '"https://www.mass.gov/privacypolicy"'}


@pytest.fixture(scope="module")
def site():
    """The banner-library fixture site (as in test_qa_platforms)."""
    server = AppServer(create_site(), quiet=True).start()
    yield f"http://{AGENCY_HOST}:{server.port}"
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium with the extension for the module; host names of the fixture site resolve to loopback."""
    started = launch_chrome(extra_args=(RESOLVER_RULES,))
    started.wait_ready()
    yield started
    started.quit()


def declared_cookies(draft: dict) -> dict:
    """{cookie name: tracker} for every cookie the draft declares."""
    return {cookie["name"]: tracker for tracker in draft.get("trackers", []) for cookie in tracker.get("cookies", [])}


def fill(text: str) -> str:
    """Complete the marked lines as a person would (https origins, links, a name, lifetimes within 2 years)."""
    out = []
    for line in text.splitlines():
        if f"# {FILL}:" in line:
            key, value = line.split(" = ", 1)
            value = value.split("  # ", 1)[0]
            if key in FILLED:
                value = FILLED[key]
            elif key in ("origins", "requests") or (key == "privacy_policy_url" and value != '""'):
                value = value.replace("http://", "https://")
            elif key == "expiry_days":
                value = "730"
            line = f"{key} = {value}"
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_draft_lists_every_cookie_seen_with_its_vendor(library, site, browser):
    seen = explore(browser, f"{site}/{library}/broken/", crawl=1)
    text = draft_toml([seen], ["agency.test"])
    draft = tomllib.loads(text)

    assert seen["pages"] == [f"{site}/{library}/broken/", f"{site}/{library}/broken/more"]
    declared = declared_cookies(draft)
    review = re.findall(r"^#   (\S+) \(", text, re.M)
    for cookie in seen["cookies"]:
        assert cookie["name"] in declared or cookie["name"] in review, cookie
        if VENDOR.get(cookie["name"]):
            assert declared[cookie["name"]]["vendor"] == VENDOR[cookie["name"]]
            assert declared[cookie["name"]]["privacy_url"] == "https://business.safety.google/privacy/"
    assert {"_ga", "_gid", "IDE", "site_prefs"} <= {c["name"] for c in seen["cookies"]}
    assert declared["IDE"]["id"] == "adnet-example" and declared["IDE"]["requests"] == [
        f"http://ads.adnet.example:{site.rsplit(':', 1)[1]}/"]
    assert "site_prefs (www.agency.test, the agency's site): 1095 days; BREAKS 2.2" in text
    ide = text[:text.index('name = "IDE"')].rsplit("[[trackers]]", 1)[1]
    assert "# BREAKS 2.1" in ide and "# BREAKS 2.5" in ide
    assert all(tracker["license_url"] == "" for tracker in draft["trackers"])
    assert text.count(f"license_url = \"\"  # {FILL}") == len(draft["trackers"])


def check_config(folder: Path) -> subprocess.CompletedProcess:
    """The service's own `consent-service check-config DIR`, as a person would run it."""
    return subprocess.run([CHECK_CONFIG, "check-config", str(folder)], capture_output=True, text=True, timeout=60)


def check_raw_and_filled(text: str, tmp_path: Path) -> tuple:
    """check-config on the draft as written, then completed by a person and saved under its id."""
    raw, filled = tmp_path / "raw", tmp_path / "filled"
    raw.mkdir()
    filled.mkdir()
    (raw / "draft.toml").write_text(text)
    (filled / f"{tomllib.loads(text)['id']}.toml").write_text(fill(text))
    return check_config(raw), check_config(filled)


def test_a_fixture_pages_draft_passes_check_config_once_filled(site, browser, tmp_path):
    seen = explore(browser, f"{site}/vanilla/broken/", crawl=1)
    text = draft_toml([seen], ["agency.test"])
    before, after = check_raw_and_filled(text, tmp_path)

    assert before.returncode == 1 and "license_url" in before.stdout
    assert after.returncode == 0, after.stdout
    assert len(tomllib.loads(fill(text))["trackers"]) == 3


def test_discover_command_writes_the_draft(site, tmp_path, capsys):
    out = tmp_path / "agency.toml"
    code = main(["discover", f"{site}/cookieyes/broken/", "--crawl", "1", "--out", str(out),
                 "--commonwealth-domain", "agency.test", "--browser-arg", RESOLVER_RULES])

    assert code == 0
    draft = tomllib.loads(out.read_text())
    assert draft["commonwealth_domains"] == ["agency.test"]
    assert draft["privacy_policy_url"] == f"{site}/privacy/dense"
    assert "2 page(s)" in capsys.readouterr().out


def test_the_demo_sites_draft_passes_check_config_once_filled(live_server, browser, tmp_path):
    seen = explore(browser, f"{live_server}/demo/", crawl=2)
    text = draft_toml([seen], ["127.0.0.1"])
    before, after = check_raw_and_filled(text, tmp_path)

    assert seen["cookies"], "the demo site sets cookies on a first visit"
    assert before.returncode == 1 and "draft.toml: field" in before.stdout
    assert after.returncode == 0, after.stdout
    listed = set(declared_cookies(tomllib.loads(fill(text)))) | set(re.findall(r"^#   (\S+) \(", text, re.M))
    assert listed >= {c["name"] for c in seen["cookies"]}
