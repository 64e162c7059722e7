"""What a fresh interpreter loads: `consent-qa` and a bare `import server` never pull in the web service's weight."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The service's frameworks, its database, its PDF renderer, its queue: none of them is needed to check a page.
HEAVY = ("flask", "werkzeug", "sqlalchemy", "weasyprint", "alembic", "huey", "redis", "psycopg")

# Everything `consent-qa --help`, `check` and `discover` import before they open a browser.
QA_IMPORTS = """
import extension.cli
import extension.discover.command
import extension.runner
try:
    extension.cli.main(["--help"])
except SystemExit:
    pass
"""


def heavy_modules_after(code: str, heavy=HEAVY) -> list:
    """The heavy top-level packages in sys.modules once `code` has run in a new interpreter."""
    report = f"import json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))))"
    probe = f"{code}\n{report}\n"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_consent_qa_needs_neither_flask_nor_a_database_nor_weasyprint():
    assert heavy_modules_after(QA_IMPORTS) == []


@pytest.mark.parametrize("module", ["server", "server.equal_access", "server.core.agency_schema", "extension.clauses",
                                    "server.waivers.rules", "monitoring", "consent_banner"])
def test_a_package_face_imports_nothing_heavy(module):
    assert heavy_modules_after(f"import {module}") == []


def test_the_factory_is_still_reachable_from_the_package():
    # `from server import create_app` and gunicorn's 'server:create_app()' resolve the name on the package.
    assert heavy_modules_after("import server\nassert callable(getattr(server, 'create_app'))\n"
                               "from server import create_app\nassert create_app.__module__ == 'server.app'") != []


# The staff half's and the other parts' packages: the public service alone loads none of them.
NOT_PUBLIC = ("sqlalchemy", "alembic", "weasyprint", "selenium", "huey", "redis", "psycopg", "flask_wtf")
PUBLIC_APP = """
import os
for name in [name for name in os.environ if name.startswith("CONSENT_")]:
    del os.environ[name]
from server import create_app
app = create_app({"AGENCIES_DIR": "agencies", "SECRET_KEYS": ["import-weight-tests-0123456789abcdef"]})
client = app.test_client()
assert client.get("/v1/dor/banner.js").status_code == 200
assert client.get("/v1/dor/notice").status_code == 200
assert client.get("/console/").status_code == 404
"""


def test_the_public_app_without_a_console_database_loads_no_part_of_the_staff_half():
    assert heavy_modules_after(PUBLIC_APP, NOT_PUBLIC) == []
