"""Deployments install the package, not the checkout: the wheel and sdist build quietly and completely, and the
installed wheel serves the demo, the choices stylesheet and banner.js from a folder that is not the checkout."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from gunicorn_server import free_port

# Builds the wheel and sdist (a minute): a long run, in `make test-long` (CI runs it), not in `make test`.
pytestmark = [pytest.mark.wheel, pytest.mark.long]
ROOT = Path(__file__).resolve().parents[2]
# Files a deployment cannot do without, found inside the package rather than beside a checkout.
DATA_FILES = [
    "server/static/choices.css",
    "server/templates/choices.html",
    "server/console/templates/console/base.html",
    "server/auth/templates/console/login.html",
    "server/waivers/templates/console/waiver.html",
    "server/dashboard/templates/console/dashboard.html",
    "server/statements/templates/console/statement_pdf.html",
    "server/demo_site/agency.toml",
    "server/demo_site/templates/demo/home.html",
    "server/demo_site/static/site.css",
    "consent_banner/locales/en.json",
    "extension/addon/manifest.json",
]
QUIET_FORBIDDEN = ("BuildBackendWarning", "is absent from the `packages` configuration", "Traceback")


def run(command, cwd, env, timeout=600):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def outside_env():
    """The environment without the checkout's settings or paths."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("CONSENT_") and name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep) if str(ROOT) not in part)
    return env


# What a used checkout holds beside its tracked files: an ignored staging copy, a file nobody added.
STRAYS = ["extension/addon/vendor/autoconsent.tmp/autoconsent.js", "extension/addon/notes.txt",
          "server/templates/draft.html", "consent_banner/locales/xx.json"]


