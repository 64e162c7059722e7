"""Clause 1.1 (privacy policy readability, per-agency limit) and the no-agency judgement, on plain records."""

import sys
from pathlib import Path

import pytest

from extension.clauses.privacy_readability import clause_1_1
from extension.clauses.privacy_readability import privacy_link
from extension.discover.observed import base_notice
from extension.discover.observed import outside_parties
from server.notice import notice_document
from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_text

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "libraries"))
from library_site import DENSE_POLICY  # noqa: E402
from library_site import PLAIN_POLICY  # noqa: E402

URL = "https://www.agency.mass.gov/"
POLICY = "https://www.agency.mass.gov/privacy"
MIDDLING = ("Our office collects information about visits to understand which services residents use most. "
            "We review these statistics every quarter and remove anything that could identify a person. ") * 3


def test_a_plain_policy_passes_and_legalese_fails_with_its_hardest_sentences():
    plain = clause_1_1(URL, {"url": POLICY, "text": PLAIN_POLICY}, {})
    dense = clause_1_1(URL, {"url": POLICY, "text": DENSE_POLICY}, {})

    assert plain.verdict == "pass" and plain.evidence["grade"] <= 10
    assert dense.verdict == "fail" and dense.evidence["grade"] > 10
    assert "above grade 10" in dense.reason and "Notwithstanding" in dense.evidence["hardest"][0]["sentence"]


def test_the_agency_sets_its_own_grade_limit():
    grade = clause_1_1(URL, {"url": POLICY, "text": MIDDLING}, {}).evidence["grade"]

    strict = clause_1_1(URL, {"url": POLICY, "text": MIDDLING}, {"readability_max_grade": grade - 1})
    lenient = clause_1_1(URL, {"url": POLICY, "text": MIDDLING}, {"readability_max_grade": grade + 1})
    assert strict.verdict == "fail" and lenient.verdict == "pass"
    assert strict.evidence["max_grade"] == grade - 1


def test_no_policy_link_or_no_text_fails_saying_so():
    assert "No privacy policy link" in clause_1_1(URL, {"url": None, "text": ""}, {}).reason
    assert "too little text" in clause_1_1(URL, {"url": POLICY, "text": "Privacy. Home."}, {}).reason


def test_the_privacy_link_of_the_notice_comes_first():
    notice = [{"href": "https://www.agency.mass.gov/cookies-policy", "text": "Privacy policy"}]
    page = [{"href": "https://www.agency.mass.gov/privacy", "text": "Privacy"}]
    assert privacy_link(notice, page) == "https://www.agency.mass.gov/cookies-policy"
    assert privacy_link([], page) == "https://www.agency.mass.gov/privacy"
    assert privacy_link([], [{"href": "https://www.agency.mass.gov/about", "text": "About"}]) is None


def test_agency_field_reaches_qa_through_the_notice(client, agencies_dir):
    document = client.get("/v1/demo/notice").get_json()
    assert "readability_max_grade" in document and document["readability_max_grade"] is None


def test_without_declaration_every_outside_site_is_a_party_and_the_default_domains_apply():
    page = {"url": URL, "before": {"record": {"events": [
        {"kind": "request", "url": "https://cdn.agency.mass.gov/site.js", "time": 1},
        {"kind": "request", "url": "https://stats.metrics.example/a.js", "time": 2},
        {"kind": "set-cookie", "url": "https://ads.adnet.example/p", "time": 3,
         "headers": ["IDE=1; Max-Age=86400; SameSite=None; Secure"]},
    ], "cookies": []}}, "after_record": {"events": [], "cookies": []}}

    parties = outside_parties(page)
    assert [p["id"] for p in parties] == ["adnet.example", "metrics.example"]
    assert parties[1]["requests"] == ["https://stats.metrics.example/"]
    assert parties[0]["cookies"] == [{"name": "IDE", "domain": "ads.adnet.example"}]
    assert all(p["contracted"] is False for p in parties)
    assert base_notice(URL, None)["commonwealth_domains"] == ["mass.gov", "state.ma.us"]


def test_an_agency_file_sets_the_grade_limit_qa_reads_from_the_notice():
    text = (Path(__file__).resolve().parent / "fixtures" / "agencies" / "fx.toml").read_text()
    text = text.replace("__PORT__", "8000")

    def with_limit(grade):
        return text.replace('mode = "opt-out"', f'mode = "opt-out"\nreadability_max_grade = {grade}')

    assert notice_document(load_agency_text(with_limit(12), "fx.toml"), "en")["readability_max_grade"] == 12.0
    with pytest.raises(AgencyConfigError, match="readability_max_grade"):
        load_agency_text(with_limit(40), "fx.toml")
