"""gunicorn as a real process on loopback for tests and benchmarks: started, probed, faulted and stopped by pid."""

import http.client
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# A worker boots in about a second, in over 50 s on a machine busy with other runs: generous, not a speed goal.
START_TIMEOUT = 120
REQUEST_TIMEOUT = 15


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid):
    """Pids whose parent is `pid`, read from /proc (fast enough to poll every few milliseconds)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command name: state, then the parent's pid.
        if len(fields) > 1 and fields[1] == str(pid):
            found.add(int(entry))
    return found


def _is_gunicorn(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"gunicorn" in cmdline.read()
    except OSError:
        return False


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on loopback, its log in a file, always stopped by its own pid."""

    def __init__(self, workers=2, port=None, log_dir=None, **env):
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")}
        # The suite's own upgraded console database, never whatever the checkout's instance folder holds.
        if os.environ.get("CONSENT_DATABASE_URL"):
            self.env["CONSENT_DATABASE_URL"] = os.environ["CONSENT_DATABASE_URL"]
        self.env.update({"CONSENT_BIND": f"127.0.0.1:{self.port}", "CONSENT_WORKERS": str(workers),
                         "CONSENT_AGENCIES_DIR": str(ROOT / "agencies")})
        self.env.update(env or {"CONSENT_DEMO": "1"})
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"gunicorn-{self.port}-{time.monotonic_ns()}.log"
        self.process = None
        self._log = None

    def start(self, extra_args=()):
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (open for the server's lifetime, closed by stop)
        self.process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", *extra_args, "wsgi:app"], cwd=ROOT,
                                        env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        return self.wait_ready()

    def log(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def ready_pids(self):
        """Workers that have loaded the app: create_app logs "serving N agencies" under the worker's pid."""
        return {int(pid) for pid in re.findall(r"\[(\d+)\] \[INFO\] server: serving", self.log())}

    def worker_pids(self):
        # Not the master's other children: the visitor-count snapshots run as `python -m server.commands.snapshots`.
        return {pid for pid in children(self.process.pid) if _is_gunicorn(pid)}

    def wait_ready(self, timeout=START_TIMEOUT):
        """Until every worker has loaded the app and /healthz answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            workers = self.worker_pids()
            if len(workers) == self.workers and workers <= self.ready_pids() and self._healthy():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn not ready within {timeout}s:\n{self.log()[-3000:]}")

    def _healthy(self):
        try:
            return request(self.port, "GET", "/healthz")[0] == 200
        except OSError:
            return False

    def stop(self):
        """SIGTERM the master (graceful), then SIGKILL whatever of its own is left."""
        if self.process is None:
            return
        workers = self.worker_pids() if self.process.poll() is None else set()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in workers:
            # Only a worker of ours that outlived its master (its pid still names a gunicorn process).
            if _is_gunicorn(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def request(port, method, path, body=None, headers=None):
    """One request on its own connection (sync workers close every connection): (status, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
