"""Each deliberately broken page fails exactly its own clause; the well-behaved one fails none."""

import pytest

from extension.clauses import CLAUSES
from extension.clauses import evaluate
from extension.driver import check_page
from qa_fixture_site import EXPECTED_FAILURE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("case", list(EXPECTED_FAILURE))
def test_fixture_page_fails_only_its_clause(case, fx_server, fx_notice, qa_browser):
    page = check_page(qa_browser, f"{fx_server}/fx/{case}/", fx_notice)
    findings = evaluate(page, fx_notice)

    assert [f["clause"] for f in findings] == list(CLAUSES)
    failed = {f["clause"]: f["reason"] for f in findings if f["verdict"] == "fail"}
    expected = EXPECTED_FAILURE[case]
    assert set(failed) == ({expected} if expected else set()), failed


@pytest.mark.parametrize("case, where, by", [
    ("shadow", "notice", "data-consent-action"),
    ("unhooked", "page", "accessible name"),
    ("no-notice", "page", "data-consent-action"),
])
def test_opt_out_is_found_by_hook_or_name(case, where, by, fx_server, fx_notice, qa_browser):
    page = check_page(qa_browser, f"{fx_server}/fx/{case}/", fx_notice)

    assert page["opt_out"]["found"] and page["opt_out"]["clicked"]
    assert (page["opt_out"]["where"], page["opt_out"]["by"]) == (where, by)
    assert page["keyboard"]["reached"]
    assert page["next"]["url"] == f"{fx_server}/fx/{case}/more"
