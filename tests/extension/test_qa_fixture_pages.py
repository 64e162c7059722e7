"""Each deliberately broken page fails exactly its own clause; the well-behaved ones fail none."""

import pytest

from extension.clauses import CLAUSES
from extension.clauses import evaluate
from extension.driver import check_page
from qa_fixture_site import EXPECTED_FAILURE

pytestmark = pytest.mark.browser

# Where the opt-out control is and how it is found: the contract's hook (also inside an open
# shadow root), or by its accessible name for banners without the hooks.
OPT_OUT_FOUND = {"unhooked": ("notice", "accessible name"), "no-notice": ("page", "data-consent-action")}


@pytest.mark.parametrize("case", list(EXPECTED_FAILURE))
def test_fixture_page_fails_only_its_clause(case, fx_server, fx_notice, qa_browser):
    page = check_page(qa_browser, f"{fx_server}/fx/{case}/", fx_notice)
    findings = evaluate(page, fx_notice)

    assert [f.clause for f in findings] == list(CLAUSES)
    failed = {f.clause: f.reason for f in findings if f.verdict == "fail"}
    expected = EXPECTED_FAILURE[case]
    assert set(failed) == ({expected} if expected else set()), failed
    opt_out = page["opt_out"]
    assert opt_out["clicked"] and not opt_out.get("clicked_by_script")
    assert (opt_out["where"], opt_out["by"]) == OPT_OUT_FOUND.get(case, ("notice", "data-consent-action"))
    assert page["keyboard"]["reached"]
    assert page["next"]["url"] == f"{fx_server}/fx/{case}/more"
