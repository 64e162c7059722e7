"""The core stays the core: its modules import only `server.core` of the project and load no web framework."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = ROOT / "server" / "core"
PROJECT = ("server", "consent_banner", "extension", "monitoring")
# The service's framework, its database and its PDF renderer: a part that imports the core must not pay for them.
HEAVY = ("flask", "werkzeug", "sqlalchemy", "weasyprint")


def core_modules() -> dict:
    """Every module under server/core, by dotted name, with its file."""
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def project_imports(name: str, path: Path) -> set:
    """The project modules a module names in its imports, lazy ones and relative ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                base = ".".join(anchor[:len(anchor) - node.level + 1] + ([base] if base else []))
            # `from pkg import mod` names the submodule when there is one, else the package itself.
            for alias in node.names:
                submodule = ROOT.joinpath(*f"{base}.{alias.name}".split("."))
                is_module = submodule.with_suffix(".py").is_file() or (submodule / "__init__.py").is_file()
                targets.add(f"{base}.{alias.name}" if is_module else base)
    return {target for target in targets if target.split(".")[0] in PROJECT}


MODULES = core_modules()


def test_the_core_has_its_parts():
    assert {"server.core.agency", "server.core.agency_schema", "server.core.clauses", "server.core.cookie_name",
            "server.core.equal_access.compare", "server.core.validators"} <= set(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_core_module_imports_only_the_core(name):
    outside = sorted(target for target in project_imports(name, MODULES[name])
                     if not (target == "server.core" or target.startswith("server.core.")))
    assert outside == [], f"{name} imports {outside}"


def test_the_import_reader_sees_lazy_and_relative_imports(tmp_path):
    # The checker itself: a lazy import inside a function and a relative one both count.
    path = tmp_path / "probe.py"
    path.write_text("from . import clauses\ndef later():\n    from server.app import create_app\n")
    assert project_imports("server.core.probe", path) == {"server.core.clauses", "server.app"}


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


def test_consent_qa_reaches_the_service_only_through_the_core():
    reached = set()
    for path in sorted((ROOT / "extension").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        reached |= {target for target in project_imports(name, path) if target.split(".")[0] == "server"}
    assert sorted(t for t in reached if not t.startswith("server.core")) == []
