"""The waiver pages through the real app on SQLite and PostgreSQL: forms, errors beside fields, roles, filters."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from server.db.clock import today as commonwealth_today

PASSWORD = "pages-tests-password-0123"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
FORM_FIELDS = ("agency", "clauses", "scope_kind", "purpose", "why_not_comply", "privacy_review", "pab_representative",
               "iso_copied", "no_sensitive_information", "kind", "starts", "ends")


class SignedIn:
    """A browser-like client signed in at /console/login, posting forms with the CSRF token of the page."""

    def __init__(self, app, name):
        self.client = app.test_client()
        page = self.client.get("/console/login")
        response = self.client.post("/console/login", data={
            "csrf_token": CSRF.search(page.text).group(1), "name": name, "password": PASSWORD})
        assert response.status_code == 303, response.text

    def get(self, path, **kwargs):
        return self.client.get(path, headers={"Accept": "text/html"}, **kwargs)

    def post(self, path, data, page=None):
        """POST a form the way a browser does: with the CSRF token of the page it came from."""
        token = CSRF.search(self.get(page or path).text).group(1)
        return self.client.post(path, data={"csrf_token": token, **data})


def request_form(**changes):
    """A complete request form for the demo agency's analytics cookie, starting at the earliest day allowed."""
    starts = commonwealth_today() + datetime.timedelta(days=14)
    data = {"agency": "demo", "clauses": ["2.2"], "scope_kind": "cookies", "cookies": "demo_analytics_id, _dm_*",
            "purpose": "Counts returning visitors to the tax calculator.",
            "why_not_comply": "The vendor contract fixes a three-year identifier until renewal.",
            "privacy_review": "Pseudonymous id only; risk low; IP truncation.", "pab_representative": "Pat Doe",
            "iso_copied": "y", "no_sensitive_information": "y", "kind": "limited",
            "starts": starts.isoformat(), "ends": (starts + datetime.timedelta(days=90)).isoformat()}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_beside_fields(html):
    """{field id: its error text} as shown beside each field."""
    soup = BeautifulSoup(html, "html.parser")
    return {p["id"].removesuffix("-error"): p.get_text(" ", strip=True) for p in soup.select("p.field-error")}


def action_buttons(html):
    """The steps the page offers, by their buttons."""
    return [button["data-step"] for button in BeautifulSoup(html, "html.parser").select("button[data-step]")]


ROLE_OF = {"rita": "requester", "remy": "reviewer", "cole": "counsel", "abe": "approver", "aud": "auditor"}


class People(dict):
    """One member of staff per role of the workflow, created and signed in when first asked for (argon2 is slow)."""

    def __init__(self, app, staff):
        super().__init__()
        self.app, self.staff = app, staff

    def __missing__(self, name):
        self.staff.add(name, ROLE_OF[name], password=PASSWORD)
        self[name] = SignedIn(self.app, name)
        return self[name]


@pytest.fixture
def people(console_app, staff):
    """Signed-in staff by name: rita requests, remy reviews, cole is counsel, abe approves, aud audits."""
    return People(console_app, staff)


def file(people, **changes):
    """File a request through the form as the requester; the waiver page's path."""
    response = people["rita"].post("/console/waivers/new", request_form(**changes))
    assert response.status_code == 303, errors_beside_fields(response.text)
    return response.headers["Location"]


