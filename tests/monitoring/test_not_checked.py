"""'Not checked' is never 'Pass' (issue 25.2), on SQLite and PostgreSQL: a run that could not check its pages
shows "Not checked" on the matrix, the agency page and its chart, the run page and the JSON twins; the
statement (page and PDF) names the pages and days not checked, and the signing form warns before signing."""

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
import dashboard_world
from dashboard_world import NOW
from dashboard_world import World
from dashboard_world import add_latest_run
from dashboard_world import database_for
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401
from pypdf import PdfReader
from test_dashboard import matrix_rows

from server.auth import accounts
from server.db.clock import today as commonwealth_today
from server.db.session import session_for
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun

HTML = {"Accept": "text/html"}
# The statement's days are the Commonwealth's: from 19:00 or 20:00 in Boston, UTC's date is already tomorrow.
TODAY = commonwealth_today()
DOWN = "plain-d"  # Board of Library Commissioners: its site is down, every page's check failed
DOWN_NAME = "Board of Library Commissioners"
PARTLY = "hhs-b"  # Department of Public Health: its newest run checked one page of two, which passed
DOWN_DAYS = (3, 0)  # days ago of plain-d's two runs, both checking nothing


def add_run_checking_nothing(db, agency_id, when):
    """A finished run whose two pages could not be checked (the site did not answer)."""
    pages = [MonitoredPage(url=f"https://{agency_id}.example{path}", state="failed", attempts=3, checked_at=when,
                           error="net::ERR_CONNECTION_REFUSED") for path in ("/", "/services")]
    run = MonitoringRun(key=f"test:{agency_id}:down:{when.isoformat()}", agency_id=agency_id, trigger="schedule",
                        state="done", started_at=when, finished_at=when + timedelta(minutes=1), pages_total=2,
                        pages_failed=2, verdicts={}, browser="local", pages=pages)
    db.add(run)
    db.flush()
    return run


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """The dashboard world plus an agency whose site is down and one whose newest run checked half its pages."""
    folder = tmp_path_factory.mktemp("not-checked")
    made = World(folder, database_for(request, folder))
    with session_for(made.app) as db:
        made.down_runs = [add_run_checking_nothing(db, DOWN, NOW - timedelta(days=ago, minutes=5)).id
                          for ago in DOWN_DAYS]
        partly = add_latest_run(db, PARTLY, dashboard_world.LATEST[PARTLY], NOW + timedelta(minutes=1))
        partly.pages.append(MonitoredPage(url=f"https://{PARTLY}.example/services", state="failed", attempts=3,
                                          checked_at=NOW, error="timed out after 60 s"))
        partly.pages_total, partly.pages_failed = 2, 1
        made.partly_run = partly.id
        # An ISO who sees only the agency whose site is down: their dashboard holds nothing but that.
        made.tokens["dora"] = accounts.create_token(db, accounts.add_user(db, "dora", ("iso",), (DOWN,)))[1]
        db.commit()
    yield made
    made.close()


