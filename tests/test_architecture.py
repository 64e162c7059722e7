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
    """The project modules one module imports, anywhere in it (functions too: a lazy import is still an arrow).

    One exception: a package face's PEP 562 `__getattr__` (server's `create_app` for gunicorn's 'server:create_app()')
    runs only when that attribute is read, never when a child of the package is imported, so it draws no arrow.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()

    def visit(node, in_attribute_loader):
        for child in ast.iter_child_nodes(node):
            loader = in_attribute_loader or (path.name == "__init__.py" and isinstance(child, ast.FunctionDef)
                                             and child.name == "__getattr__")
            if loader:
                pass
            elif isinstance(child, ast.Import):
                targets.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:
                    # `from pkg import mod` imports the submodule when there is one.
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
            visit(child, loader)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    found = set()
    for target in targets:
        # `import server.core.agency.thing` or a name that is not a module: the deepest module named.
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


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
    """Every import from a module of package `source` into package `target` (dotted prefixes, any depth)."""
    def within(module, package):
        return module == package or module.startswith(package + ".")

    return sorted(f"{name} imports {dep}" for name, deps in graph.items() if within(name, source)
                  for dep in deps if within(dep, target))


def unit_of(module: str, package: str) -> str:
    """The child of `package` a module lies in (a module of it, or a whole subpackage); its face is `package`."""
    if module == package:
        return package
    return f"{package}.{module[len(package) + 1:].split('.')[0]}"


def package_graph(graph: dict, package: str) -> dict:
    """{child: children it imports} one level down in `package`: a subpackage counts as one node, the package's face
    (its `__init__`, which `from package import name` runs) as another, so arrows between folders show up even when
    no two modules import each other."""
    edges = {}
    for module, deps in graph.items():
        if module != package and not module.startswith(package + "."):
            continue
        source = unit_of(module, package)
        edges.setdefault(source, set())
        for dep in deps:
            if dep == package or dep.startswith(package + "."):
                target = unit_of(dep, package)
                if target != source:
                    edges[source].add(target)
    return edges


def package_cycles(graph: dict) -> list:
    """Every cycle between the children of any one package, named by that package."""
    packages = sorted({name for name in graph if any(other.startswith(name + ".") for other in graph)})
    return [(package, cycle) for package in packages for cycle in cycles(package_graph(graph, package))]


# The service's two halves (docs/architecture.md). The public half serves visitors with no database; the staff half
# is mounted by the factory (server.app) through server.staff when a console database is configured.
STAFF_HALF = ("server.staff", "server.console", "server.auth", "server.waivers", "server.dashboard",
              "server.statements", "server.monitoring", "server.equal_access", "server.db")
# The wiring that may name both halves: the factory, the command line and gunicorn's settings.
WIRING = ("server.app", "server.cli", "server.commands", "server.gunicorn_conf")


def public_half(graph: dict) -> list:
    """The service's modules that are neither staff nor wiring: what a visitor's request may run."""
    def inside(name, packages):
        return any(name == package or name.startswith(package + ".") for package in packages)

    return sorted(name for name in graph if name.startswith("server.")
                  and not inside(name, STAFF_HALF + WIRING + ("server.core",)))


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


def test_no_cycle_between_the_folders_of_any_package(graph):
    # {config, db, models, registry, schemas, …} and {blueprints, console, static_delivery} were cycles of folders
    # although no two of their modules imported each other.
    assert package_cycles(graph) == []


def test_the_core_imports_nothing_of_the_project_but_itself(graph):
    outside = sorted(f"{name} imports {dep}" for name, deps in graph.items() if name.startswith("server.core")
                     for dep in deps if not dep.startswith("server.core"))
    assert outside == []


@pytest.mark.parametrize("source", ["extension", "consent_banner"])
def test_qa_and_the_banner_reach_the_service_only_through_its_core(graph, source):
    reached = sorted(f"{name} imports {dep}" for name, deps in graph.items() if name.split(".")[0] == source
                     for dep in deps if dep.split(".")[0] == "server" and not dep.startswith("server.core"))
    assert reached == []


def test_the_public_half_never_imports_the_staff_half(graph):
    reached = sorted(f"{name} imports {dep}" for name in public_half(graph) for dep in graph[name]
                     for staff in STAFF_HALF if dep == staff or dep.startswith(staff + "."))
    assert reached == []
    # The table above must name real folders, or the rule would pass on nothing.
    assert all(any(name.startswith(staff) for name in graph) for staff in STAFF_HALF)
    assert {"server.public.banner", "server.public.api", "server.static_delivery.served_file"} <= set(graph)


def face_imports(path: Path) -> list:
    """What a package's __init__.py imports when it is run (not in functions): a parent-package import pays for it."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("face", sorted(str(path.relative_to(ROOT)) for package in PACKAGES
                                        for path in (ROOT / package).rglob("__init__.py")
                                        if "node_modules" not in path.parts and "migrations" not in path.parts))
def test_a_package_face_imports_only_its_own_modules(face):
    # Importing server.auth.roles runs server/auth/__init__.py first: a face that wired Flask-WTF or SQLAlchemy made
    # every light module of its package heavy.
    package = face.rpartition("/")[0].replace("/", ".")
    outside = [name for name in face_imports(ROOT / face) if not (name.startswith(".") or name.startswith(package + "."))]
    assert outside == []


def test_nothing_imports_the_factory_through_the_package_face(graph):
    # server/__init__.py lends `create_app` to gunicorn's 'server:create_app()' only; the project imports server.app.
    assert sorted(name for name, deps in graph.items() if "server" in deps) == []


def test_the_rules_catch_a_cycle_and_a_wrong_arrow(tmp_path):
    # The checker itself: a made-up tree with one cycle (lazy import included) and one forbidden arrow.
    files = {
        "server/__init__.py": "def __getattr__(name):\n    from server.a import thing\n",
        "server/a.py": "from server.b import thing\n",
        "server/c/__init__.py": "",
        "server/c/one.py": "from server.d.two import x\n",
        "server/d/__init__.py": "",
        "server/d/two.py": "import server.c\n",
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
    # No two modules of c and d import each other, yet the folders do; the face's __getattr__ draws no arrow.
    assert package_cycles(made_up) == [("server", ["server.a", "server.b"]), ("server", ["server.c", "server.d"])]
    assert made_up["server"] == set()
    assert arrows(made_up, "consent_banner", "server") == ["consent_banner.build imports server.a"]
    assert arrows(made_up, "consent_banner", "extension") == ["consent_banner.build imports extension.rules"]
    assert made_up["extension.rules"] == {"extension.other"}
