"""The import rules of docs/architecture.md: no cycles, and no arrow against the layering of the three packages."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "consent_banner", "extension", "monitoring")


def modules_of(root: Path, packages=PACKAGES) -> dict:
    """Every module of the packages under root, by dotted name, with its file."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue  # Alembic's scripts are loaded by Alembic, never imported by the code
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported(name: str, path: Path, known: dict) -> set:
    """The project modules one module imports, anywhere in it (functions too: a lazy import is still an arrow)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                # `from pkg import mod` imports the submodule when there is one.
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {target for target in targets if target in known and target != name}


def import_graph(root: Path = ROOT, packages=PACKAGES) -> dict:
    """{module: modules it imports} for the project's packages."""
    known = modules_of(root, packages)
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(graph: dict) -> list:
    """Every import cycle, each as the list of its modules (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def arrows(graph: dict, source: str, target: str) -> list:
    """Every import from a module of package `source` into package `target`."""
    return sorted(f"{name} imports {dep}" for name, deps in graph.items() if name.split(".")[0] == source
                  for dep in deps if dep.split(".")[0] == target)


@pytest.fixture(scope="module")
def graph():
    """The project's import graph as the code stands."""
    return import_graph()


def test_no_import_cycle(graph):
    assert cycles(graph) == []


@pytest.mark.parametrize("source", ["server", "consent_banner"])
def test_the_service_and_the_banner_never_import_the_qa_extension(graph, source):
    assert arrows(graph, source, "extension") == []


@pytest.mark.parametrize("source", ["server", "consent_banner", "extension"])
def test_nothing_but_the_command_line_reaches_monitoring(graph, source):
    # The service names `consent-service monitor` as a string in server/commands; no module imports the worker.
    assert arrows(graph, source, "monitoring") == []


def test_the_banner_never_imports_the_service(graph):
    assert arrows(graph, "consent_banner", "server") == []


def test_the_rules_catch_a_cycle_and_a_wrong_arrow(tmp_path):
    # The checker itself: a made-up tree with one cycle (lazy import included) and one forbidden arrow.
    files = {
        "server/__init__.py": "",
        "server/a.py": "from server.b import thing\n",
        "server/b.py": "def thing():\n    from server import a\n",
        "consent_banner/__init__.py": "",
        "consent_banner/build.py": "from server.a import thing\nimport extension.rules\n",
        "extension/__init__.py": "",
        "extension/rules.py": "from . import other\n",
        "extension/other.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    made_up = import_graph(tmp_path)
    assert cycles(made_up) == [["server.a", "server.b"]]
    assert arrows(made_up, "consent_banner", "server") == ["consent_banner.build imports server.a"]
    assert arrows(made_up, "consent_banner", "extension") == ["consent_banner.build imports extension.rules"]
    assert made_up["extension.rules"] == {"extension.other"}
