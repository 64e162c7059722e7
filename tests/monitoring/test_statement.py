"""Statements of compliance on SQLite and PostgreSQL: the page for print, the PDF's text, the ISO's signature
kept with the digest of what was signed, and refusals (bad period, wrong role, other agency, stale digest)."""

import io
from datetime import date
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from dashboard_world import FAIL_REASON
from dashboard_world import NOW
from dashboard_world import add_latest_run
import dashboard_world
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401
from pypdf import PdfReader
from sqlalchemy import select

from server.db.session import session_for
from server.db.clock import commonwealth_day
from server.statements.models import StatementSignature

# The module's fixture: the monitored world, one per database (sqlite, postgresql) for the whole module.
world = dashboard_world.world
HTML = {"Accept": "text/html"}
TODAY = NOW.date()



def period(days, end=TODAY):
    return f"from={(end - timedelta(days=days - 1)).isoformat()}&to={end.isoformat()}"


def read(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def section(page, heading):
    """The elements after an h2 up to the next h2, as text."""
    start = page.find("h2", string=heading)
    parts = []
    for sibling in start.find_next_siblings():
        if sibling.name == "h2" or sibling.name == "section":
            break
        parts.append(sibling.get_text(" ", strip=True))
    return " ".join(parts)


def test_the_statement_gives_period_pages_verdicts_with_dates_failures_and_a_place_to_sign(world):
    page = read(world.get(f"/console/agencies/hhs-a/statement?{period(10)}", **HTML))
    assert page.h1.get_text() == "Statement of compliance: Office of Elder Affairs"
    facts = page.find("dl").get_text(" ", strip=True)
    assert f"{(TODAY - timedelta(days=9)).isoformat()} to {TODAY.isoformat()}" in facts and "EOHHS" in facts
    pages = section(page, "Pages checked")
    assert "https://hhs-a.example/page-0" in pages and "https://hhs-a.example/ 1" in pages
    verdicts = page.find("h2", string="Each clause's verdicts").find_next("table")
    rows = [row.get_text(" ", strip=True) for row in verdicts.tbody.find_all("tr")]
    newest = commonwealth_day(NOW).isoformat()  # the statement counts Commonwealth days
    assert any(row.endswith(f"Fail {newest} {newest} 1") for row in rows), rows
    assert FAIL_REASON in section(page, "Open failures")
    signature = page.find("section", class_="signature").get_text(" ", strip=True)
    assert "Not signed yet" in signature and "Signature" in signature and "sha256" in signature


def test_waivers_in_force_in_the_period_are_named(world):
    page = read(world.get(f"/console/agencies/eea-c/statement?{period(30)}", **HTML))
    assert f"Waiver {world.waiver_id}" in section(page, "Waivers in force")
    assert section(page, "Open failures").startswith("None")


def test_the_pdf_says_the_same_and_opens_with_a_bearer_token(world):
    response = world.get(f"/console/agencies/hhs-a/statement.pdf?{period(10)}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"statement-hhs-a-{(TODAY - timedelta(days=9)).isoformat()}" in response.headers["Content-Disposition"]
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Statement of compliance: Office of Elder Affairs", "Pages checked", "Each clause's verdicts",
                     "Open failures", FAIL_REASON, "Signature of the agency's Information Security Officer",
                     f"{(TODAY - timedelta(days=9)).isoformat()} to {TODAY.isoformat()}", "Not signed yet"):
        assert expected in text, expected


def _sign_form_for(world, who, agency_id, query):
    form = read(world.get(f"/console/agencies/{agency_id}/statement?{query}", who=who, **HTML)).find(
        "form", action="/console/statements/sign")
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


def test_the_iso_signs_and_the_signature_is_kept_with_what_was_signed(world):
    query = period(7)
    fields = _sign_form_for(world, "ivy", "hhs-a", query)
    signed = world.post("/console/statements/sign", "ivy",
                        {**fields, "title": "Information Security Officer", "notes": "Reviewed with the web team."})
    assert signed.status_code == 303
    assert signed.headers["Location"].endswith(f"/console/agencies/hhs-a/statement?{query}")
    page = read(world.get(f"/console/agencies/hhs-a/statement?{query}", **HTML))
    signature = page.find("section", class_="signature").get_text(" ", strip=True)
    assert "Signed by ivy , Information Security Officer" in signature and "earlier version" not in signature
    with session_for(world.app) as db:
        kept = db.scalars(select(StatementSignature).where(StatementSignature.agency_id == "hhs-a")).all()
    assert [(row.signer.name, row.digest, row.period_to) for row in kept] == [("ivy", fields["digest"], TODAY)]
    pdf = world.get(f"/console/agencies/hhs-a/statement.pdf?{query}")
    assert "Signed by ivy" in " ".join(PdfReader(io.BytesIO(pdf.data)).pages[-1].extract_text().split())


def test_only_an_iso_of_the_agency_signs_what_is_shown_now(world):
    fields = _sign_form_for(world, "ivy", "hhs-a", period(5))
    assert world.post("/console/statements/sign", "audrey", fields).status_code == 403
    assert world.post("/console/statements/sign", "eve", fields).status_code == 404
    stale = world.post("/console/statements/sign", "ivy", {**fields, "digest": "0" * 64})
    assert stale.status_code == 409 and "changed" in read(stale).find(role="alert").get_text()
    assert read(world.get(f"/console/agencies/hhs-a/statement?{period(5)}", who="audrey", **HTML)).find(
        "form", action="/console/statements/sign") is None


@pytest.mark.parametrize(("query", "named"), [
    ("from=2026-02-30", "from: '2026-02-30'"), ("to=yesterday", "to: 'yesterday'"),
    ("from=2026-05-02&to=2026-05-01", "from: '2026-05-02' is after to"),
    ("from=2000-01-01&to=2026-01-01", "more than 3660 days")])
def test_a_bad_period_is_a_422_naming_it(world, query, named):
    response = world.get(f"/console/agencies/hhs-a/statement?{query}", **HTML)
    assert response.status_code == 422 and named in read(response).find(role="alert").get_text()


def test_a_signature_of_history_that_changed_afterwards_says_so(world):
    end = TODAY - timedelta(days=3)
    query = period(5, end)
    fields = {**_sign_form_for(world, "eve", "eea-c", query), "title": "ISO"}
    assert world.post("/console/statements/sign", "eve", fields).status_code == 303
    with session_for(world.app) as db:
        add_latest_run(db, "eea-c", {"2.2": "fail"}, NOW - timedelta(days=4))
        db.commit()
    signature = read(world.get(f"/console/agencies/eea-c/statement?{query}", **HTML)).find("section",
                                                                                         class_="signature")
    assert "signed an earlier version" in signature.get_text()
    assert date.fromisoformat(fields["period_to"]) == end

