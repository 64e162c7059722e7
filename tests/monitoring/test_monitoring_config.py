"""`[monitoring]` in agency files: pages on the agency's origins, a schedule, contacts; refusals name the field."""

import datetime

import pytest

from server.demo_agency import demo_agency
from server.core.schedule import schedule_test
from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_text

AGENCY = """
id = "sample"
name = "Sample Agency"
origins = ["https://www.sample.mass.gov", "https://forms.sample.mass.gov"]
privacy_policy_url = "https://www.sample.mass.gov/privacy"
terms_url = "https://www.sample.mass.gov/terms"
mode = "opt-out"
commonwealth_domains = ["mass.gov"]
"""


def load(monitoring):
    return load_agency_text(AGENCY + "\n[monitoring]\n" + monitoring, "sample.toml")


def test_paths_follow_the_first_origin_and_urls_on_other_origins_are_kept():
    agency = load('pages = ["/", "/apply", "https://forms.sample.mass.gov/start", "/apply"]\n'
                  'schedule = "weekly"\ncontacts = ["iso@sample.mass.gov"]\n')
    assert agency.monitoring.pages == ("https://www.sample.mass.gov/", "https://www.sample.mass.gov/apply",
                                       "https://forms.sample.mass.gov/start")
    assert agency.monitoring.schedule == "weekly"
    assert agency.monitoring.contacts == ("iso@sample.mass.gov",)


def test_without_the_table_an_agency_is_not_monitored_and_daily_is_the_default():
    assert load_agency_text(AGENCY, "sample.toml").monitoring is None
    assert load('pages = ["/"]\n').monitoring.schedule == "daily"


@pytest.mark.parametrize(("monitoring", "message"), [
    ('pages = ["https://elsewhere.example/"]', 'field monitoring.pages[0] = "https://elsewhere.example/": '
                                               "must be on one of the agency's origins"),
    ('pages = ["http://www.sample.mass.gov/"]', "field monitoring.pages[0]"),
    ("pages = []", "field monitoring.pages"),
    ('pages = ["/"]\nschedule = "hourly"', 'field monitoring.schedule = "hourly": must be "daily", "weekly"'),
    ('pages = ["/"]\nschedule = "0 25 * * *"', 'field monitoring.schedule = "0 25 * * *": not a valid cron'),
    ('pages = ["/"]\ncontacts = ["not an address"]', 'field monitoring.contacts[0] = "not an address"'),
    ('pages = ["/"]\nevery = "day"', "field monitoring.every"),
    ('schedule = "daily"', "field monitoring.pages"),
])
def test_a_bad_monitoring_table_stops_start_up_with_one_line(monitoring, message):
    with pytest.raises(AgencyConfigError) as raised:
        load(monitoring + "\n")
    assert str(raised.value).startswith("sample.toml: " + message)
    assert "\n" not in str(raised.value)


def test_the_demo_agency_is_monitored_on_its_bound_address():
    agency = demo_agency("http://127.0.0.1:8123")
    assert agency.monitoring.pages[0] == "http://127.0.0.1:8123/demo/"
    assert all(page.startswith("http://127.0.0.1:8123/demo/") for page in agency.monitoring.pages)


@pytest.mark.parametrize(("schedule", "runs_at", "not_at"), [
    ("daily", datetime.datetime(2026, 11, 30, 9, 0), datetime.datetime(2026, 11, 30, 9, 1)),
    ("weekly", datetime.datetime(2026, 11, 30, 9, 0), datetime.datetime(2026, 12, 1, 9, 0)),  # Mondays
    ("*/15 8-17 * * 1-5", datetime.datetime(2026, 12, 1, 8, 45), datetime.datetime(2026, 12, 5, 8, 45)),
])
def test_schedules_name_the_minutes_they_run_at(schedule, runs_at, not_at):
    runs = schedule_test(schedule)
    assert runs(runs_at) and not runs(not_at)
