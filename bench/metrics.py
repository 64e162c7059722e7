"""What counting for /metrics costs the public endpoints: throughput with and without it, in one run.

Run: .venv/bin/python bench/metrics.py [--seconds 4] [--rounds 3] [--connections 32] [--workers 3]
Two gunicorn instances with the same settings side by side: the service as shipped (counting in its workers'
shared folder, a scraper reading /metrics every second on CONSENT_METRICS_BIND while it is measured) and the same
app with its counting layer peeled off (bench/uncounted_app.py). Each endpoint's counted run sits between two
uncounted runs with the same method and headers; the ratio is counted / mean(uncounted), medians over rounds.
Target (issue 23): every ratio ≥ 0.95.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from chaos import free_port
from nginx import answers
from serve import BROWSER_CODINGS
from serve import GUNICORN
from serve import ROOT
from serve import ensure_wrk
from serve import run_wrk
from serve import service_env

TARGET = 0.95
# A busy machine (other test runs) boots a worker in tens of seconds.
START_SECONDS = 180


def start_gunicorn(app, port, workers, extra_env=None):
    """gunicorn with the service's settings (as bench/serve.py starts it), waiting as long as a busy machine needs."""
    env = {**service_env(port), "CONSENT_WORKERS": str(workers), **(extra_env or {})}
    command = [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath", f"{ROOT},{ROOT / 'bench'}", app]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if answers(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read(), START_SECONDS):
        return process
    process.kill()
    raise SystemExit(f"gunicorn for {app} did not start on port {port}")


class Scraper:
    """Prometheus' part, harder than Prometheus (every second, not every 15): reads /metrics while it runs."""

    def __init__(self, url):
        self.url = url
        self.stopping = threading.Event()
        self.scrapes = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self.stopping.wait(1.0):
            with urllib.request.urlopen(self.url, timeout=5) as response:
                response.read()
            self.scrapes += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


def workers_cpu_seconds(master_pid):
    """User + system CPU seconds used so far by the gunicorn workers of this master (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            name = Path(stat.parent, "comm").read_text().strip()
        except OSError:
            continue
        if fields[1] == str(master_pid) and name.startswith("gunicorn"):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def measured(url, seconds, connections, master_pid, **options):
    """One wrk run, with the workers' CPU µs per request (steadier than req/s on a shared machine)."""
    before = workers_cpu_seconds(master_pid)
    result = run_wrk(url, seconds, connections, **options)
    used = workers_cpu_seconds(master_pid) - before
    result["cpu_us"] = used / max(result["rps"] * seconds, 1) * 1e6
    return result


def in_process(calls, blocks=10):
    """Per request in one process, no network: CPU µs with and without counting (mmap files, as under gunicorn),
    alternating blocks of calls so both see the same machine; {endpoint: (µs without, µs with)}."""
    folder = tempfile.mkdtemp(prefix="bench-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # before prometheus_client is first imported
    os.environ.setdefault("CONSENT_DEMO", "1")
    os.environ.setdefault("CONSENT_SECRET_KEYS", "bench-key-0123456789abcdef-newest")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the checkout's server package, as gunicorn's --pythonpath gives it
    from werkzeug.test import EnvironBuilder

    from server import create_app
    from uncounted_app import _without_counting

    counted, uncounted = create_app({"DATABASE_URL": None}), _without_counting(create_app({"DATABASE_URL": None}))
    token = json.loads(counted.test_client().post("/v1/demo/opt-out").data)["token"]
    cases = {"GET banner.js (200)": ("GET", "/v1/demo/banner.js", {"Accept-Encoding": BROWSER_CODINGS}),
             "POST opt-out": ("POST", "/v1/demo/opt-out", {}),
             "GET status (token)": ("GET", "/v1/demo/status", {"X-Consent-Token": token}),
             "GET notice": ("GET", "/v1/demo/notice", {})}

    def timed(app, environ):
        # CPU time of this process: other runs on the machine change the wall clock far more than this.
        started = time.process_time()
        for _ in range(calls):
            body = app.wsgi_app(dict(environ), lambda status, headers, exc_info=None: None)
            b"".join(body)
            getattr(body, "close", lambda: None)()
        return (time.process_time() - started) / calls * 1e6

    results = {}
    for name, (method, path, headers) in cases.items():
        environ = EnvironBuilder(method=method, path=path, headers=headers).get_environ()
        spans = {False: [], True: []}
        for _ in range(blocks):
            spans[False].append(timed(uncounted, environ))
            spans[True].append(timed(counted, environ))
        results[name] = (statistics.median(spans[False]), statistics.median(spans[True]))
    shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--calls", type=int, default=500, help="in-process calls per block (10 blocks per endpoint)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    ensure_wrk()
    counted_port, uncounted_port, metrics_port = free_port(), free_port(), free_port()
    counted = start_gunicorn("wsgi:app", counted_port, args.workers,
                             {"CONSENT_METRICS_BIND": f"127.0.0.1:{metrics_port}"})
    uncounted = start_gunicorn("uncounted_app:app", uncounted_port, args.workers)
    try:
        bases = {True: f"http://127.0.0.1:{counted_port}", False: f"http://127.0.0.1:{uncounted_port}"}
        tokens = {}
        for with_metrics, base in bases.items():
            request = urllib.request.Request(f"{base}/v1/demo/opt-out", method="POST")
            tokens[with_metrics] = json.load(urllib.request.urlopen(request))["token"]
        cases = [
            ("GET banner.js (200)", "/v1/demo/banner.js", lambda _: {"headers": {"Accept-Encoding": BROWSER_CODINGS}}),
            ("POST opt-out", "/v1/demo/opt-out", lambda _: {"method": "POST"}),
            ("GET status (token)", "/v1/demo/status",
             lambda counted: {"headers": {"X-Consent-Token": tokens[counted]}}),
            ("GET notice", "/v1/demo/notice", lambda _: {}),
        ]
        scraper = Scraper(f"http://127.0.0.1:{metrics_port}/metrics")
        rows = {name: {"ratios": [], "counted": [], "uncounted": [], "cpu_counted": [], "cpu_uncounted": []}
                for name, _, _ in cases}
        with scraper:
            for _ in range(args.rounds):
                for name, path, options in cases:
                    before = measured(bases[False] + path, args.seconds, args.connections, uncounted.pid,
                                      **options(False))
                    result = measured(bases[True] + path, args.seconds, args.connections, counted.pid,
                                      **options(True))
                    after = measured(bases[False] + path, args.seconds, args.connections, uncounted.pid,
                                     **options(False))
                    rows[name]["counted"].append(result["rps"])
                    rows[name]["uncounted"] += [before["rps"], after["rps"]]
                    rows[name]["ratios"].append(result["rps"] / ((before["rps"] + after["rps"]) / 2))
                    rows[name]["cpu_counted"].append(result["cpu_us"])
                    rows[name]["cpu_uncounted"] += [before["cpu_us"], after["cpu_us"]]
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
            exposition = response.read().decode()
        load = os.getloadavg()
        print(f"\n{args.workers} sync workers, {args.connections} connections, {args.seconds} s per run, "
              f"{args.rounds} rounds (medians), {os.cpu_count()} cores, load average at the end "
              f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; {scraper.scrapes} scrapes of /metrics meanwhile\n")
        print("| endpoint | req/s without counting | req/s with counting | ratio | workers' CPU µs/request without "
              "| with | CPU ratio | target ≥ 0.95 (CPU ratio) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        results = {}
        for name, row in rows.items():
            cpu = (statistics.median(row["cpu_uncounted"]), statistics.median(row["cpu_counted"]))
            results[name] = {"uncounted_rps": statistics.median(row["uncounted"]),
                             "counted_rps": statistics.median(row["counted"]),
                             "ratio": statistics.median(row["ratios"]), "ratios": row["ratios"],
                             "cpu_us": cpu, "cpu_ratio": cpu[0] / cpu[1]}
            result = results[name]
            print(f"| {name} | {result['uncounted_rps']:.0f} | {result['counted_rps']:.0f} | {result['ratio']:.3f} | "
                  f"{cpu[0]:.0f} | {cpu[1]:.0f} | {result['cpu_ratio']:.3f} | "
                  f"{'met' if result['cpu_ratio'] >= TARGET else 'not met'} |")
        print("\n| in one process, no network | µs without counting | µs with counting | added µs | ratio |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, (without, with_counting) in in_process(args.calls).items():
            results[name].update(in_process_us=(without, with_counting))
            print(f"| {name} | {without:.1f} | {with_counting:.1f} | {with_counting - without:.1f} | "
                  f"{without / with_counting:.3f} |")
        opted = [line for line in exposition.splitlines() if line.startswith("consent_opt_outs_total")]
        print(f"\nCounted meanwhile (from /metrics): {'; '.join(opted)}")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    finally:
        for process in (counted, uncounted):
            process.send_signal(signal.SIGTERM)
        for process in (counted, uncounted):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
