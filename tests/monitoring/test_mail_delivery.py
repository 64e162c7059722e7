"""Regression e-mail over real SMTP on loopback, on SQLite and PostgreSQL: certificates verified, credentials only
over TLS, and a mail that cannot be built or sent kept unsent, its reason in the console, retried after the next run.

The mail servers are aiosmtpd on loopback with certificates from a CA made in the test (private_ca.py).
"""

import dataclasses

import pytest
from bs4 import BeautifulSoup
from databases import database_url  # noqa: F401  (parametrized: sqlite and postgresql)
from mail_ledger import MailLedger
from private_ca import PrivateCA
from smtp_inbox import SmtpServer
from sqlalchemy import select

from monitoring import engine
from monitoring import mail
from server.db.session import session_for
from server.monitoring.models import Regression

HTML = {"Accept": "text/html"}
CREDENTIALS = ("mailer", "s3cret-pass")


@pytest.fixture
def ledger(database_url, tmp_path):  # noqa: F811
    """The mail-test agency on a fresh database, its mail going nowhere until a test points it at a server."""
    made = MailLedger(tmp_path, database_url)
    yield made
    made.close()


@pytest.fixture
def servers():
    """Start SMTP servers on loopback for a test; all stopped after it."""
    started = []

    def start(**options):
        server = SmtpServer(**options).start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def regressions(ledger):
    with session_for(ledger.app) as db:
        return list(db.scalars(select(Regression).order_by(Regression.id)))


def regression_after_a_pass(ledger):
    """A pass, then a failing run: two regressions (one per page) to mail; the failing run's id."""
    ledger.all_pages("pass")
    return ledger.all_pages("fail")


def mail_status(ledger, run_id):
    """What the run's console page says about its e-mail, and the JSON twin's regressions."""
    page = BeautifulSoup(ledger.get(f"/console/runs/{run_id}", **HTML).get_data(as_text=True), "html.parser")
    status = page.find(id="regression-mail")
    report = ledger.get(f"/console/api/runs/{run_id}").get_json()
    return (status.get_text(" ", strip=True) if status else None), report["regressions"]


def test_smtps_refuses_a_certificate_the_system_does_not_trust_then_sends_with_the_ca_file(ledger, servers,
                                                                                          tmp_path):
    rogue = PrivateCA(tmp_path, "rogue")
    server = servers(ssl_context=rogue.server_context())
    ledger.use_smtp(server.url)  # no CONSENT_SMTP_CA_FILE: the system's CA store, which never heard of "rogue"
    run_id = regression_after_a_pass(ledger)

    assert server.inbox.messages == []
    assert [(r.notified_at, r.mail_error) for r in regressions(ledger)] == [
        (None, "the mail server's certificate was not accepted (unable to get local issuer certificate); "
               "CONSENT_SMTP_CA_FILE names a private CA")] * 2
    shown, twin = mail_status(ledger, run_id)
    assert "not sent" in shown and "certificate was not accepted" in shown and "tried again" in shown
    assert {(r["clause"], r["notified_at"], r["mail_error"]) for r in twin} == {
        ("2.2", None, regressions(ledger)[0].mail_error)}

    # The operator sets CONSENT_SMTP_CA_FILE; the agency's next run retries the unsent mail, once.
    ledger.use_smtp(server.url, str(rogue.ca_file))
    ledger.all_pages("fail")
    [message] = server.inbox.messages
    assert message["subject"].strip() == "[Cookie policy monitoring] Office of Mail Tests: 2 regression(s) (2.2)"
    assert f"/console/runs/{run_id}" in message["body"]
    assert all(r.notified_at is not None and r.mail_error is None for r in regressions(ledger))
    shown, twin = mail_status(ledger, run_id)
    assert "e-mailed" in shown and "not sent" not in shown
    assert all(r["notified_at"] and r["mail_error"] is None for r in twin)


def test_the_worker_s_minute_tick_retries_an_unsent_mail_once(ledger, servers, tmp_path):
    ca = PrivateCA(tmp_path, "agency-mail")
    server = servers(ssl_context=ca.server_context())
    ledger.use_smtp(server.url)
    regression_after_a_pass(ledger)
    assert server.inbox.messages == [] and all(r.mail_error for r in regressions(ledger))
    ledger.use_smtp(server.url, str(ca.ca_file))
    for _minute in range(2):
        engine.tick(ledger.app, ledger.settings, lambda page_id: None)
    assert len(server.inbox.messages) == 1
    assert all(r.notified_at is not None and r.mail_error is None for r in regressions(ledger))


def test_a_certificate_for_another_host_is_refused_even_from_the_trusted_ca(ledger, servers, tmp_path):
    ca = PrivateCA(tmp_path, "agency-mail")
    server = servers(ssl_context=ca.server_context(host="127.0.0.2"))
    ledger.use_smtp(server.url, str(ca.ca_file))
    regression_after_a_pass(ledger)
    assert server.inbox.messages == []
    assert all(r.notified_at is None and "IP address mismatch" in r.mail_error for r in regressions(ledger))


def test_smtp_with_credentials_never_sends_them_to_a_server_without_starttls(ledger, servers):
    server = servers(credentials=CREDENTIALS)  # offers AUTH in clear, no STARTTLS
    ledger.use_smtp(server.url)
    run_id = regression_after_a_pass(ledger)
    assert server.logins.attempts == []  # the password never left the worker
    assert server.inbox.messages == []
    assert all(r.notified_at is None and "does not offer STARTTLS" in r.mail_error for r in regressions(ledger))
    shown, _twin = mail_status(ledger, run_id)
    assert "does not offer STARTTLS" in shown


def test_smtp_with_credentials_upgrades_with_starttls_then_authenticates_and_sends(ledger, servers, tmp_path):
    ca = PrivateCA(tmp_path, "agency-mail")
    server = servers(tls_context=ca.server_context(), credentials=CREDENTIALS)
    ledger.use_smtp(server.url, str(ca.ca_file))
    regression_after_a_pass(ledger)
    assert server.logins.attempts == [{"login": "mailer", "tls": True}]
    [message] = server.inbox.messages
    assert "2 regression(s)" in message["subject"]
    assert all(r.notified_at is not None for r in regressions(ledger))


def test_a_name_with_a_newline_is_a_recorded_failure_then_sent_once_the_name_is_fixed(ledger, servers):
    server = servers()
    ledger.use_smtp(server.url)
    fixed = ledger.agency
    # check-config refuses such a name; the mail refuses it too, should one ever reach it.
    ledger.agency = dataclasses.replace(fixed, name="Office of\nMail Tests")
    run_id = regression_after_a_pass(ledger)  # no crash: the run ends, the mail is kept
    assert server.inbox.messages == []
    assert all(r.notified_at is None and r.mail_error.startswith("the e-mail could not be built: header Subject")
               for r in regressions(ledger))
    assert "could not be built" in mail_status(ledger, run_id)[0]

    ledger.agency = fixed
    ledger.all_pages("fail")
    assert len(server.inbox.messages) == 1
    assert all(r.notified_at is not None and r.mail_error is None for r in regressions(ledger))


@pytest.mark.parametrize("name", ["Office\rof Tests", "Office\x00of Tests", "Office\x1bof Tests",
                                  "Office\u2028of Tests", "Office\x85of Tests"])
def test_no_header_is_built_from_a_control_character(ledger, name):
    agency = dataclasses.replace(ledger.agency, name=name)
    with pytest.raises(ValueError, match="holds a control character"):
        mail.unchecked_message_for(ledger.settings, agency, [], {})

