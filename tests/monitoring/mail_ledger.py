"""An agency with monitored pages and contacts on a real console database, its runs recorded as the worker does.

No browser: each page's outcome is given (a clause's verdict, or a check that failed after its last
attempt) and stored through the same lease, record and finish functions the worker calls.
"""

import dataclasses

from extension.clauses.findings import Finding
from monitoring import engine
from monitoring import runs
from monitoring.record import record_page
from server import create_app
from server.auth import accounts
from server.db.session import session_for
from server.monitoring.settings import settings_for
from server.registry import REGISTRY_KEY

KEYS = ["mail-ledger-tests-key-0123456789abcdef"]
PUBLIC_URL = "https://console.mail-tests.example"
AGENCY = """id = "ml"
name = "Office of Mail Tests"
origins = ["https://ml.example"]
privacy_policy_url = "https://ml.example/privacy"
terms_url = "https://ml.example/terms"
mode = "opt-out"
commonwealth_domains = ["ml.example"]

[monitoring]
pages = ["https://ml.example/a", "https://ml.example/b"]
contacts = ["iso@ml.example"]
"""
PAGES = ("https://ml.example/a", "https://ml.example/b")
UNREACHABLE = "page unreachable: net::ERR_CONNECTION_REFUSED"


class MailLedger:
    """The app, its monitoring settings (SMTP as given) and a staff token to read the console."""

    def __init__(self, folder, database_url, smtp_url=None, ca_file=None):
        agencies = folder / "agencies"
        agencies.mkdir()
        (agencies / "ml.toml").write_text(AGENCY)
        self.app = create_app({"AGENCIES_DIR": str(agencies), "SECRET_KEYS": KEYS, "DEMO": False,
                               "DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC_URL})
        self.settings = settings_for(self.app, {"CONSENT_SCREENSHOT_DIR": str(folder / "shots")})
        self.use_smtp(smtp_url, ca_file)
        with session_for(self.app) as db:
            self.token = accounts.create_token(db, accounts.add_user(db, "audrey", ("auditor",), (), None))[1]
            db.commit()
        self.client = self.app.test_client()
        self.agency = self.app.extensions[REGISTRY_KEY].get("ml")

    def use_smtp(self, smtp_url, ca_file=None):
        """Point the monitoring at another mail server (as a changed CONSENT_SMTP_URL would)."""
        self.settings = dataclasses.replace(self.settings, smtp_url=smtp_url, smtp_ca_file=ca_file)

    def run(self, outcomes):
        """One finished run: outcomes maps a page URL to a verdict of clause 2.2 or "unreachable"; its id."""
        with session_for(self.app) as db:
            run, _new = runs.start_run(db, self.agency, trigger="manual", key=runs.manual_key())
            for page_id in runs.page_ids(db, run.id):
                page = runs.lease(db, page_id, "tester", 60)
                outcome = outcomes[page.url]
                if outcome == "unreachable":
                    runs.release(db, page_id, "tester", UNREACHABLE, final=True)
                else:
                    evidence = {"cookies": ["ml_prefs (ml.example)"]}
                    finding = Finding(page.url, "2.2", outcome, f"2.2 {outcome}", evidence)
                    record_page(db, self.settings, page, "tester", [finding], {}, 1.0)
                engine.finish(self.app, self.settings, db, self.agency, run.id)
            return run.id

    def all_pages(self, outcome):
        return self.run(dict.fromkeys(PAGES, outcome))

    def get(self, path, **headers):
        """GET as an auditor (bearer token)."""
        return self.client.get(path, headers={"Authorization": f"Bearer {self.token}", **headers})

    def close(self):
        self.app.extensions["database"].kw["bind"].dispose()
