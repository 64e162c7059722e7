"""Issue 19.8: bad input is a 4xx naming the field, never a 500, on SQLite and PostgreSQL."""

import datetime

import pytest
from console_support import waiver_body
from waiver_desk import STAFF
from waiver_desk import Desk
from waiver_desk import on_day

FILED_ON = datetime.date(2027, 3, 1)
PAST_64_BITS = str(2**64 + 5)


@pytest.fixture
def desk(console, staff):
    """Every role present, each as its own account with a token."""
    for name, roles in STAFF.items():
        staff.add(name, *roles)
    return Desk(console, staff)


@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_statement_date_out_of_range_is_a_422_naming_it(console, desk, field, day):
    response = console.get(f"/console/agencies/demo/statement?{field}={day}", headers=desk.staff.headers("audrey"))
    assert response.status_code == 422
    assert f"{field}: &#39;{day}&#39;" in response.get_data(as_text=True) or f"{field}: '{day}'" in response.get_data(
        as_text=True)


def test_a_statement_of_both_far_dates_is_a_422(console, desk):
    response = console.get("/console/agencies/demo/statement.pdf?from=9999-12-01&to=9999-12-31",
                           headers=desk.staff.headers("audrey"))
    assert response.status_code == 422


@pytest.mark.parametrize("waiver_id", [PAST_64_BITS, str(2**63), str(2**31)])
def test_a_waiver_id_past_what_the_database_holds_is_a_404(desk, waiver_id):
    shown = desk.show(waiver_id)
    assert shown.status_code == 404 and waiver_id in shown.get_json()["error"]["message"]
    stepped = desk.step(waiver_id, "recommend")
    assert stepped.status_code == 404


@pytest.mark.parametrize("waiver_id", [PAST_64_BITS, str(2**31)])
def test_a_waiver_page_past_what_the_database_holds_is_a_404(console, desk, waiver_id):
    assert console.get(f"/console/waivers/{waiver_id}", headers=desk.staff.headers("audrey")).status_code == 404


@pytest.mark.parametrize("extends", [2**64 + 5, 2**63, 2**31])
def test_extends_past_what_the_database_holds_is_a_422_naming_it(desk, extends):
    with on_day(FILED_ON):
        response = desk.file(waiver_body(FILED_ON, extends=extends))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == "extends" and "extends" in error["message"]


@pytest.mark.parametrize("target", ["/console/%0d%0aSet-Cookie:%20x=1", "/console/\r\nLocation: /x", "/console/a%0Ab"])
def test_cr_or_lf_in_next_is_a_400_naming_next(console, target):
    response = console.get("/console/login", query_string={"next": target.replace("%0d", "\r").replace(
        "%0a", "\n").replace("%0A", "\n").replace("%20", " ")})
    assert response.status_code == 400
    assert "next" in response.get_data(as_text=True)
    assert "Set-Cookie" not in str(response.headers) or "x=1" not in response.headers.get("Set-Cookie", "")


def test_cr_or_lf_in_the_posted_next_is_a_400_and_signs_no_one_in(console, staff):
    from console_support import PASSWORD
    from test_auth import csrf_token

    staff.add("ada", "reviewer", password=PASSWORD)
    response = console.post("/console/login", data={"name": "ada", "password": PASSWORD,
                                                     "csrf_token": csrf_token(console),
                                                     "next": "/console/\r\nSet-Cookie: x=1"})
    assert response.status_code == 400 and "next: " in response.get_data(as_text=True)
    assert console.get("/console/api/waivers").status_code == 401
