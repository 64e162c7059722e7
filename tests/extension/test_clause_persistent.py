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
    assert verdict(finding) == "fail" and "acme.example" in finding["reason"]


@pytest.mark.parametrize("days, result", [(30, "pass"), (730, "pass"), (731, "pass"), (732, "fail"), (1095, "fail")])
def test_2_2(days, result):
    assert verdict(clause_2_2(URL, [cookie("a", "mass.gov", days=days)])) == result


def test_2_5():
    contracted = [cookie("_acme_uid", "acme.example"), cookie("own", "mass.gov"), cookie("s", "x.example", False)]
    assert verdict(clause_2_5(URL, contracted, NOTICE)) == "pass"
    assert "not contracted" in clause_2_5(URL, [cookie("_ad", "adco.example")], NOTICE)["reason"]
    assert "undeclared outside party" in clause_2_5(URL, [cookie("u", "x.example")], NOTICE)["reason"]
