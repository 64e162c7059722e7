"""QA's equal access for embeds (issue 22) in real Chromium with the test extension: an embed a first visitor sees
must stay reachable after opt-out; one that disappears, or a placeholder leading nowhere, fails naming it."""

import json
import urllib.request

import pytest

from embed_site import VIDEO_TITLE
from embed_site import EmbedSite
from embed_site import serve_agency
from extension.clauses import evaluate
from extension.driver import check_page

pytestmark = pytest.mark.browser

KEYS = ["qa-embeds-test-key-0123456789abcdef"]
# The page, and what a visitor who opted out gets: the banner's placeholders, no video, a placeholder without a link.
PAGES = ("/embeds", "/qa/disappears", "/qa/dead-end")


@pytest.fixture(scope="module")
def audits(tmp_path_factory, qa_browser):
    """One consent-qa audit per page (path -> {clause: finding}), in the module's one browser."""
    site = EmbedSite().start()
    service = serve_agency(tmp_path_factory.mktemp("qa-embed-agencies"), site.origin, KEYS)
    site.service = service.url
    with urllib.request.urlopen(f"{service.url}/v1/embeds/notice", timeout=10) as response:
        notice = json.load(response)
    try:
        found = {}
        for path in PAGES:
            qa_browser.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            page = check_page(qa_browser, f"{site.origin}{path}", notice)
            found[path] = {finding.clause: finding for finding in evaluate(page, notice)}
        yield found
    finally:
        service.stop()
        site.stop()


def test_placeholders_linking_to_the_content_give_equal_access(audits):
    finding = audits["/embeds"]["equal-access"]
    assert finding.verdict == "pass", finding.reason


def test_an_embed_that_disappears_fails_naming_it(audits):
    finding = audits["/qa/disappears"]["equal-access"]
    assert finding.verdict == "fail"
    assert f"“{VIDEO_TITLE}”" in finding.reason and "disappears" in finding.reason
    (difference,) = [d for d in finding.evidence["differences"] if d["what"] == "embed"]
    assert difference["kind"] == "missing"


def test_a_placeholder_with_no_way_to_the_content_fails_naming_it(audits):
    finding = audits["/qa/dead-end"]["equal-access"]
    assert finding.verdict == "fail"
    assert f"“{VIDEO_TITLE}”" in finding.reason and "no link" in finding.reason