def test_anonymous_pages_send_to_sign_in_and_forms_are_refused(console):
    page = console.get("/console/waivers", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/console/login?next=/console/waivers")
    token = CSRF.search(console.get("/console/login").text).group(1)
    assert console.post("/console/waivers/new", data={"csrf_token": token, **request_form()}).status_code == 401
    assert console.post("/console/waivers/1/decide", data={"csrf_token": token}).status_code == 401


def test_the_landing_page_links_the_waivers(people):
    home = BeautifulSoup(people["aud"].get("/console/").text, "html.parser")
    assert home.find("a", string="Waivers")["href"] == "/console/waivers"
    assert "Request a waiver" not in people["aud"].get("/console/waivers").text
    assert people["aud"].get("/console/waivers/new").status_code == 403
    assert "Request a waiver" in people["rita"].get("/console/waivers").text


def test_an_empty_request_names_every_missing_field_beside_it(people):
    response = people["rita"].post("/console/waivers/new", {"agency": ""})

    assert response.status_code == 422
    shown = errors_beside_fields(response.text)
    assert set(shown) == set(FORM_FIELDS)
    assert shown["purpose"] == "Error: Intended use and purpose of the cookie (3.1): this is missing."
    assert "tick this box" in shown["no_sensitive_information"]
    summary = BeautifulSoup(response.text, "html.parser").select(".error-summary a")
    assert len(summary) == len(FORM_FIELDS) and summary[0]["href"] == "#agency"
    assert "<title>Error: Request a waiver" in response.text


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"cookies": ""}, "cookies", "Cookie names: this is missing."),
    ({"scope_kind": "tracker", "tracker": "no-such-tracker"}, "tracker", "declares no tracker 'no-such-tracker'"),
    ({"kind": "limited", "ends": None}, "ends", "Ends: this is missing."),
    ({"starts": "2020-13-45"}, "starts", "Not a valid date value."),
    ({"cookies": "bad name"}, "cookies", "not a cookie name"),
])
def test_a_wrong_answer_is_shown_beside_its_field(people, changes, field, words):
    response = people["rita"].post("/console/waivers/new", request_form(**changes))

    assert response.status_code == 422
    shown = errors_beside_fields(response.text)
    assert list(shown) == [field] and words in shown[field]


@pytest.mark.parametrize(("days", "filed"), [(13, False), (14, True)])
def test_lead_time_is_judged_by_the_workflow(people, days, filed):
    starts = commonwealth_today() + datetime.timedelta(days=days)
    response = people["rita"].post("/console/waivers/new", request_form(
        starts=starts.isoformat(), ends=(starts + datetime.timedelta(days=30)).isoformat()))

    assert response.status_code == (303 if filed else 422)
    if not filed:
        assert "at least 14 days before it starts" in errors_beside_fields(response.text)["starts"]
        earliest = (commonwealth_today() + datetime.timedelta(days=14)).isoformat()
        hint = BeautifulSoup(response.text, "html.parser").select_one("#starts-hint").get_text()
        assert hint == f"At least 14 days after it is filed: {earliest} or later."


def test_a_request_without_the_csrf_token_is_refused(people):
    response = people["rita"].client.post("/console/waivers/new", data=request_form())

    assert response.status_code == 400
    assert people["rita"].get("/console/waivers").text.count("Waiver ") == 0


def test_each_role_sees_exactly_its_step_in_order(people):
    page = file(people)
    shown = people["rita"].get(page)
    assert "Submitted, waiting for a recommendation" in shown.text and "Filed" in shown.text
    assert "Waiver request" in shown.text  # the flash after filing
    offered = {name: action_buttons(people[name].get(page).text) for name in ROLE_OF}
    assert offered == {"rita": ["withdraw"], "remy": ["recommend"], "cole": [], "abe": [], "aud": []}

    assert people["remy"].post(f"{page}/recommend", {"recommend-recommendation": "grant",
                                                      "recommend-notes": "Low risk."}, page).status_code == 303
    assert action_buttons(people["cole"].get(page).text) == ["legal-review"]
    assert people["cole"].post(f"{page}/legal-review", {"legal-review-analysis": "Lawful under 3.4."},
                               page).status_code == 303
    assert action_buttons(people["abe"].get(page).text) == ["decide"]
    decided = people["abe"].post(f"{page}/decide", {"decide-decision": "grant", "decide-notes": "Signed."}, page)
    assert decided.status_code == 303

    final = BeautifulSoup(people["aud"].get(page).text, "html.parser")
    assert "Granted, not yet in force" in final.select_one(".state-line").get_text()
    trail = [[cell.get_text(strip=True) for cell in row.select("td")][1:4] for row in final.select(".trail tbody tr")]
    assert trail == [["rita", "Filed", ""], ["remy", "Recommended", "grant"], ["cole", "Legal review", ""],
                     ["abe", "Decided", "grant"]]
    assert action_buttons(people["abe"].get(page).text) == []

    # A granted waiver is extended by a new request that names it, prefilled from the waiver page's link.
    waiver_id = page.rsplit("/", 1)[1]
    extend = BeautifulSoup(people["rita"].get(page).text, "html.parser").find("a", string="Request an extension")
    assert extend["href"] == f"/console/waivers/new?extends={waiver_id}"
    form = BeautifulSoup(people["rita"].get(extend["href"]).text, "html.parser")
    assert form.select_one("#extends")["value"] == waiver_id


