"""Five more consent platforms (OneTrust, Cookiebot, Drupal's EU Cookie Compliance, Complianz, Civic Cookie Control)
audited without an agency file: every verdict right, and 1.3.3 judges the control the reject path used, by how a
visitor perceives it (issue 21, classes 1–3)."""

import json
import sys
from pathlib import Path

import pytest

from extension.cli import main
from serving import AppServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES / "libraries"))
sys.path.insert(0, str(FIXTURES / "platforms"))
from first_layer_site import LESS_PROMINENT  # noqa: E402
from first_layer_site import PAGES  # noqa: E402
from first_layer_site import PLATFORMS  # noqa: E402
from first_layer_site import VARIANTS  # noqa: E402
from first_layer_site import create_site  # noqa: E402
from library_site import AGENCY_HOST  # noqa: E402
from library_site import RESOLVER_RULES  # noqa: E402

pytestmark = pytest.mark.browser

CLAUSES = ("1.3.2", "1.3.3", "equal-access", "1.3.1", "2.1", "2.2", "2.5", "1.1")
# As on the library pages: the tracker ignores reject (1.3.3; its outside cookie breaks 1.3.1, 2.1, 2.5), a 3-year
# cookie (2.2), the video withheld after reject (equal access), a legalese policy (1.1).
BROKEN = {"1.3.2": "pass", "1.3.3": "fail", "equal-access": "fail", "1.3.1": "fail", "2.1": "fail", "2.2": "fail",
          "2.5": "fail", "1.1": "fail"}
EXPECTED = {f"{platform}/compliant": dict.fromkeys(CLAUSES, "pass") for platform in PLATFORMS}
EXPECTED.update({f"{platform}/broken": BROKEN for platform in PLATFORMS})
# A less prominent opt-out fails 1.3.3 and nothing else.
EXPECTED.update({page: {**dict.fromkeys(CLAUSES, "pass"), "1.3.3": "fail"} for page in LESS_PROMINENT})
# autoconsent's name for each platform.
PLATFORM = {"onetrust": "Onetrust", "cookiebot": "Cybotcookiebot",
            "eu_cookie_compliance": "eu-cookie-compliance-banner",
            "complianz": "Complianz banner", "civic": "civic-cookie-control"}


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    """One `consent-qa check` without --agency over every platform page (one browser for all)."""
    server = AppServer(create_site(), quiet=True).start()
    base = f"http://{AGENCY_HOST}:{server.port}"
    report_dir = tmp_path_factory.mktemp("platform_pages")
    try:
        code = main(["check", *[f"{base}/platform/{page}/" for page in PAGES], "--commonwealth-domain", "agency.test",
                     "--browser-arg", RESOLVER_RULES, "--report-dir", str(report_dir)])
    finally:
        server.stop()
    report = json.loads((report_dir / "report.json").read_text())
    return {"code": code, "report": report, "base": base}


def findings_for(audit, page):
    """The page's findings by clause."""
    url = f"{audit['base']}/platform/{page}/"
    return {f["clause"]: f for f in audit["report"]["findings"] if f["url"] == url and not f.get("variant")}


@pytest.mark.parametrize("page", PAGES)
def test_every_clause_verdict_with_the_platform_named(audit, page):
    found = findings_for(audit, page)

    verdicts = {clause: found[clause]["verdict"] for clause in CLAUSES}
    assert verdicts == EXPECTED[page], {c: found[c]["reason"] for c in CLAUSES if verdicts[c] != EXPECTED[page][c]}
    platform = PLATFORM[page.split("/")[0]]
    assert found["1.3.3"]["evidence"]["platform"]["name"] == platform
    assert f"Consent platform: {platform}" in found["1.3.3"]["reason"]


def test_the_broken_pages_fail_for_the_flaws_they_have(audit):
    for platform in PLATFORMS:
        found = findings_for(audit, f"{platform}/broken")
        assert "stats.metrics.example" in found["1.3.3"]["reason"]
        assert "missing for visitors who opted out" in found["equal-access"]["reason"]
        assert "site_prefs (1095 days)" in found["2.2"]["reason"]
    assert audit["code"] == 1


def test_a_narrower_reject_all_as_tall_and_alike_as_accept_is_as_prominent(audit):
    """Class 1: OneTrust's "Reject All" is narrower than "Accept All Cookies" only because its label is shorter."""
    evidence = findings_for(audit, "onetrust/compliant")["1.3.3"]["evidence"]
    control = evidence["control"]

    assert control["name"] == "Reject All" and control["id"] == "onetrust-reject-all-handler"
    assert control["rect"]["height"] >= 44 and control["rect"]["width"] < 150
    assert evidence["opt_out"]["name"] == "Reject All" and evidence["opt_out"]["self_test"]["result"] is True


def test_a_platform_declining_through_its_api_is_judged_on_its_visible_deny(audit):
    """Class 2: autoconsent declines Cookiebot through window.Cookiebot (no click); Tab reaches the visible "Deny"."""
    evidence = findings_for(audit, "cookiebot/compliant")["1.3.3"]["evidence"]

    assert evidence["opt_out"]["clicks"] == [] and evidence["opt_out"]["self_test"]["result"] is True
    assert evidence["control"]["name"] == "Deny"
    assert evidence["focus_reached"] is True


def test_the_control_autoconsent_clicked_is_judged_not_a_small_link_named_opt_out(audit):
    """Class 2: Complianz's small "Opt-out preferences" link comes first; autoconsent clicked "Deny"."""
    evidence = findings_for(audit, "complianz/compliant")["1.3.3"]["evidence"]
    before = next(p for p in audit["report"]["pages"] if p["url"].endswith("/platform/complianz/compliant/"))

    assert [click["name"] for click in evidence["opt_out"]["clicks"]] == ["Deny"]
    assert evidence["control"]["name"] == "Deny"
    assert before["platform"].startswith("Complianz")


def test_opt_outs_named_in_other_words_are_found_and_used(audit):
    """Class 3: "Only essential" (EU Cookie Compliance) and Civic's "I Do Not Accept" are opt-outs, not accepts."""
    drupal = findings_for(audit, "eu_cookie_compliance/compliant")["1.3.3"]["evidence"]
    civic = findings_for(audit, "civic/compliant")["1.3.3"]["evidence"]

    assert drupal["control"]["name"] == "Only essential" and drupal["focus_reached"] is True
    assert civic["control"]["name"] == "I Do Not Accept" and civic["focus_reached"] is True


@pytest.mark.parametrize("page, words", [
    ("onetrust/link", ["it is smaller than “Accept All Cookies” (14 px high against 48 px)",
                       "under WCAG 2.5.8's 24×24 px", "its text is smaller than that of “Accept All Cookies”"]),
    ("cookiebot/faint", ["its text is smaller than that of “Allow all”",
                         "its text is lighter than that of “Allow all” (weight 400 against 700)"]),
])
def test_a_less_prominent_opt_out_fails_saying_how(audit, page, words):
    reason = findings_for(audit, page)["1.3.3"]["reason"]
    for said in words:
        assert said in reason
    assert "trackers" not in reason and "Tab key" not in reason
