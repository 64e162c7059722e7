"""A finding is a frozen record; report.json's shape comes from its one to_dict()."""

import dataclasses

import pytest

from extension.clauses.findings import Finding
from extension.clauses.findings import finding

URL = "https://www.mass.gov/"


def test_a_verdict_is_pass_or_fail_from_ok():
    assert finding(URL, "2.2", True, "Fine.", {}).verdict == "pass"
    assert finding(URL, "2.2", False, "Too long.", {}).verdict == "fail"


def test_a_finding_cannot_be_changed_in_place():
    found = finding(URL, "2.2", False, "Too long.", {})

    with pytest.raises(dataclasses.FrozenInstanceError):
        found.verdict = "waived"


@pytest.mark.parametrize(("extra", "keys"), [
    ({}, ["url", "clause", "verdict", "reason", "evidence"]),
    ({"variant": "gpc"}, ["url", "clause", "verdict", "reason", "evidence", "variant"]),
    ({"waivers": ("W-1",)}, ["url", "clause", "verdict", "reason", "evidence", "waivers"]),
    ({"variant": "gpc", "waivers": ("W-1",)}, ["url", "clause", "verdict", "reason", "evidence", "variant", "waivers"]),
])
def test_to_dict_has_the_reports_keys_in_order_and_only_those_set(extra, keys):
    assert list(Finding(URL, "1.3.3", "pass", "Fine.", {"a": 1}, **extra).to_dict()) == keys


def test_waivers_are_a_list_in_the_dict():
    assert Finding(URL, "2.2", "waived", "Waived.", {}, waivers=("W-1", 2)).to_dict()["waivers"] == ["W-1", 2]
