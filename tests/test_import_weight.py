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


def heavy_modules_after(code: str) -> list:
    """The heavy top-level packages in sys.modules once `code` has run in a new interpreter."""
    report = f"import json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    probe = f"{code}\n{report}\n"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_consent_qa_needs_neither_flask_nor_a_database_nor_weasyprint():
    assert heavy_modules_after(QA_IMPORTS) == []


@pytest.mark.parametrize("module", ["server", "server.equal_access", "server.schemas.agency", "extension.clauses",
                                    "server.waivers.rules", "monitoring", "consent_banner"])
def test_a_package_face_imports_nothing_heavy(module):
    assert heavy_modules_after(f"import {module}") == []


def test_the_factory_is_still_reachable_from_the_package():
    # `from server import create_app` and gunicorn's 'server:create_app()' resolve the name on the package.
    assert heavy_modules_after("import server\nassert callable(getattr(server, 'create_app'))\n"
                               "from server import create_app\nassert create_app.__module__ == 'server.app'") != []
