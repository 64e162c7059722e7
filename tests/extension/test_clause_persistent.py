"""Clauses 2.1, 2.2 and 2.5 (extension/clauses/persistent.py) on merged cookie facts."""

import pytest
from clause_records import NOTICE
from clause_records import URL
from clause_records import cookie
from clause_records import verdict

from extension.clauses.persistent import clause_2_1
from extension.clauses.persistent import clause_2_2
from extension.clauses.persistent import clause_2_5


def test_2_1():
    assert verdict(clause_2_1(URL, [cookie("a", "www.mass.gov"), cookie("s", "x.example", False)], NOTICE)) == "pass"
    finding = clause_2_1(URL, [cookie("_acme_uid", "acme.example")], NOTICE)
    assert verdict(finding) == "fail" and "acme.example" in finding.reason


@pytest.mark.parametrize("days, result", [(30, "pass"), (730, "pass"), (731, "pass"), (732, "fail"), (1095, "fail")])
def test_2_2(days, result):
    assert verdict(clause_2_2(URL, [cookie("a", "mass.gov", days=days)])) == result


def test_2_5():
    contracted = [cookie("_acme_uid", "acme.example"), cookie("own", "mass.gov"), cookie("s", "x.example", False)]
    assert verdict(clause_2_5(URL, contracted, NOTICE)) == "pass"
    assert "not contracted" in clause_2_5(URL, [cookie("_ad", "adco.example")], NOTICE).reason
    assert "undeclared outside party" in clause_2_5(URL, [cookie("u", "x.example")], NOTICE).reason


@pytest.mark.parametrize("cookies, reason_2_1, reason_2_2", [
    ([], "No persistent cookie was set.", "No persistent cookie was set."),
    ([cookie("a", "mass.gov")], "The one persistent cookie is on a Commonwealth domain.",
     "The one persistent cookie expires within 2 years."),
    ([cookie("a", "mass.gov"), cookie("b", "www.mass.gov")], "All 2 persistent cookies are on Commonwealth domains.",
     "All 2 persistent cookies expire within 2 years."),
])
def test_a_passing_reason_reads_right_for_none_one_and_several(cookies, reason_2_1, reason_2_2):
    """Never "All 0 persistent cookie(s)": the report is read by webmasters."""
    assert clause_2_1(URL, cookies, NOTICE).reason == reason_2_1
    assert clause_2_2(URL, cookies).reason == reason_2_2
