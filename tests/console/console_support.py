"""Console test support: keys, staff accounts with tokens, and a complete waiver request.

A module of its own (not conftest.py): with several test folders on sys.path, `from conftest import` may
find another folder's conftest.
"""

import datetime

from staff_accounts import add_account

from server.auth import accounts
from server.db.session import session_for
from server.db.clock import today as commonwealth_today

CONSOLE_KEYS = ["console-tests-newest-0123456789abcdef", "console-tests-older-0123456789abcdef"]
PASSWORD = "correct horse battery staple"


class Staff:
    """Makes staff accounts and bearer tokens the way the commands do."""

    def __init__(self, app):
        self.app = app
        self.tokens = {}

    def add(self, name, *roles, agencies=(), password=None):
        """An account with these roles (a password only when given: argon2 is slow on purpose); its token kept."""
        with session_for(self.app) as db:
            user = add_account(db, name, roles, agencies, password)
            _, token = accounts.create_token(db, user)
            db.commit()
        self.tokens[name] = token
        return token

    def headers(self, name):
        """Authorization header of that member of staff."""
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def waiver_body(today=None, lead_days=14, **changes):
    """A complete, valid request for the demo agency, starting at the earliest day allowed."""
    today = today or commonwealth_today()
    starts = today + datetime.timedelta(days=lead_days)
    body = {
        "agency": "demo", "clauses": ["2.2"], "scope": {"cookies": ["demo_analytics_id"]},
        "purpose": "Counts returning visitors to the tax calculator (3.1).",
        "why_not_comply": "The vendor's contract fixes a three-year identifier until renewal (3.2).",
        "privacy_review": "Pseudonymous id only; no form data; risk low; mitigated by IP truncation (3.3).",
        "pab_representative": "Pat Doe", "iso_copied": True, "no_sensitive_information": True,
        "kind": "limited", "starts": starts.isoformat(), "ends": (starts + datetime.timedelta(days=90)).isoformat(),
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}
