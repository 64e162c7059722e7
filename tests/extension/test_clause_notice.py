"""Clause 1.3.2 (extension/clauses/notice.py) on hand-made facts (no browser)."""

import pytest
from clause_records import NOTICE
from clause_records import URL
from clause_records import facts
from clause_records import text
from clause_records import verdict

from extension.clauses.notice import clause_1_3_2


def test_1_3_2_passes_a_clear_notice():
    finding = clause_1_3_2(URL, facts(), NOTICE)
    assert verdict(finding) == "pass", finding.reason
    assert set(finding.to_dict()) == {"url", "clause", "verdict", "reason", "evidence"}


@pytest.mark.parametrize("page_facts, words", [
    ({"viewport": {"width": 1280, "height": 900}, "notice": None}, "No cookie notice"),
    (facts(visible=False), "not visible"),
    (facts(rect={"x": 0, "y": 2400, "width": 1280, "height": 200}), "not in the first screen"),
    (facts(rect={"x": 0, "y": 880, "width": 120, "height": 20}), "too small to be noticed"),
    (facts(texts=[text(size=9)]), "too small to read"),
    (facts(texts=[text(color="rgb(170, 170, 170)")]), "contrast is too low"),
    (facts(text="Welcome!", fullText="Welcome! Acme Analytics Ad Co"), "cookies or tracking"),
    (facts(fullText="We use cookies from Acme Analytics."), "does not name the tracker(s) Ad Co"),
    (facts(links=[]), "does not link the privacy policy"),
])
def test_1_3_2_fails(page_facts, words):
    finding = clause_1_3_2(URL, page_facts, NOTICE)
    assert verdict(finding) == "fail"
    assert words in finding.reason


def test_1_3_2_counts_a_large_modal_that_fills_the_screen_as_shown():
    modal = facts(rect={"x": 0, "y": 0, "width": 1280, "height": 2000})
    assert verdict(clause_1_3_2(URL, modal, NOTICE)) == "pass"
