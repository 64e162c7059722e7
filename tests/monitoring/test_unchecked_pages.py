"""A page not checked in three runs in a row, on SQLite and PostgreSQL: flagged on the agency's dashboard page and
its JSON twin, and e-mailed once as "could not be checked" (not once per run); checked again, the flag goes.

The mail server is a real aiosmtpd on loopback (smtp_inbox.py); runs are recorded as the worker records them.
"""

import pytest
from bs4 import BeautifulSoup
from databases import database_url  # noqa: F401  (parametrized: sqlite and postgresql)
from mail_ledger import PAGES
from mail_ledger import UNREACHABLE
from mail_ledger import MailLedger
from sqlalchemy import select

from server.db.session import session_for
from server.monitoring.models import UncheckedPage

HTML = {"Accept": "text/html"}
DOWN, UP = PAGES


@pytest.fixture
def ledger(database_url, tmp_path, smtp_server):  # noqa: F811
    """The mail-test agency on a fresh database, mailing the loopback SMTP server."""
    made = MailLedger(tmp_path, database_url, smtp_url=smtp_server.url)
    made.inbox = smtp_server.inbox
    yield made
    made.close()


def flagged_on_page(ledger):
    """The rows of the agency page's "Pages that could not be checked" table: (page, runs, reason, told)."""
    page = BeautifulSoup(ledger.get("/console/agencies/ml", **HTML).get_data(as_text=True), "html.parser")
    section = page.find(id="unchecked-pages")
    if section is None:
        return []
    return [(tr.th.get_text(strip=True), *(td.get_text(" ", strip=True) for td in tr.find_all("td")))
            for tr in section.tbody.find_all("tr")]


def flagged_in_json(ledger):
    return ledger.get("/console/api/agencies/ml/runs").get_json()["unchecked_pages"]


def down_mails(ledger):
    return [m for m in ledger.inbox.messages if "could not be checked" in m["subject"]]


def test_three_runs_in_a_row_flag_the_page_and_mail_once(ledger):
    for _ in range(2):
        ledger.run({DOWN: "unreachable", UP: "pass"})
    assert flagged_on_page(ledger) == [] and flagged_in_json(ledger) == []
    assert down_mails(ledger) == []

    third = ledger.run({DOWN: "unreachable", UP: "pass"})
    [(url, runs, reason, told)] = flagged_on_page(ledger)
    assert url == DOWN and runs.startswith("3 ") and f"run {third}" in runs
    assert reason == UNREACHABLE and told.startswith("e-mailed ")
    [flag] = flagged_in_json(ledger)
    assert (flag["url"], flag["runs_in_a_row"], flag["run"], flag["last_error"], flag["mail_error"]) == (
        DOWN, 3, third, UNREACHABLE, None)
    assert flag["notified_at"] and flag["run_href"] == f"/console/runs/{third}"
    [message] = down_mails(ledger)
    assert message["subject"].strip() == "[Cookie policy monitoring] Office of Mail Tests: 1 page(s) could not be checked"
    assert message["to"] == ["iso@ml.example"]
    assert DOWN in message["body"] and UP not in message["body"]
    assert f"Not checked in 3 runs in a row. Last reason: {UNREACHABLE}" in message["body"]

    # Still down: still flagged, no second e-mail.
    ledger.run({DOWN: "unreachable", UP: "pass"})
    ledger.run({DOWN: "unreachable", UP: "pass"})
    assert [row[0] for row in flagged_on_page(ledger)] == [DOWN]
    assert len(down_mails(ledger)) == 1

    # Checked again: the flag goes; a new streak of three is a new flag and a new e-mail.
    ledger.run({DOWN: "pass", UP: "pass"})
    assert flagged_on_page(ledger) == [] and flagged_in_json(ledger) == []
    for _ in range(3):
        ledger.run({DOWN: "unreachable", UP: "pass"})
    assert [row[0] for row in flagged_on_page(ledger)] == [DOWN]
    assert len(down_mails(ledger)) == 2


def test_a_checked_run_between_failures_breaks_the_streak(ledger):
    ledger.run({DOWN: "unreachable", UP: "pass"})
    ledger.run({DOWN: "unreachable", UP: "pass"})
    ledger.run({DOWN: "pass", UP: "pass"})
    ledger.run({DOWN: "unreachable", UP: "pass"})
    ledger.run({DOWN: "unreachable", UP: "pass"})
    assert flagged_on_page(ledger) == [] and down_mails(ledger) == []


def test_a_could_not_be_checked_mail_that_fails_is_shown_and_sent_after_the_next_run(ledger):
    smtp_url = ledger.settings.smtp_url
    ledger.use_smtp(smtp_url.replace("smtp://", "smtps://"))  # a plain server: TLS cannot start
    for _ in range(3):
        ledger.run({DOWN: "unreachable", UP: "pass"})
    [(_url, _runs, _reason, told)] = flagged_on_page(ledger)
    assert told.startswith("not yet: TLS with the mail server failed")
    [flag] = flagged_in_json(ledger)
    assert flag["notified_at"] is None and flag["mail_error"].startswith("TLS with the mail server failed")
    assert down_mails(ledger) == []

    ledger.use_smtp(smtp_url)
    ledger.run({DOWN: "unreachable", UP: "pass"})
    assert len(down_mails(ledger)) == 1
    with session_for(ledger.app) as db:
        [row] = db.scalars(select(UncheckedPage))
    assert row.notified_at is not None and row.mail_error is None
