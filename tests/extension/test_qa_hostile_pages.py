"""A page that hears, rewrites, replays, forges or stops consent-qa's messages gets the verdicts it deserves (19.3)."""

import pytest

from extension.clauses import evaluate
from extension.driver import check_page
from hostile_site import BASES

pytestmark = pytest.mark.browser

ATTACKED = [("rewrite", "script-cookie"), ("rewrite", "tiny"), ("replay", "script-cookie"),
            ("forge", "script-cookie"), ("forge", "tiny"), ("stop", "script-cookie")]


def verdicts(browser, url: str, notice: dict) -> dict:
    """Each clause's verdict for one page, as the report would give it."""
    return {f.clause: f.verdict for f in evaluate(check_page(browser, url, notice), notice)}


@pytest.fixture(scope="module")
def honest(fx_server, fx_notice, qa_browser):
    """The verdicts of each honest page (cached: every attack is compared with the same run)."""
    cache = {}

    def of(base):
        if base not in cache:
            cache[base] = verdicts(qa_browser, f"{fx_server}/fxh/none/{base}/", fx_notice)
        return cache[base]

    return of


@pytest.mark.parametrize("base", list(BASES))
def test_honest_page_fails_its_clause(base, honest):
    failed = {clause for clause, verdict in honest(base).items() if verdict == "fail"}
    assert failed == {BASES[base][1]}


@pytest.mark.parametrize(("attack", "base"), ATTACKED)
def test_attack_on_the_old_channel_changes_no_verdict(attack, base, honest, fx_server, fx_notice, qa_browser):
    attacked = verdicts(qa_browser, f"{fx_server}/fxh/{attack}/{base}/", fx_notice)
    assert attacked == honest(base)
    assert attacked[BASES[base][1]] == "fail"
