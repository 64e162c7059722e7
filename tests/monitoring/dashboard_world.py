"""A small monitored world for the dashboard tests: three agencies in two secretariats, history, staff, a waiver."""

import json
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from staff_accounts import add_account
from databases import new_sqlite_url
from history import seed

from server import create_app
from server.auth import accounts
from server.db.clock import commonwealth_day
from server.db.clock import commonwealth_midnight
from server.db.session import session_for
from server.db.session import engine_of
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Screenshot
from server.waivers.models import Waiver
from server.waivers.models import WaiverStep

KEYS = ["dashboard-tests-key-0123456789abcdef"]
AGENCY = """
id = "{id}"
name = "{name}"
{secretariat}
origins = ["https://{id}.example"]
privacy_policy_url = "https://{id}.example/privacy"
terms_url = "https://{id}.example/terms"
mode = "opt-out"
commonwealth_domains = ["{id}.example"]

[monitoring]
pages = {pages}
schedule = "daily"
"""
# id, name, secretariat: two agencies of the health secretariat, one environmental, one with none.
AGENCIES = (("hhs-a", "Office of Elder Affairs", "EOHHS"), ("hhs-b", "Department of Public Health", "EOHHS"),
            ("eea-c", "Department of Fish and Game", "EEA"), ("plain-d", "Board of Library Commissioners", None))
NOW = datetime.utcnow().replace(microsecond=0)
# The seeded daily runs end an hour before NOW, but never before NOW's Commonwealth day began: in Boston's first
# hour, an hour earlier is yesterday, and the run of a day ago would fall on the day before, leaving yesterday
# without one. (A day after the spring's 23-hour day, that hour still can: five hours a year.)
SEED_END = max(NOW - timedelta(hours=1), commonwealth_midnight(commonwealth_day(NOW)))
# The newest run of each agency: hhs-a fails 2.2 (with evidence), hhs-b passes, eea-c has 2.1 waived.
LATEST = {
    "hhs-a": {"1.3.2": "pass", "1.3.3": "pass", "2.1": "pass", "2.2": "fail"},
    "hhs-b": {"1.3.2": "pass", "1.3.3": "pass", "2.1": "pass", "2.2": "pass"},
    "eea-c": {"1.3.2": "pass", "1.3.3": "pass", "2.1": "waived", "2.2": "pass"},
}
FAIL_REASON = "cookie _fx_long expires in 1095 days (more than 2 years)"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def database_for(request, folder):
    """A fresh upgraded database of the kind `request.param` names, for a module of read-mostly tests."""
    if request.param == "sqlite":
        return new_sqlite_url(folder, request.getfixturevalue("upgraded_sqlite"))
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"dashboard_{folder.name.replace('-', '_')}",
                                   request.getfixturevalue("upgraded_postgres"))


def agency_text(agency_id, name, secretariat_line, pages):
    """An agency file for a made-up site https://ID.example with these monitored pages."""
    return AGENCY.format(id=agency_id, name=name, secretariat=secretariat_line, pages=json.dumps(pages))


def write_agencies(folder):
    """The agency files, in `folder`."""
    for agency_id, name, secretariat in AGENCIES:
        line = f'secretariat = "{secretariat}"' if secretariat else ""
        (folder / f"{agency_id}.toml").write_text(agency_text(agency_id, name, line, ["/", "/services"]))
    return folder


def make_app(folder, database_url):
    """The service on that database with those agencies (no demo)."""
    return create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": KEYS, "DEMO": False,
                       "DATABASE_URL": database_url})


def add_latest_run(db, agency_id, verdicts, when):
    """A finished run with one page whose findings have these verdicts (and a screenshot kept as bytes)."""
    url = f"https://{agency_id}.example/"
    page = MonitoredPage(url=url, state="done", attempts=1, checked_at=when, seconds=2.5)
    run = MonitoringRun(key=f"test:{agency_id}:{when.isoformat()}", agency_id=agency_id, trigger="manual",
                        state="done", started_at=when, finished_at=when + timedelta(minutes=1), pages_total=1,
                        verdicts=verdicts, browser="local", pages=[page])
    db.add(run)
    db.flush()
    for clause, verdict in verdicts.items():
        reason = FAIL_REASON if verdict == "fail" else f"{clause} {verdict}"
        evidence = {"cookies": [{"name": "_fx_long", "expiry_days": 1095}]} if verdict == "fail" else None
        db.add(Finding(page_id=page.id, run_id=run.id, agency_id=agency_id, url=url, checked_at=when, clause=clause,
                       verdict=verdict, reason=reason, evidence=evidence))
    db.add(Screenshot(page_id=page.id, run_id=run.id, label="fresh", taken_at=when, data=PNG))
    return run


def add_waiver_in_force(db, agency_id, cookie, users):
    """A limited waiver of clause 2.1 granted through every step, in force from 30 days ago for 60 more."""
    starts = date.today() - timedelta(days=30)
    waiver = Waiver(agency_id=agency_id, clauses=["2.1"], scope={"cookies": [cookie]}, purpose="p", why_not_comply="w",
                    privacy_review="r", pab_representative="Pat Doe", iso_copied=True, no_sensitive_information=True,
                    kind="limited", starts=starts, ends=starts + timedelta(days=90), requester_id=users["rita"].id)
    db.add(waiver)
    db.flush()
    for action, outcome, actor in (("file", None, "rita"), ("recommend", "grant", "rex"),
                                   ("legal-review", None, "cora"), ("decide", "grant", "abe")):
        db.add(WaiverStep(waiver_id=waiver.id, actor_id=users[actor].id, action=action, outcome=outcome))
    return waiver


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """The world, one per database for a module of read-mostly tests."""
    folder = tmp_path_factory.mktemp("dashboard")
    made = World(folder, database_for(request, folder))
    yield made
    made.close()


class World:
    """The app, its seeded history and its staff (bearer tokens by name)."""

    def __init__(self, folder, database_url, days=40, password=None):
        self.app = make_app(write_agencies(folder), database_url)
        self.tokens = {}
        self.runs = {}
        with engine_of(self.app).begin() as connection:
            seed(connection, [agency_id for agency_id, _name, _sec in AGENCIES[:3]], days=days, pages=2,
                 end=SEED_END)
        with session_for(self.app) as db:
            # A password only when a browser signs in (argon2 is slow on purpose); tokens for everyone.
            users = {name: add_account(db, name, roles, agencies, password) for name, roles, agencies in (
                ("rita", ("requester",), ()), ("rex", ("reviewer",), ()), ("cora", ("counsel",), ()),
                ("abe", ("approver",), ()), ("audrey", ("auditor",), ()), ("ivy", ("iso",), ("hhs-a",)),
                ("eve", ("iso",), ("eea-c",)))}
            for name, user in users.items():
                self.tokens[name] = accounts.create_token(db, user)[1]
            for agency_id, verdicts in LATEST.items():
                self.runs[agency_id] = add_latest_run(db, agency_id, verdicts, NOW).id
            self.waiver_id = add_waiver_in_force(db, "eea-c", "_fg_visits", users).id
            db.commit()
        self.client = self.app.test_client()

    def get(self, path, who="audrey", **headers):
        """GET as a member of staff (bearer token)."""
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}", **headers})

    def post(self, path, who, data):
        """POST a form as a member of staff (bearer: no CSRF token needed)."""
        return self.client.post(path, data=data, headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def close(self):
        self.app.extensions["database"].kw["bind"].dispose()
