"""Statement periods and "today" are Commonwealth days (America/New_York), not UTC days (issue 19.12).

A check at 02:30 UTC on 10 March 2026 ran at 22:30 on 9 March in Boston: it belongs to the statement of 9 March.
"""

from datetime import UTC
from datetime import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from dashboard_world import add_latest_run
from dashboard_world import database_for
from dashboard_world import make_app
from dashboard_world import write_agencies
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401

from server.auth import accounts
from server.db.session import session_for

# 22:30 in Boston (daylight time began on 8 March), already the next day in UTC.
LATE_EVENING = datetime(2026, 3, 10, 2, 30)
PASSING = {"1.3.2": "pass", "1.3.3": "pass", "2.1": "pass", "2.2": "pass"}
URL = "https://hhs-b.example/"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def late_check(request, tmp_path_factory):
    """An agency whose only check ran late on a Boston evening; a bearer token to read its statements."""
    folder = tmp_path_factory.mktemp("statement-days")
    app = make_app(write_agencies(folder), database_for(request, folder))
    with session_for(app) as db:
        add_latest_run(db, "hhs-b", PASSING, LATE_EVENING)
        token = accounts.create_token(db, accounts.add_user(db, "audrey", ("auditor",), (), None))[1]
        db.commit()
    client = app.test_client()

    def read(query):
        response = client.get(f"/console/agencies/hhs-b/statement?{query}",
                              headers={"Authorization": f"Bearer {token}", "Accept": "text/html"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    yield read
    app.extensions["database"].kw["bind"].dispose()


def _facts(page):
    return page.find("dl").get_text(" ", strip=True)


def test_a_late_evening_check_counts_on_its_boston_day(late_check):
    page = late_check("from=2026-03-09&to=2026-03-09")
    assert "Checks in the period 1" in _facts(page)
    assert URL in page.find("h2", string="Pages checked").find_next("table").get_text(" ", strip=True)
    verdicts = page.find("h2", string="Each clause's verdicts").find_next("table")
    assert [row.get_text(" ", strip=True) for row in verdicts.tbody.find_all("tr")][0].endswith(
        "2026-03-09 2026-03-09 1")
    assert "Commonwealth days" in _facts(page)


def test_the_next_boston_day_has_no_check(late_check):
    page = late_check("from=2026-03-10&to=2026-03-10")
    assert "Checks in the period 0" in _facts(page)
    assert "No page was checked in this period." in page.get_text(" ", strip=True)


def test_today_is_the_boston_day_and_days_not_checked_are_boston_days(late_check):
    # 03:00 UTC on 10 March: still 9 March in Boston, so the default period ends on the 9th and the 9th was checked.
    with time_machine.travel(datetime(2026, 3, 10, 3, 0, tzinfo=UTC), tick=False):
        page = late_check("from=2026-03-07")
    assert "2026-03-07 to 2026-03-09" in _facts(page)
    text = " ".join(page.get_text(" ", strip=True).split())
    assert "Days on which no page was checked: 2026-03-07 to 2026-03-08." in text, text[text.find("Not checked"):][:400]
