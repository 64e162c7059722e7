"""Load with faults on a real gunicorn: client threads send a mix while workers are killed or reloaded.

bench/chaos.py runs it for long; tests/reliability/test_chaos_quick.py for a few seconds.
"""

import http.client
import json
import os
import signal
import statistics
import threading
import time
from collections import Counter

from gunicorn_server import REQUEST_TIMEOUT
from gunicorn_server import Gunicorn
from gunicorn_server import request

SIGNALS = {"sigkill": signal.SIGKILL, "sigterm": signal.SIGTERM}


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
