"""The core stays light: each of its modules loads no web framework, database or PDF renderer.

What it may import of the project (only `server.core`) is checked with the rest of the import rules in
tests/test_architecture.py.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = ROOT / "server" / "core"
# The service's framework, its database and its PDF renderer: a part that imports the core must not pay for them.
HEAVY = ("flask", "werkzeug", "sqlalchemy", "weasyprint")


def core_modules() -> dict:
    """Every module under server/core, by dotted name, with its file."""
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = core_modules()


def test_the_core_has_its_parts():
    assert {"server.core.agency", "server.core.agency_schema", "server.core.clauses", "server.core.cookie_name",
            "server.core.equal_access.compare", "server.core.validators"} <= set(MODULES)


def loaded_after_import(module: str) -> list:
    """The heavy top-level packages in sys.modules after importing `module` in a fresh interpreter."""
    probe = (f"import json, sys\nimport {module}\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_core_module_loads_no_framework_database_or_pdf_renderer(name):
    assert loaded_after_import(name) == []


def test_the_package_face_is_a_docstring_only():
    tree = ast.parse((CORE / "__init__.py").read_text(encoding="utf-8"))
    assert len(tree.body) == 1 and isinstance(tree.body[0].value, ast.Constant)
