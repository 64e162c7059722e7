"""Monitoring end to end through a real Selenium Grid 4: N synthetic agency sites on loopback, checked and stored
like the worker does, with one Grid node and with two.

Run: .venv/bin/python bench/monitor.py [--agencies 6] [--pages 4] [--sessions 1,2] [--local 1,2,4] [--gpc]
Serves the real service (werkzeug, in a thread) with N agency files whose sites live under /bx/AGENCY/N/:
each site loads the real banner and a declared tracker; every third agency's pages set a three-year cookie
(2.2 fails) and one page of every fourth has no banner at all (1.3.2 and others fail). Each configuration
starts a manual run of every agency (`monitor run`'s code: lease, check in Chromium, record findings,
screenshots and regressions in the console database, PostgreSQL by default as workers on many machines share
it) and prints pages per minute, browser starts included:
- through a Selenium Grid (tests/selenium_grid.py: the pinned jar, nodes on Debian's Chromium) of one node and of
  two nodes, each node with --sessions browser slots, as many worker threads as the Grid has slots;
- optionally on local Chromium (--local worker counts);
then reads the dashboard's matrix (/console/api/agencies, a staff token) to show every agency's run is stored
and shown, and where the time went: in the browser journey, in consent-qa's clause logic, and in ours.
Goals (issue 23): 2 nodes >= 1.7 x 1 node, and >= 60 pages/min with results stored.
"""

import argparse
import json
import os
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
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests")]

import extension.runner  # noqa: E402
from databases import PostgresCluster  # noqa: E402
from databases import staff_bearer  # noqa: E402
from selenium_grid import SeleniumGrid  # noqa: E402
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


def serve(folder, agencies, pages, database):
    """The real service with the bench agencies and their sites on this console database, in a thread."""
    server = make_server("127.0.0.1", 0, None, threaded=True, request_handler=Quiet)
    base = f"http://127.0.0.1:{server.server_port}"
    (folder / "agencies").mkdir()
    for agency_id in agencies:
        paths = ", ".join(f'"/bx/{agency_id}/{n}/"' for n in range(1, pages + 1))
        (folder / "agencies" / f"{agency_id}.toml").write_text(AGENCY.format(id=agency_id, origin=base, pages=paths))
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


def dashboard_rows(app, bearer):
    """The dashboard's matrix as a staff member's client reads it: {agency: (latest run id, verdicts)}, and ms."""
    client = app.test_client()
    started = time.perf_counter()
    response = client.get("/console/api/agencies", headers={"Authorization": bearer})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"/console/api/agencies: {response.status_code} {response.get_data(as_text=True)[:300]}")
    rows = {row["id"]: ((row["latest_run"] or {}).get("id"), row["verdicts"])
            for row in response.get_json()["agencies"]}
    return rows, round(elapsed, 1)


def measure(app, settings, agencies, *, workers, remote_urls=(), gpc, nodes=0, sessions=0, bearer):
    """One configuration: a manual run of every agency; pages per minute, where the time went, and the dashboard."""
    timed_evaluate = Timed(extension.runner.judge)
    extension.runner.judge = timed_evaluate
    checker = TimedChecker(remote_urls, gpc=gpc)
    before, _ms = dashboard_rows(app, bearer)
    started = time.perf_counter()
    try:
        summary = run_now(app, settings, checker, agencies, workers=workers, progress=NoBar)
    finally:
        checker.close()
        extension.runner.judge = timed_evaluate.function
    elapsed = time.perf_counter() - started
    after, matrix_ms = dashboard_rows(app, bearer)
    pages = sum(len(agency.monitoring.pages) for agency in agencies)
    busy = elapsed * workers  # thread-seconds available
    browser = checker.seconds - timed_evaluate.seconds
    # Stored and shown: the matrix names a new run, with verdicts, for every agency.
    shown = sum(1 for agency in agencies if after[agency.id][0] not in (None, before[agency.id][0])
                and after[agency.id][1])
    where = f"Grid, {nodes} node(s) × {sessions} session(s)" if nodes else "local Chromium"
    return {"configuration": where, "nodes": nodes, "sessions_per_node": sessions, "workers": workers, "gpc": gpc,
            "pages": pages, "seconds": round(elapsed, 1), "pages_per_minute": round(60 * pages / elapsed, 1),
            "share_browser": round(browser / busy, 3), "share_clause_logic": round(timed_evaluate.seconds / busy, 3),
            "share_ours": round((busy - checker.seconds) / busy, 3),
            "failing_clauses": summary["failures"], "pages_not_checked": summary["errors"],
            "agencies_shown_on_dashboard": shown, "matrix_ms": matrix_ms, "load_after": os.getloadavg()[0]}


