"""A bad whole-number setting stops `consent-service` and gunicorn's master with one line naming it (exit 1, no
traceback): every integer setting, through the real console script and the packaged gunicorn settings."""

import subprocess

import pytest
from gunicorn_server import GUNICORN
from gunicorn_server import Gunicorn
from gunicorn_server import free_port
from live_service import CONSENT_SERVICE

KEY = "settings-at-start-key-0123456789"
# Each integer setting, and the command that reads it: the factory's through `export`, monitoring's through
# `monitor run` (which stops before any browser starts).
INTEGERS = [
    ("CONSENT_TOKEN_MAX_AGE", 1, ["export"]),
    ("CONSENT_WAIVER_LEAD_DAYS", 0, ["export"]),
    ("CONSENT_EQUAL_ACCESS_SLOTS", 0, ["export"]),
    ("CONSENT_WORKERS", 1, ["export"]),
    ("CONSENT_SCREENSHOT_RETENTION_DAYS", 1, ["monitor", "run"]),
    ("CONSENT_MONITOR_LEASE_SECONDS", 5, ["monitor", "run"]),
    ("CONSENT_MONITOR_ATTEMPTS", 1, ["monitor", "run"]),
]


def service_env(tmp_path, name, value):
    """The service's environment (the suite's upgraded console database, a real key) with one setting set to value."""
    env = Gunicorn(workers=2, CONSENT_SECRET_KEYS=KEY).env
    env["CONSENT_BIND"] = f"127.0.0.1:{free_port()}"
    env[name] = value
    return env


@pytest.mark.parametrize(("name", "minimum", "command"), INTEGERS)
def test_a_bad_integer_stops_its_command_with_one_line(tmp_path, name, minimum, command):
    # One bad value each, a start costing seconds: below the minimum where 0 is allowed, else not a number (every
    # other pair is in tests/core/test_settings.py).
    value = "abc" if minimum else "-7"
    args = [*command, str(tmp_path / "out")] if command == ["export"] else command
    done = subprocess.run([str(CONSENT_SERVICE), *args], cwd=tmp_path, env=service_env(tmp_path, name, value),
                          capture_output=True, text=True, timeout=60)
    reason = "is not a whole number" if value == "abc" else f"must be at least {minimum}"
    # `monitor run` warns first when run as root (Chromium without its sandbox): not an error line.
    lines = [line for line in done.stderr.splitlines() if not line.startswith("warning: running as root")]
    assert done.returncode == 1, done.stdout + done.stderr
    assert lines == [f'Error: {name}: "{value}" {reason}'], done.stderr


@pytest.mark.parametrize(("name", "minimum", "command"), INTEGERS)
def test_a_bad_integer_stops_gunicorn_in_the_master_with_one_line(tmp_path, name, minimum, command):
    done = subprocess.run([str(GUNICORN), "-c", "python:server.gunicorn_conf", "server:create_app()"], cwd=tmp_path,
                          env=service_env(tmp_path, name, "abc"), capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output and "Booting worker" not in output, output
    assert [line for line in output.splitlines() if name in line] == [f'{name}: "abc" is not a whole number'], output