def test_refused_steps_say_why(people, console_app, staff):
    page = file(people)

    early = people["cole"].post(f"{page}/legal-review", {"legal-review-analysis": "Too early."}, page)
    assert early.status_code == 409 and "order is recommend, legal review, decide" in early.text
    wrong_role = people["remy"].post(f"{page}/decide", {"decide-decision": "grant"}, page)
    assert wrong_role.status_code == 403 and "Not allowed" in wrong_role.text
    unanswered = people["remy"].post(f"{page}/recommend", {"recommend-notes": "?"}, page)
    assert unanswered.status_code == 422
    assert errors_beside_fields(unanswered.text) == {"recommend-recommendation": "Error: Choose grant or deny."}


def test_the_requester_never_decides_their_own_request(console_app, staff, people):
    staff.add("both", "requester", "approver", password=PASSWORD)
    both = SignedIn(console_app, "both")
    response = both.post("/console/waivers/new", request_form())
    page = response.headers["Location"]
    people["remy"].post(f"{page}/recommend", {"recommend-recommendation": "grant"}, page)
    people["cole"].post(f"{page}/legal-review", {"legal-review-analysis": "Fine."}, page)

    assert action_buttons(both.get(page).text) == ["withdraw"]
    refused = both.post(f"{page}/decide", {"decide-decision": "grant"}, page)
    assert refused.status_code == 403 and "someone else must decide it" in refused.text
    assert action_buttons(people["abe"].get(page).text) == ["decide"]


def test_the_list_filters_by_agency_and_state(people):
    first = file(people)
    file(people)
    people["rita"].post(f"{first}/withdraw", {}, first)
    viewer = people["aud"]

    def listed(query=""):
        soup = BeautifulSoup(viewer.get(f"/console/waivers{query}").text, "html.parser")
        return [row.th.get_text(strip=True) for row in soup.select("tbody tr")]

    first_id = first.rsplit("/", 1)[1]
    assert len(listed()) == 2
    assert listed("?state=withdrawn") == [f"Waiver {first_id}"]
    assert len(listed("?agency=demo&state=submitted")) == 1
    assert listed("?agency=elsewhere") == []
    bad = viewer.get("/console/waivers?state=lost")
    assert bad.status_code == 422 and "lost&#39; is not one of" in bad.text


def test_a_user_limited_to_another_agency_finds_nothing(console_app, staff, people):
    page = file(people)
    staff.add("dora", "auditor", agencies=["dor"], password=PASSWORD)
    dora = SignedIn(console_app, "dora")

    assert dora.get(page).status_code == 404
    listing = dora.get("/console/waivers").text
    assert "No waiver has been requested yet" in listing and "demo" not in listing.split("<h1>", 1)[1]


def test_a_bearer_token_opens_pages_and_takes_steps_without_csrf(console_app, staff, people):
    page = file(people)
    token = staff.add("bot", "reviewer")
    client = console_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    assert client.get(page, headers=headers).status_code == 200
    response = client.post(f"{page}/recommend", data={"recommend-recommendation": "deny"}, headers=headers)
    assert response.status_code == 303
    assert "Recommended, waiting for the legal review" in people["aud"].get(page).text
