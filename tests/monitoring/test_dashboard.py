"""The dashboard on SQLite and PostgreSQL: the matrix in words and colour, filters, an agency's history chart,
a run's full report and screenshots, the JSON twins, and who sees what (an agency-limited iso: only theirs)."""

import pytest
from bs4 import BeautifulSoup
from dashboard_world import FAIL_REASON
from dashboard_world import PNG
import dashboard_world
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401

# The module's fixture: the monitored world, one per database (sqlite, postgresql) for the whole module.
world = dashboard_world.world
HTML = {"Accept": "text/html"}



def matrix_rows(response):
    """{agency name: {column: verdict words}} and each cell's colour class, as the table shows them."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    table = page.find("table", class_="matrix")
    columns = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows, classes = {}, {}
    for tr in table.tbody.find_all("tr"):
        name = tr.th.a.get_text(strip=True)
        cells = tr.find_all("td")
        rows[name] = dict(zip(columns[1:], [cell.get_text(" ", strip=True) for cell in cells], strict=True))
        classes[name] = {column: (cell.find("span", class_="verdict") or {}).get("class", [None])[-1]
                         for column, cell in zip(columns[1:], cells, strict=True)}
    return rows, classes


def test_the_matrix_shows_each_agency_s_newest_verdicts_in_words_and_colour(world):
    rows, classes = matrix_rows(world.get("/console/", **HTML))
    assert set(rows) == {"Office of Elder Affairs", "Department of Public Health", "Department of Fish and Game",
                         "Board of Library Commissioners"}
    assert rows["Office of Elder Affairs"]["2.2"] == "Fail"
    assert classes["Office of Elder Affairs"]["2.2"] == "verdict-fail"
    assert rows["Department of Public Health"]["2.2"] == "Pass"
    assert classes["Department of Public Health"]["2.2"] == "verdict-pass"
    assert rows["Department of Fish and Game"]["2.1"] == "Waived"
    assert rows["Board of Library Commissioners"]["Last checked"] == "never"
    assert rows["Board of Library Commissioners"]["2.2"] == "Not checked"


def test_the_dashboard_lists_the_waivers_in_force(world):
    page = BeautifulSoup(world.get("/console/", **HTML).get_data(as_text=True), "html.parser")
    waivers = page.find("caption", string="Waivers in force today").find_parent("table")
    assert f"Waiver {world.waiver_id}" in waivers.get_text() and "_fg_visits" in waivers.get_text()


@pytest.mark.parametrize(("query", "agencies", "columns"), [
    ("secretariat=EOHHS", {"Office of Elder Affairs", "Department of Public Health"}, None),
    ("secretariat=EEA", {"Department of Fish and Game"}, None),
    ("clause=2.2", None, ["Agency", "Last checked", "2.2"]),
    ("failing=1", {"Office of Elder Affairs"}, None),
    ("secretariat=EOHHS&clause=1.3.2&failing=1", set(), None),
])
def test_filters_by_secretariat_clause_and_failing_only(world, query, agencies, columns):
    response = world.get(f"/console/?{query}", **HTML)
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    table = page.find("table", class_="matrix")
    shown = {tr.th.a.get_text(strip=True) for tr in table.tbody.find_all("tr")} if table else set()
    if agencies is not None:
        assert shown == agencies
    if columns is not None:
        assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == columns


@pytest.mark.parametrize(("query", "named"), [("secretariat=EOTSS", "secretariat: 'EOTSS'"),
                                              ("clause=9.9", "clause: '9.9'"), ("failing=yes", "failing: 'yes'")])
def test_an_unknown_filter_value_is_a_422_naming_it(world, query, named):
    page = world.get(f"/console/?{query}", **HTML)
    assert page.status_code == 422
    assert named in BeautifulSoup(page.get_data(as_text=True), "html.parser").find(role="alert").get_text()
    api = world.get(f"/console/api/agencies?{query}")
    assert api.status_code == 422 and named in api.get_json()["error"]["message"]


def test_the_agency_page_charts_each_clause_over_time_and_lists_runs(world):
    response = world.get("/console/agencies/hhs-a", **HTML)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    svg = page.find("svg")
    assert svg["role"] == "img" and "Office of Elder Affairs" in svg.title.get_text()
    bands = [text.get_text() for text in svg.find_all("text") if text.get_text()[:1].isdigit()
             or text.get_text().startswith("equal")]
    assert "2.2 Cookie lifetime at most 2 years" in bands
    bar_titles = [title.get_text() for title in svg.find_all("title")[1:]]
    # The newest run failed 2.2: the band's last bar says so in words, with its dates.
    assert any(title.startswith("2.2: Fail from") for title in bar_titles)
    runs = page.find("caption", string=lambda text: text and "in the last year" in text)
    assert runs.get_text(strip=True).startswith("41 runs")
    newest = runs.find_parent("table").tbody.tr
    assert newest.th.a["href"] == f"/console/runs/{world.runs['hhs-a']}" and "2.2" in newest.get_text()


def test_the_run_page_has_the_full_report_with_evidence_and_screenshots(world):
    run_id = world.runs["hhs-a"]
    page = BeautifulSoup(world.get(f"/console/runs/{run_id}", **HTML).get_data(as_text=True), "html.parser")
    assert page.h1.get_text() == f"Run {run_id} of Office of Elder Affairs"
    report = page.find("section", class_="page-report")
    assert report.h2.get_text() == "https://hhs-a.example/"
    assert FAIL_REASON in report.get_text() and '"expiry_days": 1095' in report.pre.get_text()
    image = report.find("img")
    assert "as a new visitor sees it" in image["alt"]
    shot = world.get(image["src"])
    assert shot.status_code == 200 and shot.mimetype == "image/png" and shot.data == PNG


def test_the_json_twins_answer_what_the_pages_show(world):
    matrix = world.get("/console/api/agencies").get_json()
    rows = {row["id"]: row for row in matrix["agencies"]}
    assert rows["hhs-a"]["verdicts"]["2.2"] == "fail" and rows["hhs-a"]["secretariat"] == "EOHHS"
    assert rows["plain-d"]["latest_run"] is None and "2.2" in matrix["clauses"]
    runs = world.get("/console/api/agencies/hhs-a/runs?days=7").get_json()["runs"]
    # Six daily runs (the seeded history ends a day and an hour ago) and the newest, newest first.
    assert runs[0]["id"] == world.runs["hhs-a"] and len(runs) == 7
    assert [run["started_at"] for run in runs] == sorted((run["started_at"] for run in runs), reverse=True)
    report = world.get(f"/console/api/runs/{world.runs['hhs-a']}").get_json()
    finding = next(item for item in report["pages"][0]["findings"] if item["clause"] == "2.2")
    assert finding == {"clause": "2.2", "verdict": "fail", "reason": FAIL_REASON, "waiver": None,
                       "evidence": {"cookies": [{"name": "_fx_long", "expiry_days": 1095}]}}
    assert report["pages"][0]["screenshots"][0]["label"] == "fresh"
    assert world.get("/console/api/agencies/hhs-a/runs?days=0").status_code == 422


def test_the_json_twins_are_in_openapi(world):
    paths = world.client.get("/openapi.json").get_json()["paths"]
    assert {"/console/api/agencies", "/console/api/agencies/{agency_id}/runs",
            "/console/api/runs/{run_id}"} <= set(paths)
    assert "422" in paths["/console/api/agencies"]["get"]["responses"]


def test_an_iso_limited_to_one_agency_sees_only_it(world):
    rows, _classes = matrix_rows(world.get("/console/", who="ivy", **HTML))
    assert set(rows) == {"Office of Elder Affairs"}
    assert [row["id"] for row in world.get("/console/api/agencies", who="ivy").get_json()["agencies"]] == ["hhs-a"]
    other_run = world.runs["eea-c"]
    for path in ("/console/agencies/eea-c", f"/console/runs/{other_run}", "/console/api/agencies/eea-c/runs",
                 f"/console/api/runs/{other_run}", "/console/agencies/eea-c/statement",
                 "/console/agencies/eea-c/statement.pdf"):
        assert world.get(path, who="ivy").status_code == 404, path
    shot = BeautifulSoup(world.get(f"/console/runs/{other_run}", **HTML).get_data(as_text=True),
                         "html.parser").find("img")["src"]
    assert world.get(shot, who="ivy").status_code == 404
    assert world.get("/console/agencies/hhs-a", who="ivy").status_code == 200


def test_no_credentials_no_dashboard(world):
    assert world.client.get("/console/api/agencies").status_code == 401
    assert world.client.get(f"/console/api/runs/{world.runs['hhs-a']}").status_code == 401
    browser = world.client.get("/console/agencies/hhs-a", headers=HTML)
    assert browser.status_code == 302 and "/console/login" in browser.headers["Location"]
    assert world.get("/console/runs/999999", **HTML).status_code == 404
    assert world.get("/console/api/runs/not-a-number").status_code == 404


@pytest.mark.parametrize("path", ["/console/runs/99999999999", "/console/api/runs/99999999999",
                                  "/console/screenshots/99999999999", "/console/agencies/a%00b",
                                  "/console/api/agencies/a%00b/runs", "/console/agencies/a%00b/statement",
                                  "/console/runs/-1", "/console/agencies/NOPE"])
def test_ids_the_database_cannot_hold_are_404_not_500(world, path):
    assert world.get(path).status_code == 404
