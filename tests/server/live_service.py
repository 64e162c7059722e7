"""The real service under gunicorn for tests: its own console database, the `consent-service` commands, a token."""

import subprocess
from pathlib import Path

from gunicorn_server import Gunicorn

ROOT = Path(__file__).resolve().parents[2]
CONSENT_SERVICE = ROOT / ".venv" / "bin" / "consent-service"


def consent_service(env, *args):
    """Run a `consent-service` command with this environment; its standard output (a failure fails the test)."""
    done = subprocess.run([str(CONSENT_SERVICE), *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"consent-service {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def staff_token(env, name="qa-bot"):
    """A real `qa` API token made with the service's own commands (equal-access is a staff endpoint)."""
    consent_service(env, "db", "upgrade")
    consent_service(env, "users", "add", name, "--role", "qa")
    return consent_service(env, "tokens", "create", name).strip().splitlines()[-1]


def started_gunicorn(folder, workers=1, **env):
    """gunicorn with the service's settings (demo on unless env says otherwise), its console database in folder."""
    server = Gunicorn(workers=workers, log_dir=folder, **{"CONSENT_DEMO": "1", **env,
                      "CONSENT_DATABASE_URL": f"sqlite:///{folder / 'console.sqlite'}"})
    consent_service(server.env, "db", "upgrade")
    return server.start()