def read(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_matrix_shows_not_checked_for_a_run_that_checked_nothing_or_half(world):
    rows, classes = matrix_rows(world.get("/console/", **HTML))
    down = rows[DOWN_NAME]
    assert "no page could be checked" in down["Last checked"]
    assert {down[clause] for clause in ("1.3.2", "2.1", "2.2", "2.5")} == {"Not checked"}
    assert classes[DOWN_NAME]["2.1"] == "verdict-not-checked"
    # Half the pages checked: a pass vouches for only one page, so it is not shown as a pass.
    assert rows["Department of Public Health"]["2.2"] == "Not checked"
    assert "some pages not checked" in rows["Department of Public Health"]["Last checked"]
    assert rows["Office of Elder Affairs"]["2.2"] == "Fail"
    page = read(world.get("/console/", **HTML))
    assert "No agency has been checked yet" not in page.get_text()


def test_a_dashboard_of_only_an_agency_never_checked_says_not_checked_not_no_agency_checked(world):
    response = world.get("/console/", who="dora", **HTML)
    rows, _classes = matrix_rows(response)
    assert list(rows) == [DOWN_NAME]
    assert rows[DOWN_NAME]["2.2"] == "Not checked" and "no page could be checked" in rows[DOWN_NAME]["Last checked"]
    assert "No agency has been checked yet" not in read(response).get_text()


def test_the_agency_page_and_its_chart_never_show_a_pass_for_a_run_that_checked_nothing(world):
    page = read(world.get(f"/console/agencies/{DOWN}", **HTML))
    rows = [tr.get_text(" ", strip=True) for tr in page.find("h2", string="Runs").find_next("table").tbody("tr")]
    assert len(rows) == 2 and all("2 (2 not checked)" in row and "Not checked no page could be checked" in row
                                  for row in rows), rows
    assert not page.find("span", class_="verdict-pass")
    chart = page.find("figure", class_="chart")
    bars = [title.get_text() for title in chart.svg.find_all("title") if ": " in title.get_text()]
    assert bars and all("Not checked" in bar for bar in bars), bars
    assert "Not checked (crossed grey)" in chart.figcaption.get_text(" ", strip=True)
    partly = read(world.get(f"/console/agencies/{PARTLY}", **HTML))
    newest = partly.find("h2", string="Runs").find_next("table").tbody.tr.get_text(" ", strip=True)
    assert "2 (1 not checked)" in newest and "Not checked none failing on the pages checked" in newest


def test_the_run_page_says_no_page_was_checked_and_shows_no_pass(world):
    page = read(world.get(f"/console/runs/{world.down_runs[-1]}", **HTML))
    assert "No page could be checked in this run: no clause is shown as passing." in page.get_text(" ", strip=True)
    verdicts = {tr.th.get_text(strip=True): tr.td.get_text(strip=True)
                for tr in page.find("caption", string="Worst verdict of each clause over the run's pages")
                .find_parent("table").tbody("tr")}
    assert verdicts["2.1 No persistent cookies on Commonwealth domains"] == "Not checked"
    assert set(verdicts.values()) == {"Not checked"}
    partly = read(world.get(f"/console/runs/{world.partly_run}", **HTML)).get_text(" ", strip=True)
    assert "1 of 2 pages could not be checked" in partly


def test_the_json_twins_say_not_checked(world):
    agencies = {row["id"]: row for row in world.get("/console/api/agencies").get_json()["agencies"]}
    assert set(agencies[DOWN]["verdicts"].values()) == {"not-checked"}
    assert agencies[DOWN]["latest_run"]["checked"] == "none"
    assert agencies[PARTLY]["verdicts"]["2.2"] == "not-checked"
    assert agencies[PARTLY]["latest_run"]["checked"] == "partly"
    assert agencies["hhs-a"]["latest_run"]["checked"] == "all" and agencies["hhs-a"]["verdicts"]["2.2"] == "fail"
    runs = world.get(f"/console/api/agencies/{DOWN}/runs").get_json()["runs"]
    assert [set(run["verdicts"].values()) for run in runs] == [{"not-checked"}] * 2
    run = world.get(f"/console/api/runs/{world.down_runs[0]}").get_json()
    assert run["checked"] == "none" and "pass" not in run["verdicts"].values()
    assert [page["state"] for page in run["pages"]] == ["failed", "failed"]


def statement_query():
    start = TODAY - timedelta(days=4)
    return f"from={start.isoformat()}&to={TODAY.isoformat()}"


def test_the_statement_lists_the_pages_and_days_not_checked_and_claims_no_compliance(world):
    page = read(world.get(f"/console/agencies/{DOWN}/statement?{statement_query()}", who="audrey", **HTML))
    text = " ".join(page.get_text(" ", strip=True).split())
    assert "This statement cannot vouch for the pages and days below" in text
    not_checked = page.find("caption", string="Pages a check could not check").find_parent("table")
    assert [tr.th.get_text(strip=True) for tr in not_checked.tbody("tr")] == [
        f"https://{DOWN}.example/", f"https://{DOWN}.example/services"]
    assert [tr("td")[0].get_text(strip=True) for tr in not_checked.tbody("tr")] == ["2", "2"]
    # Five days, none of them with a page checked (the runs of 3 days ago and today checked nothing).
    start = TODAY - timedelta(days=4)
    assert f"Days on which no page was checked: {start.isoformat()} to {TODAY.isoformat()}." in text
    assert "found no failing clause" not in text
    assert "Unknown: the last check of the period could not check any page." in text
    assert not page.find("span", class_="verdict-pass")
    pdf = world.get(f"/console/agencies/{DOWN}/statement.pdf?{statement_query()}")
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert f"https://{DOWN}.example/services" in pdf_text
    assert f"Days on which no page was checked: {start.isoformat()} to {TODAY.isoformat()}." in pdf_text
    assert "Unknown: the last check of the period could not check any page." in pdf_text
    assert "found no failing clause" not in pdf_text


def test_a_statement_with_a_checked_day_names_only_the_days_not_checked(world):
    # hhs-b: seeded daily runs up to an hour ago, then today's half-checked run.
    page = read(world.get(f"/console/agencies/{PARTLY}/statement?{statement_query()}", who="audrey", **HTML))
    text = " ".join(page.get_text(" ", strip=True).split())
    assert "Days on which no page was checked" not in text
    assert f"https://{PARTLY}.example/services" in page.find(
        "caption", string="Pages a check could not check").find_parent("table").get_text()
    assert "could not check every page" in text


def test_the_signing_form_warns_before_an_iso_signs_a_statement_with_gaps(world):
    page = read(world.get(f"/console/agencies/hhs-a/statement?{statement_query()}", who="ivy", **HTML))
    form = page.find("form", action="/console/statements/sign")
    assert form is not None and form.find(id="gaps-warning") is None  # hhs-a: every page checked every day
    with session_for(world.app) as db:
        add_run_checking_nothing(db, "hhs-a", NOW - timedelta(days=1, minutes=30))
        db.commit()
    page = read(world.get(f"/console/agencies/hhs-a/statement?{statement_query()}", who="ivy", **HTML))
    warning = page.find("form", action="/console/statements/sign").find(id="gaps-warning")
    assert warning is not None
    words = " ".join(warning.get_text(" ", strip=True).split())
    assert words.startswith("Warning: this statement has gaps. 2 pages could not be checked at least once.")
    # The warning comes before the button that signs.
    form_html = str(page.find("form", action="/console/statements/sign"))
    assert form_html.index("gaps-warning") < form_html.index('type="submit"')