def git(source, *args):
    return subprocess.run(["git", "-c", "user.name=packaging-test", "-c", "user.email=packaging@test.invalid",
                           *args], cwd=source, capture_output=True, check=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """wheel and sdist built from a git snapshot of the checkout's files (tracked and new, not ignored) that
    also holds untracked and ignored files, as a used checkout does; the build log."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "snapshot")
    for name in STRAYS:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("not tracked: must not ship\n")
    log = run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)], work, outside_env())
    wheel = next((work / "dist").glob("*.whl"))
    sdist = next((work / "dist").glob("*.tar.gz"))
    return work, wheel, sdist, log


def test_build_is_quiet(built):
    _, _, _, log = built
    for forbidden in QUIET_FORBIDDEN:
        assert forbidden not in log, [line for line in log.splitlines() if forbidden in line][:5]


def test_wheel_and_sdist_carry_every_data_file(built):
    _, wheel, sdist, _ = built
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert set(DATA_FILES) <= in_wheel, set(DATA_FILES) - in_wheel
    assert not [name for name in in_wheel if name.startswith("tests/") or "node_modules" in name]
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert set(DATA_FILES) <= in_sdist, set(DATA_FILES) - in_sdist


def test_untracked_and_ignored_files_never_ship(built):
    """A wheel is the same from any checkout: what git tracks, not what a launch or an editor left beside it."""
    _, wheel, sdist, _ = built
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert not set(STRAYS) & in_wheel and not set(STRAYS) & in_sdist
    assert not [name for name in in_wheel if ".tmp/" in name or "__pycache__" in name]
    # The committed autoconsent copy and its licence do ship: consent-qa needs no npm where it is installed.
    vendored = "extension/addon/vendor/autoconsent"
    assert {f"{vendored}/autoconsent.js", f"{vendored}/LICENSE"} <= in_wheel


def test_installed_wheel_serves_the_demo_from_another_folder(built):
    work, wheel, _, _ = built
    env = outside_env()
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work, env)
    # Every part: the demo needs the console (db upgrade) and consent-qa's add-on.
    install_log = run([str(venv / "bin" / "pip"), "install", "-q", f"{wheel}[all]"], work, env)
    assert "BuildBackendWarning" not in install_log
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    located = run([str(venv / "bin" / "python"), "-c", "import server; print(server.__file__)"], elsewhere, env)
    assert located.strip().startswith(str(venv)), located
    # consent-qa's add-on is complete as installed: autoconsent travels in the package, nothing is copied at launch.
    complete = run([str(venv / "bin" / "python"), "-c", "from extension.platforms import autoconsent; "
                    "autoconsent.ensure_installed(); print(autoconsent.TARGET)"], elsewhere, env)
    assert complete.strip().startswith(str(venv)), complete
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env.update(CONSENT_DEMO="1", CONSENT_SECRET_KEYS="packaging-test-key-0123456789abcdef", CONSENT_PUBLIC_URL=url)
    run([str(venv / "bin" / "consent-service"), "db", "upgrade"], elsewhere, env)
    # Every command group ships with the package (monitoring lives beside server/).
    for group in ("check-config", "db", "users", "tokens", "export", "monitor"):
        run([str(venv / "bin" / "consent-service"), group, "--help"], elsewhere, env)
    with open(work / "gunicorn.log", "wb") as log:
        # Flask's own way to run a factory; no gunicorn.conf.py here, and the checkout is nowhere on the path.
        server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                   "server:create_app()"], cwd=elsewhere, env=env, stdout=log, stderr=log)
        try:
            pages = {path: fetch(url + path) for path in ("/demo/", "/static/choices.css", "/v1/demo/banner.js")}
        finally:
            server.terminate()
            server.wait(timeout=20)
    status, kind, body = pages["/demo/"]
    assert (status, kind) == (200, "text/html") and b"/v1/demo/banner.js" in body
    status, kind, body = pages["/static/choices.css"]
    assert (status, kind) == (200, "text/css") and len(body) > 200
    status, kind, body = pages["/v1/demo/banner.js"]
    assert (status, kind) == (200, "text/javascript") and len(body) > 2000
    assert f"{url}/demo/privacy".encode() in body or b"/demo/privacy" in body
    audit_another_platform(venv, elsewhere, outside_env(), work / "qa-report")


def audit_another_platform(venv, elsewhere, env, report_dir):
    """Issue 21: the installed consent-qa (autoconsent from the package, no npm, no checkout) audits an Osano page."""
    sys.path.insert(0, str(ROOT / "tests" / "extension" / "fixtures" / "platforms"))
    from hidden_notice_site import AGENCY_HOST
    from hidden_notice_site import RESOLVER_RULES
    from hidden_notice_site import create_site
    from serving import AppServer

    site = AppServer(create_site(), quiet=True).start()
    page = f"http://{AGENCY_HOST}:{site.port}/osano/compliant/"
    try:
        done = subprocess.run([str(venv / "bin" / "consent-qa"), "check", page, "--commonwealth-domain", "agency.test",
                               "--browser-arg", RESOLVER_RULES, "--report-dir", str(report_dir)],
                              cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    finally:
        site.stop()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((report_dir / "report.json").read_text())
    assert report["pages"][0]["platform"] == "osano" and report["summary"]["failed"] == 0


# Huey is installed (it checks an agency file's monitoring schedule) but never loaded by visitors' requests.
NOT_PUBLIC = ("weasyprint", "selenium", "sqlalchemy", "alembic", "redis", "psycopg", "flask_wtf")


def test_the_wheel_without_extras_is_the_public_service(built):
    """`pip install ma-consent`: banner.js and an opt-out served by gunicorn; nothing of the other parts."""
    work, wheel, _, _ = built
    env = outside_env()
    venv = work / "public-venv"
    run([sys.executable, "-m", "venv", str(venv)], work, env)
    run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], work, env)
    elsewhere = work / "public-elsewhere"
    elsewhere.mkdir()
    found = run([str(venv / "bin" / "python"), "-c", "import importlib.util as u; "
                 f"print([name for name in {NOT_PUBLIC!r} if u.find_spec(name)])"], elsewhere, env)
    assert found.strip() == "[]", found
    refused = subprocess.run([str(venv / "bin" / "consent-service"), "users", "add", "ada", "--role", "qa"],
                             cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "Error: the staff console is not installed: pip install 'ma-consent[console]'"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env.update(CONSENT_DEMO="1", CONSENT_SECRET_KEYS="packaging-test-key-0123456789abcdef", CONSENT_PUBLIC_URL=url)
    with open(work / "public-gunicorn.log", "wb") as log:
        server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                   "server:create_app()"], cwd=elsewhere, env=env, stdout=log, stderr=log)
        try:
            status, kind, body = fetch(f"{url}/v1/demo/banner.js")
            opt_out = urllib.request.Request(f"{url}/v1/demo/opt-out", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json", "Origin": url})
            with urllib.request.urlopen(opt_out, timeout=10) as response:
                opted = response.status, json.load(response)
            console = status_of(f"{url}/console/")
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert (status, kind) == (200, "text/javascript") and len(body) > 2000
    assert opted[0] == 200 and opted[1]["opted_out"] is True
    assert console == 404
    assert b"Traceback" not in (work / "public-gunicorn.log").read_bytes()


def status_of(url):
    """The status of one GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def fetch(url, timeout=90):
    """GET url once the server answers: (status, media type, body)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
