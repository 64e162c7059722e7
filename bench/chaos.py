"""Load with faults: gunicorn keeps answering while its workers are killed, terminated or reloaded.

Run: .venv/bin/python bench/chaos.py [--seconds 30] [--interval 5] [--connections 64] [--workers 2]
                                     [--scenarios baseline,sigkill,sigterm,hup] [--json results.json]
(a scenario such as sigterm+hup alternates its faults)
Loopback only, every run bounded by --seconds. Each scenario gets a fresh gunicorn (gunicorn.conf.py,
demo on) on a free port, 64 client threads sending a mix of GET status (with a token), POST opt-out and
GET notice, and a fault every --interval seconds: SIGKILL or SIGTERM to one worker, or SIGHUP to the master.
A request fails when it gets no answer, a non-2xx answer, or a wrong one (a status that forgot the opt-out).
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
START_TIMEOUT = 60
REQUEST_TIMEOUT = 15
SIGNALS = {"sigkill": signal.SIGKILL, "sigterm": signal.SIGTERM}


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
        return children(self.process.pid)

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


class Load:
    """Client threads sending the mix until told to stop; each keeps its own counts (no lock on the hot path)."""

    def __init__(self, port, connections, token):
        self.port = port
        self.connections = connections
        self.mix = [("GET", "/v1/demo/status", None, {"X-Consent-Token": token}, b'"opted_out":true'),
                    ("POST", "/v1/demo/opt-out", b"", {"Content-Length": "0"}, b'"token"'),
                    ("GET", "/v1/demo/notice", None, {}, b'"trackers"')]
        self.stop_event = threading.Event()
        self.results = []

    def _client(self, offset, results):
        index = offset
        while not self.stop_event.is_set():
            method, path, body, headers, expected = self.mix[index % len(self.mix)]
            index += 1
            started = time.monotonic()
            try:
                status, content = request(self.port, method, path, body, headers)
            except (OSError, http.client.HTTPException) as error:
                results["errors"][type(error).__name__] += 1
                continue
            results["latency"].append(time.monotonic() - started)
            if not 200 <= status < 300:
                results["non2xx"][status] += 1
            elif expected not in content:
                results["wrong"] += 1
            else:
                results["ok"] += 1

    def run(self):
        threads = []
        for offset in range(self.connections):
            results = {"ok": 0, "wrong": 0, "non2xx": Counter(), "errors": Counter(), "latency": []}
            self.results.append(results)
            threads.append(threading.Thread(target=self._client, args=(offset, results), daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def totals(self):
        latency = sorted(value for results in self.results for value in results["latency"])
        non2xx = sum((results["non2xx"] for results in self.results), Counter())
        errors = sum((results["errors"] for results in self.results), Counter())
        ok = sum(results["ok"] for results in self.results)
        wrong = sum(results["wrong"] for results in self.results)
        return {"requests": ok + wrong + sum(non2xx.values()) + sum(errors.values()), "ok": ok, "wrong": wrong,
                "non2xx": dict(non2xx), "errors": dict(errors),
                "failed": wrong + sum(non2xx.values()) + sum(errors.values()),
                "p50_ms": round(1000 * statistics.median(latency), 1) if latency else None,
                "p99_ms": round(1000 * latency[int(0.99 * (len(latency) - 1))], 1) if latency else None}


def inject(server, fault):
    """One fault; returns (seconds until the processes are back, seconds until they serve again)."""
    before = server.worker_pids()
    started = time.monotonic()
    if fault == "hup":
        os.kill(server.process.pid, signal.SIGHUP)
        gone = before
    else:
        victim = min(before)
        os.kill(victim, SIGNALS[fault])
        gone = {victim}
    respawned = ready = None
    deadline = started + 30
    while time.monotonic() < deadline and ready is None:
        workers = server.worker_pids()
        back = len(workers) == server.workers and not workers & gone
        if back and respawned is None:
            respawned = time.monotonic() - started
        if back and workers <= server.ready_pids():
            ready = time.monotonic() - started
        time.sleep(0.01)
    return respawned, ready


def run_scenario(fault, seconds, interval, connections, workers, log_dir=None):
    """One fresh gunicorn under load for `seconds`, a fault every `interval` seconds (none for the baseline)."""
    with Gunicorn(workers=workers, log_dir=log_dir) as server:
        server.start()
        status, body = request(server.port, "POST", "/v1/demo/opt-out", b"", {"Content-Length": "0"})
        if status != 200:
            raise RuntimeError(f"opt-out answered {status}: {body[:200]!r}")
        load = Load(server.port, connections, json.loads(body)["token"])
        threads = load.run()
        started = time.monotonic()
        faults, respawn, ready = 0, [], []
        while time.monotonic() - started < seconds:
            next_fault = started + interval * (faults + 1)
            time.sleep(max(0.0, min(next_fault, started + seconds) - time.monotonic()))
            if fault != "baseline" and time.monotonic() - started < seconds - 0.5:
                # "sigterm+hup" alternates the two faults.
                kinds = fault.split("+")
                back, serving = inject(server, kinds[faults % len(kinds)])
                faults += 1
                respawn.append(back)
                ready.append(serving)
        load.stop_event.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
        result = {"scenario": fault, "seconds": round(elapsed, 1), "faults": faults, **load.totals()}
        result["req_per_s"] = round(result["requests"] / elapsed)
        result["respawn_max_s"] = _worst(respawn)
        result["ready_max_s"] = _worst(ready)
        result["tracebacks"] = server.log().count("Traceback")
    return result


def _worst(values):
    """The slowest recovery; None (never back within 30 s) counts as the worst of all."""
    if not values:
        return None
    return float("inf") if None in values else round(max(values), 2)


COLUMNS = ["scenario", "seconds", "faults", "requests", "req_per_s", "ok", "non2xx", "errors", "wrong", "failed",
           "p50_ms", "p99_ms", "respawn_max_s", "ready_max_s", "tracebacks"]


def print_table(results):
    rows = [[str(result.get(column, "")) if result.get(column) != {} else "0" for column in COLUMNS]
            for result in results]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(COLUMNS)]
    print("  ".join(column.ljust(width) for column, width in zip(COLUMNS, widths, strict=False)))
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", default="baseline,sigkill,sigterm,hup")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = {kind for name in scenarios for kind in name.split("+")} - {"baseline", "hup", *SIGNALS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    results = []
    with tempfile.TemporaryDirectory(prefix="chaos-") as log_dir:
        for scenario in scenarios:
            print(f"running {scenario} for {args.seconds:g}s ...", file=sys.stderr, flush=True)
            results.append(run_scenario(scenario, args.seconds, args.interval, args.connections, args.workers,
                                        log_dir=log_dir))
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
