"""The clause catalogue is the one list of the policy's clauses: every part reads it, none keeps its own."""

import ast
import os
import re
from pathlib import Path

import pytest

from server.core import clauses

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUE_FILE = ROOT / "server" / "core" / "clauses.py"
# What the console, the statement and the reports show: changing a title changes pages people compare.
TITLES = {
    "1.1": "Privacy policy readable",
    "1.3.1": "Third-party cookies declared",
    "1.3.2": "Notice visible",
    "1.3.3": "Opt-out works",
    "1.3.3-gpc": "Global Privacy Control honoured",
    "equal-access": "Same content after opting out",
    "2.1": "No persistent cookies on Commonwealth domains",
    "2.2": "Cookie lifetime at most 2 years",
    "2.5": "No permanent outside cookies",
}
WAIVER_LABELS = [
    ("2.1", "2.1 Persistent cookies only on Commonwealth domains"),
    ("2.2", "2.2 Persistent cookies expire within about two years"),
    ("2.5", "2.5 No permanent cookies from outside parties without a contract"),
]


def test_titles_order_and_waivable_clauses_are_the_policy_s():
    assert clauses.CLAUSE_NAMES == TITLES
    assert list(clauses.CLAUSE_ORDER) == list(TITLES)
    assert clauses.WAIVABLE == ("2.1", "2.2", "2.5")
    assert list(clauses.WAIVER_CHOICES) == WAIVER_LABELS
    assert clauses.QA_ORDER == ("1.3.2", "1.3.3", "equal-access", "1.3.1", "2.1", "2.2", "2.5")
    assert clauses.BANNER_CLAUSES == ("1.3.2", "1.3.3", "equal-access")


def test_the_gpc_variant_is_a_clause_of_the_catalogue():
    assert clauses.stored_clause("1.3.3", clauses.GPC_VARIANT) == "1.3.3-gpc"
    assert clauses.BY_ID["1.3.3-gpc"].variant_of == "1.3.3"
    assert clauses.stored_clause("1.3.3") == "1.3.3"
    assert clauses.clause_title("1.3.3-gpc") == "1.3.3-gpc Global Privacy Control honoured"
    assert clauses.clause_title("9.9") == "9.9"


def test_a_newer_clause_is_shown_after_the_known_ones():
    assert clauses.ordered_clauses({"2.5", "zz", "1.1", "aa"}) == ["1.1", "2.5", "aa", "zz"]


def test_the_waiver_form_qa_monitoring_and_the_dashboard_read_the_catalogue_itself():
    from extension import waivers as qa_waivers
    from extension.clauses import CLAUSES as QA_CLAUSES
    from extension.clauses.findings import Finding
    from extension.discover import judge
    from monitoring import record
    from server.dashboard import chart
    from server.dashboard import coverage
    from server.dashboard import filters
    from server.dashboard import pages
    from server.waivers import forms
    from server.waivers import rules

    assert forms.WaiverRequestForm.clauses.kwargs["choices"] is clauses.WAIVER_CHOICES
    assert rules.CLAUSES is clauses.WAIVABLE
    assert qa_waivers.WAIVABLE is clauses.WAIVABLE
    assert QA_CLAUSES is clauses.QA_ORDER
    assert judge.BANNER_CLAUSES is clauses.BANNER_CLAUSES
    assert pages.CLAUSE_NAMES is clauses.CLAUSE_NAMES
    assert chart.CLAUSE_NAMES is clauses.CLAUSE_NAMES
    assert filters.CLAUSE_NAMES is clauses.CLAUSE_NAMES
    assert coverage.CLAUSE_ORDER is clauses.CLAUSE_ORDER
    assert pages.clause_title is clauses.clause_title
    gpc = Finding("https://agency.example/", "1.3.3", "pass", "GPC honoured.", {}, variant=clauses.GPC_VARIANT)
    assert record.clause_key(gpc) == "1.3.3-gpc"


def test_the_dashboard_s_api_lists_the_catalogue_s_clauses():
    from server.dashboard import schemas

    text = Path(schemas.__file__).read_text(encoding="utf-8")
    assert "list(CLAUSE_NAMES)" in text and schemas.CLAUSE_NAMES is clauses.CLAUSE_NAMES


def _sources():
    for package in ("server", "extension", "monitoring", "consent_banner"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != CATALOGUE_FILE and "migrations" not in path.parts:
                yield path


def lists_of_clause_ids(path: Path) -> list:
    """Literal tuples, lists, sets and dict keys naming two or more clauses: a second catalogue in the making."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)) or not items:
            continue
        named = [item.value for item in items if isinstance(item, ast.Constant) and item.value in clauses.BY_ID]
        if len(named) >= 2:
            found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} {named}")
    return found


def test_no_other_module_lists_clauses():
    assert [line for path in _sources() for line in lists_of_clause_ids(path)] == []


def test_the_list_finder_finds_a_second_catalogue(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text('WAIVABLE = ("2.1", "2.2", "2.5")\nNAMES = {"1.1": "x", "2.5": "y"}\nONE = ["2.1", "other"]\n')
    found = [line.split(" ", 1)[1] for line in lists_of_clause_ids(path)]
    assert found == ["['2.1', '2.2', '2.5']", "['1.1', '2.5']"]


@pytest.mark.parametrize("path", sorted((ROOT / "extension" / "clauses").glob("*.py")), ids=lambda p: p.name)
def test_every_clause_qa_judges_is_in_the_catalogue(path):
    # finding(url, "2.5", ...) in each clause module: a clause QA reports must be one the console can title.
    named = re.findall(r'finding\(\s*\w+,\s*"([^"]+)"', path.read_text(encoding="utf-8"))
    assert set(named) <= set(clauses.BY_ID), named
