"""Monitoring end to end: N synthetic agency sites on loopback, checked and stored like the worker does.

Run: .venv/bin/python bench/monitor.py [--agencies 6] [--pages 4] [--gpc]
Serves the real service (werkzeug, in a thread) with N agency files whose sites live under /bx/AGENCY/N/:
each site loads the real banner and a declared tracker; every third agency's pages set a three-year cookie
(2.2 fails) and one page of every fourth has no banner at all (1.3.2 and others fail). Each configuration
starts a manual run of every agency (`monitor run`'s code: lease, check in Chromium, record findings,
screenshots and regressions in a SQLite console database) and prints pages per minute, browser starts included:
- 1 and 2 workers on local Chromium;
- 2 workers on two local `chromedriver --port` endpoints standing in for Selenium Grid nodes (--remote-url);
and where the time goes: in the browser journey, in consent-qa's clause logic, and in ours (lease, notice,
waivers, recording).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask import Blueprint
from flask import Response
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import extension.runner  # noqa: E402
from extension.chromium import CHROMEDRIVER  # noqa: E402
from monitoring import engine  # noqa: E402
from monitoring.check import Checker  # noqa: E402
from monitoring.now import run_now  # noqa: E402
from server.monitoring.settings import settings_for  # noqa: E402
from server import create_app  # noqa: E402
from server.db.migrate import upgrade_url  # noqa: E402

KEYS = ["bench-monitor-key-0123456789abcdef"]
THREE_YEARS = 3 * 365 * 24 * 3600
AGENCY = """id = "{id}"
name = "Bench Agency {id}"
origins = ["{origin}"]
privacy_policy_url = "{origin}/bx/{id}/privacy"
terms_url = "{origin}/bx/{id}/privacy"
mode = "opt-out"
commonwealth_domains = ["127.0.0.1"]

[[trackers]]
id = "bx-stats"
vendor = "BX Stats"
purpose = "Counts visits to make the site easier to use."
license_url = "{origin}/bx/{id}/privacy"
privacy_url = "{origin}/bx/{id}/privacy"
contracted = true
requests = ["/bx/tracker/"]

[[trackers.cookies]]
name = "_bx_stats"
domain = "127.0.0.1"
persistent = true
expiry_days = 365