def on_grid(app, settings, agencies, *, nodes, sessions, gpc, bearer):
    """A fresh Grid of this shape, every slot given a browser (two per worker with the GPC visit), then stopped."""
    grid = SeleniumGrid(nodes=nodes, max_sessions=sessions).start()
    try:
        workers = max(1, nodes * sessions // (2 if gpc else 1))
        result = measure(app, settings, agencies, workers=workers, remote_urls=[grid.url], gpc=gpc, nodes=nodes,
                         sessions=sessions, bearer=bearer)
        result["sessions_by_node"] = list(grid.sessions_by_node().values())
        return result
    finally:
        grid.stop()


def report(results, agencies):
    """The Markdown table and the goals, for bench/RESULTS.md."""
    print(f"\nload average at the end (1, 5, 15 min): {os.getloadavg()} on {os.cpu_count()} CPUs\n")
    print("| configuration | workers | pages | seconds | pages/min | stored and shown | browser | clause logic "
          "| ours |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['configuration']}{', GPC' if r['gpc'] else ''} | {r['workers']} | {r['pages']} | {r['seconds']} | "
              f"{r['pages_per_minute']} | {r['agencies_shown_on_dashboard']}/{len(agencies)} agencies | "
              f"{r['share_browser']:.0%} | {r['share_clause_logic']:.0%} | {r['share_ours']:.0%} |")
    grid = {(r["nodes"], r["sessions_per_node"]): r for r in results if r["nodes"]}
    for (nodes, sessions), two in sorted(grid.items()):
        one = grid.get((1, sessions))
        if nodes == 2 and one:
            ratio = two["pages_per_minute"] / one["pages_per_minute"]
            print(f"2 nodes / 1 node at {sessions} session(s) per node: {ratio:.2f}x "
                  f"(goal >= 1.7x: {'met' if ratio >= 1.7 else 'NOT met'})")
    stored = [r for r in results if r["nodes"] and r["agencies_shown_on_dashboard"] == len(agencies)
              and not r["pages_not_checked"]]
    best = max((r["pages_per_minute"] for r in stored), default=0)
    print(f"best through the Grid with every result stored and shown: {best} pages/min "
          f"(goal >= 60: {'met' if best >= 60 else 'NOT met'})")


def main():
    """Measure every configuration and print JSON and a Markdown table for bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=6)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--gpc", action="store_true", help="also the Global Privacy Control visit (two browsers)")
    parser.add_argument("--sessions", default="1,2", help="browser slots per Grid node to measure (comma-separated)")
    parser.add_argument("--local", default="", help="also local Chromium with these worker counts, e.g. 1,2,4")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    agencies_ids = [f"bench{n}" for n in range(1, args.agencies + 1)]
    cluster = PostgresCluster().start() if args.database == "postgresql" else None
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-monitor-") as folder:
            os.environ["CONSENT_SCREENSHOT_DIR"] = str(Path(folder) / "shots")
            database = cluster.create_database("bench_monitor") if cluster else f"sqlite:///{folder}/console.sqlite3"
            server, app = serve(Path(folder), agencies_ids, args.pages, database)
            settings = settings_for(app)
            agencies = engine.monitored(app)
            bearer = staff_bearer(database, "auditor")
            for workers in [int(n) for n in args.local.split(",") if n]:
                results.append(measure(app, settings, agencies, workers=workers, gpc=args.gpc, bearer=bearer))
                print(json.dumps(results[-1]), flush=True)
            for sessions in [int(n) for n in args.sessions.split(",") if n]:
                for nodes in (1, 2):
                    results.append(on_grid(app, settings, agencies, nodes=nodes, sessions=sessions, gpc=args.gpc,
                                           bearer=bearer))
                    print(json.dumps(results[-1]), flush=True)
            server.shutdown()
            app.extensions["database"].kw["bind"].dispose()
    finally:
        if cluster:
            cluster.stop()
    report(results, agencies_ids)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
