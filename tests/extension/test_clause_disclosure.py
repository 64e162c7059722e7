"""Clause 1.3.1 (extension/clauses/disclosure.py) on merged cookie facts."""

from clause_records import NOTICE
from clause_records import URL
from clause_records import cookie
from clause_records import verdict

from extension.clauses.disclosure import clause_1_3_1


def test_1_3_1():
    declared = [cookie("_acme_uid", "acme.example"), cookie("own", "www.mass.gov")]
    assert verdict(clause_1_3_1(URL, declared, NOTICE)) == "pass"
    undeclared = clause_1_3_1(URL, [cookie("_x", "tracker.example", persistent=False)], NOTICE)
    assert verdict(undeclared) == "fail" and "_x (tracker.example)" in undeclared.reason
    unlinked = {**NOTICE, "trackers": [{**NOTICE["trackers"][0], "license_url": ""}]}
    assert verdict(clause_1_3_1(URL, [cookie("_acme_uid", "acme.example")], unlinked)) == "fail"


def test_no_third_party_cookie_is_said_plainly():
    """Never "All 0 third-party cookie(s)"."""
    assert clause_1_3_1(URL, [], NOTICE).reason == "No third-party cookie was set."