[monitoring]
pages = [{pages}]
schedule = "weekly"
"""
TRACKER = ('document.cookie = "_bx_stats=1; path=/; max-age=" + 365 * 24 * 3600 + "; SameSite=Lax";'
           'fetch("/bx/tracker/collect", {credentials: "same-origin"});')


class Quiet(WSGIRequestHandler):
    """No access log in the measurements."""

    def log(self, *args):
        pass


def site_blueprint(agencies):
    """The synthetic sites: /bx/AGENCY/N/ (and /more), with their flaws."""
    bp = Blueprint("bx", __name__, url_prefix="/bx")
    flaws = {agency_id: index for index, agency_id in enumerate(agencies)}

    def page(agency_id, number, title):
        index = flaws[agency_id]
        banner = "" if index % 4 == 3 and number == 1 else f'<script src="/v1/{agency_id}/banner.js" async></script>'
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{banner}
<script type="text/plain" data-tracker="bx-stats" src="/bx/tracker/stats.js"></script></head>
<body><main><h1>{title}</h1><p>Agency {agency_id} renews licenses and answers questions.</p>
<p><a href="/bx/{agency_id}/{number}/more">More about this service</a></p></main>
<footer><a href="/bx/{agency_id}/privacy">Privacy</a></footer></body></html>"""
        response = Response(body, mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'"
        if index % 3 == 2:
            response.headers["Set-Cookie"] = f"bx_prefs=1; Max-Age={THREE_YEARS}; Path=/"
        return response

    bp.add_url_rule("/<agency_id>/<int:number>/", "page",
                    lambda agency_id, number: page(agency_id, number, f"Service {number}"))
    bp.add_url_rule("/<agency_id>/<int:number>/more", "more",
                    lambda agency_id, number: page(agency_id, number, f"More about service {number}"))
    bp.add_url_rule("/<agency_id>/privacy", "privacy", lambda agency_id: page(agency_id, 0, "Privacy"))
    bp.add_url_rule("/tracker/stats.js", "tracker", lambda: Response(TRACKER, mimetype="text/javascript"))
    bp.add_url_rule("/tracker/collect", "collect", lambda: Response(status=204))
    return bp


def serve(folder, agencies, pages):
    """The real service with the bench agencies and their sites, in a thread; (server, base URL, database URL)."""
    server = make_server("127.0.0.1", 0, None, threaded=True, request_handler=Quiet)
    base = f"http://127.0.0.1:{server.server_port}"
    (folder / "agencies").mkdir()
    for agency_id in agencies:
        paths = ", ".join(f'"/bx/{agency_id}/{n}/"' for n in range(1, pages + 1))
        (folder / "agencies" / f"{agency_id}.toml").write_text(AGENCY.format(id=agency_id, origin=base, pages=paths))
    database = f"sqlite:///{folder / 'console.sqlite3'}"
    upgrade_url(database)
    app = create_app({"AGENCIES_DIR": str(folder / "agencies"), "SECRET_KEYS": KEYS, "DEMO": False,
                      "DATABASE_URL": database, "PUBLIC_URL": base})
    app.register_blueprint(site_blueprint(agencies))
    server.app = app
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, app


class TimedChecker(Checker):
    """The worker's checker, timing the browser journey (consent-qa's clause logic timed apart)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = 0.0
        self._lock = threading.Lock()

    def check(self, url, notice, waivers, day):
        started = time.perf_counter()
        try:
            return super().check(url, notice, waivers, day)
        finally:
            with self._lock:
                self.seconds += time.perf_counter() - started


class Timed:
    """A function wrapped to add up its wall time (consent-qa's evaluate)."""

    def __init__(self, function):
        self.function = function
        self.seconds = 0.0
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            with self._lock:
                self.seconds += time.perf_counter() - started


class NoBar:
    """run_now's progress bar, silent."""

    def __init__(self, _total):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def update(self, _count):
        pass


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def chromedriver_endpoints(count):
    """`chromedriver --port` processes on loopback, as Grid nodes would be; (urls, processes)."""
    urls, processes = [], []
    for _ in range(count):
        port = free_port()
        home = tempfile.mkdtemp(prefix="bench-node-")
        processes.append(subprocess.Popen([CHROMEDRIVER, f"--port={port}", "--allowed-ips=127.0.0.1"],
                                          env={**os.environ, "HOME": home, "TMPDIR": home},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
    time.sleep(1.0)
    return urls, processes


def measure(app, settings, agencies, *, workers, remote_urls=(), gpc):
    """One configuration: a manual run of every agency; pages per minute and where the time went."""
    timed_evaluate = Timed(extension.runner.judge)
    extension.runner.judge = timed_evaluate
    checker = TimedChecker(remote_urls, gpc=gpc)
    started = time.perf_counter()
    try:
        summary = run_now(app, settings, checker, agencies, workers=workers, progress=NoBar)
    finally:
        checker.close()
        extension.runner.judge = timed_evaluate.function
    elapsed = time.perf_counter() - started
    pages = sum(len(agency.monitoring.pages) for agency in agencies)
    busy = elapsed * workers  # thread-seconds available
    browser = checker.seconds - timed_evaluate.seconds
    return {"workers": workers, "endpoints": list(remote_urls) or ["local"], "gpc": gpc, "pages": pages,
            "seconds": round(elapsed, 1), "pages_per_minute": round(60 * pages / elapsed, 1),
            "share_browser": round(browser / busy, 3), "share_clause_logic": round(timed_evaluate.seconds / busy, 3),
            "share_ours": round((busy - checker.seconds) / busy, 3),
            "failing_clauses": summary["failures"], "pages_not_checked": summary["errors"]}


def main():
    """Measure every configuration and print JSON and a Markdown table for bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=6)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--gpc", action="store_true", help="also the Global Privacy Control visit (two browsers)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure (comma-separated)")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    agencies_ids = [f"bench{n}" for n in range(1, args.agencies + 1)]
    with tempfile.TemporaryDirectory(prefix="bench-monitor-") as folder:
        os.environ["CONSENT_SCREENSHOT_DIR"] = str(Path(folder) / "shots")
        server, app = serve(Path(folder), agencies_ids, args.pages)
        settings = settings_for(app)
        agencies = engine.monitored(app)
        results = [measure(app, settings, agencies, workers=n, gpc=args.gpc) for n in counts]
        urls, nodes = chromedriver_endpoints(2)
        try:
            # Scaling with endpoints: the same workers per endpoint on one node, then on two.
            for per_node in counts:
                results.append(measure(app, settings, agencies, workers=per_node, remote_urls=urls[:1], gpc=args.gpc))
                results.append(measure(app, settings, agencies, workers=2 * per_node, remote_urls=urls, gpc=args.gpc))
        finally:
            for node in nodes:
                node.terminate()
                node.wait(timeout=10)
        server.shutdown()
    print(json.dumps(results, indent=2))
    print(f"\nload average while measuring (1, 5, 15 min): {os.getloadavg()} on {os.cpu_count()} CPUs\n")
    print("| configuration | pages | seconds | pages/min | browser | clause logic | ours |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        where = "local Chromium" if r["endpoints"] == ["local"] else f"{len(r['endpoints'])} chromedriver endpoint(s)"
        print(f"| {r['workers']} worker(s), {where}{', GPC' if r['gpc'] else ''} | {r['pages']} | {r['seconds']} | "
              f"{r['pages_per_minute']} | {r['share_browser']:.0%} | {r['share_clause_logic']:.0%} | "
              f"{r['share_ours']:.0%} |")


if __name__ == "__main__":
    main()
