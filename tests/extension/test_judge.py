"""Naming a recognised consent platform makes new findings and leaves the clause functions' ones as they were."""

from extension.clauses.findings import Finding
from extension.discover.judge import name_platform

URL = "https://www.mass.gov/"
PLATFORM = {"name": "OneTrust", "by": "autoconsent"}


def passing(clause, **extra):
    """A passing finding with evidence of its own."""
    return Finding(URL, clause, "pass", "Fine.", {"seen": True}, **extra)


def test_the_banner_clauses_name_the_platform_and_the_input_is_untouched():
    given = [passing("1.3.2"), passing("2.2"), passing("1.3.3", variant="gpc")]

    named = name_platform(given, PLATFORM)

    assert [f.reason for f in named] == ["Fine. Consent platform: OneTrust (recognised by autoconsent).", "Fine.",
                                         "Fine."]
    assert all(f.evidence == {"seen": True, "platform": {"name": "OneTrust", "by": "autoconsent"}} for f in named)
    assert all(f.evidence == {"seen": True} for f in given)


def test_a_platform_asking_again_fails_the_opt_out_but_not_its_gpc_variant():
    opt_out, gpc = name_platform([passing("1.3.3"), passing("1.3.3", variant="gpc")], PLATFORM, "OneTrust")

    assert opt_out.verdict == "fail" and opt_out.reason.startswith("Opt-out not effective: the choice does not hold")
    assert list(opt_out.evidence) == ["seen", "platform", "asked_again"]
    assert gpc.verdict == "pass" and "asked_again" not in gpc.evidence


def test_without_a_platform_the_findings_are_returned_as_they_are():
    given = [passing("1.3.2")]

    assert name_platform(given, None) is given
