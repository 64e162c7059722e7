"""600 agencies × 5 pages from their sitemaps in one run, on PostgreSQL; then the dashboard's matrix p95.

Run: .venv/bin/python bench/whole_sites.py [--agencies 600] [--max-pages 4] [--workers 8] [--check replay|grid]
Serves the real service (werkzeug, in a thread) with N agency files, each monitoring its home page and
`max_pages` more from its sitemap: an index naming a plain and a gzipped sitemap, 25 pages over three sections
(/services/, /news/, /about/). One manual run of every agency (`monitor run`'s code: the sitemap read over HTTP
through the pinned fetcher, pages chosen across sections, leases, recording, heartbeat) on a private PostgreSQL
cluster; then checks that the run finished with every page recorded once, that a second choice gives the same
pages, and times the dashboard's matrix through the real app with a staff token (goal: p95 <= 150 ms).

--check replay (default): the browser journey of each page is replayed from a real check, through a two-node
Selenium Grid, of a page of the same kind (8 kinds); everything after the browser (leases, findings,
screenshots, regressions, run ends) runs for real for all pages. A real browser for every one of the 3,000
pages takes about 50 minutes at 60 pages/min on this machine: --check grid does that (a two-node Grid here).
"""

import argparse
import gc
import gzip
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from dashboard import timed  # noqa: E402
from databases import PostgresCluster  # noqa: E402
from databases import staff_bearer  # noqa: E402
from monitor import NoBar  # noqa: E402
from monitor import Quiet  # noqa: E402
from selenium_grid import SeleniumGrid  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402

from monitoring import engine  # noqa: E402
from monitoring import whole_site  # noqa: E402
from monitoring.check import Checker  # noqa: E402
from monitoring.now import run_now  # noqa: E402
from server import create_app  # noqa: E402
from server.core.sitemap import section_of  # noqa: E402
from server.db.migrate import upgrade_url  # noqa: E402
from server.db.session import engine_of  # noqa: E402
from server.db.session import session_for  # noqa: E402
from server.monitoring.models import Finding  # noqa: E402
from server.monitoring.models import MonitoredPage  # noqa: E402
from server.monitoring.models import MonitoringRun  # noqa: E402
from server.monitoring.settings import settings_for  # noqa: E402

KEYS = ["bench-whole-sites-key-0123456789abcdef"]
SECTIONS = {"services": 10, "news": 10, "about": 5}
THREE_YEARS = 3 * 365 * 24 * 3600
KINDS = 4  # agency index % 4: 0, 1 clean; 2 sets a three-year cookie everywhere; 3 has no banner on its news pages
AGENCY = """id = "{id}"
name = "Agency {id}"
secretariat = "{secretariat}"
origins = ["{origin}"]
privacy_policy_url = "{origin}/about/{id}/1/"
terms_url = "{origin}/about/{id}/2/"
mode = "opt-out"
commonwealth_domains = ["127.0.0.1"]

[[trackers]]
id = "ws-stats"
vendor = "WS Stats"
purpose = "Counts visits to make the site easier to use."
license_url = "{origin}/about/{id}/3/"
privacy_url = "{origin}/about/{id}/4/"
contracted = true
requests = ["/ws-tracker/"]

[[trackers.cookies]]
name = "_ws_stats"
domain = "127.0.0.1"
persistent = true
expiry_days = 365

[monitoring]
pages = ["/home/{id}/"]
sitemap = "/home/{id}/sitemap.xml"
max_pages = {max_pages}
schedule = "weekly"
"""
TRACKER = ('document.cookie = "_ws_stats=1; path=/; max-age=" + 365 * 24 * 3600 + "; SameSite=Lax";'
           'fetch("/ws-tracker/collect", {credentials: "same-origin"});')
SECRETARIATS = ("EOHHS", "EEA", "EOTSS", "EOPSS", "EOED", "EOLWD", "EOE", "EOHLC", "DOT", "ANF")
FETCHES = Counter()


def kind_of(agency_id):
    """The agency's kind of flaw (its number modulo KINDS)."""
    return int(agency_id.rsplit("-", 1)[1]) % KINDS


def urlset(base, agency_id, sections):
    """A <urlset> of the agency's pages in these sections."""
    rows = "".join(f"<url><loc>{base}/{section}/{agency_id}/{n}/</loc></url>"
                   for section in sections for n in range(1, SECTIONS[section] + 1))
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


def site_blueprint(base_of):
    """Every agency's pages, its sitemap index and the two sitemaps it names (one gzipped)."""
    bp = Blueprint("ws", __name__)

    def page(section, agency_id, number=0):
        kind = kind_of(agency_id)
        banner = "" if kind == 3 and section == "news" else f'<script src="/v1/{agency_id}/banner.js" async></script>'
        title = f"{section.title()} {number}" if number else "Home"
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{banner}
<script type="text/plain" data-tracker="ws-stats" src="/ws-tracker/stats.js"></script></head>
<body><main><h1>{title}</h1><p>Agency {agency_id} renews licenses and answers questions.</p>
<p><a href="/services/{agency_id}/1/">Our services</a></p></main>
<footer><a href="/about/{agency_id}/1/">Privacy</a></footer></body></html>"""
        response = Response(body, mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'"
        if kind == 2:
            response.headers["Set-Cookie"] = f"ws_prefs=1; Max-Age={THREE_YEARS}; Path=/"
        return response

    def sitemap_index(agency_id):
        FETCHES["index"] += 1
        base = base_of()
        body = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/home/{agency_id}/sitemap-services.xml</loc></sitemap>"
                f"<sitemap><loc>{base}/home/{agency_id}/sitemap-more.xml.gz</loc></sitemap></sitemapindex>")
        return Response(body, mimetype="application/xml")

    def services(agency_id):
        FETCHES["services"] += 1
        return Response(urlset(base_of(), agency_id, ["services"]), mimetype="application/xml")

    def more(agency_id):
        FETCHES["gzip"] += 1
        body = gzip.compress(urlset(base_of(), agency_id, ["news", "about"]).encode())
        return Response(body, mimetype="application/gzip")

    def section_page(section, agency_id, number):
        if section not in SECTIONS:
            abort(404)
        return page(section, agency_id, number)

    bp.add_url_rule("/home/<agency_id>/", "home", lambda agency_id: page("home", agency_id))
    bp.add_url_rule("/home/<agency_id>/sitemap.xml", "index", sitemap_index)
    bp.add_url_rule("/home/<agency_id>/sitemap-services.xml", "services", services)
    bp.add_url_rule("/home/<agency_id>/sitemap-more.xml.gz", "more", more)
    bp.add_url_rule("/<section>/<agency_id>/<int:number>/", "page", section_page)
    bp.add_url_rule("/ws-tracker/stats.js", "tracker", lambda: Response(TRACKER, mimetype="text/javascript"))
    bp.add_url_rule("/ws-tracker/collect", "collect", lambda: Response(status=204))
    return bp


def serve(folder, ids, max_pages, database):
    """The real service with the agencies and their sites on PostgreSQL, in a thread: (server, app)."""
    server = make_server("127.0.0.1", 0, None, threaded=True, request_handler=Quiet)
    base = f"http://127.0.0.1:{server.server_port}"
    (folder / "agencies").mkdir()
    for number, agency_id in enumerate(ids):
        (folder / "agencies" / f"{agency_id}.toml").write_text(AGENCY.format(
            id=agency_id, origin=base, max_pages=max_pages, secretariat=SECRETARIATS[number % len(SECRETARIATS)]))
    upgrade_url(database)
    app = create_app({"AGENCIES_DIR": str(folder / "agencies"), "SECRET_KEYS": KEYS, "DEMO": False,
                      "DATABASE_URL": database, "PUBLIC_URL": base})
    app.register_blueprint(site_blueprint(lambda: base))
    server.app = app
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, app


def template_of(url):
    """(agency kind, whether a news page): pages alike in what a check finds."""
    agency_id = url.rstrip("/").split("/")[-2] if "/home/" not in url else url.rstrip("/").split("/")[-1]
    return kind_of(agency_id), section_of(url) == "news"


def real_samples(app, checker, ids):
    """One real check per kind of page (through `checker`): {(kind, news): (record, findings)}."""
    from server.db.clock import today
    from server.notice import DEFAULT_LANG
    from server.notice import notice_document
    from server.registry import REGISTRY_KEY

    base = app.config["PUBLIC_URL"]
    registry = app.extensions[REGISTRY_KEY]
    recorded = {}
    for kind in range(KINDS):
        agency_id = ids[kind]
        for url in (f"{base}/home/{agency_id}/", f"{base}/news/{agency_id}/1/"):
            notice = notice_document(registry.get(agency_id), DEFAULT_LANG)
            recorded[template_of(url)] = checker.check(url, notice, [], today())
    return recorded


class Replay:
    """monitoring.check.Checker's face: each page's journey replayed from a real check of a page of its kind."""

    def __init__(self, recorded, where):
        self.recorded = recorded
        self.where = where

    def check(self, url, notice, waivers, day):
        """The real record and findings of this page's kind, addressed to this page."""
        page, findings = self.recorded[template_of(url)]
        return replace(page, url=url), [replace(f, url=url) for f in findings]

    def describe(self):
        return f"replay of {self.where}"

    def rest(self):
        pass

    def close(self):
        pass


def verify(app, ids, pages_each):
    """Did the run finish with every page recorded once? The counts that say so."""
    with session_for(app) as db:
        runs = db.execute(select(MonitoringRun.state, func.count()).group_by(MonitoringRun.state)).all()
        pages = db.execute(select(MonitoredPage.state, func.count()).group_by(MonitoredPage.state)).all()
        twice = db.scalar(select(func.count()).select_from(
            select(MonitoredPage.run_id, MonitoredPage.url).group_by(MonitoredPage.run_id, MonitoredPage.url)
            .having(func.count() > 1).subquery()))
        retried = db.scalar(select(func.count()).where(MonitoredPage.attempts != 1))
        per_page = db.execute(select(Finding.page_id, func.count()).group_by(Finding.page_id)).all()
        sections = db.execute(select(MonitoredPage.url)).scalars().all()
    spread = Counter(section_of(url) for url in sections)
    return {"runs": dict(runs), "pages": dict(pages), "pages_expected": len(ids) * pages_each,
            "pages_listed_twice_in_a_run": twice, "pages_not_checked_exactly_once": retried,
            "pages_with_findings": len(per_page), "findings_per_page": sorted({count for _, count in per_page}),
            "pages_by_section": dict(spread)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=600)
    parser.add_argument("--max-pages", type=int, default=4, help="pages from the sitemap beside the home page")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--check", choices=("replay", "grid"), default="replay")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    ids = [f"agency-{n:03d}" for n in range(args.agencies)]
    results = {"agencies": args.agencies, "pages_each": 1 + args.max_pages, "check": args.check,
               "load_before": os.getloadavg()}
    cluster = PostgresCluster().start()
    grid = SeleniumGrid(nodes=2, max_sessions=2).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-whole-sites-") as folder:
            os.environ["CONSENT_SCREENSHOT_DIR"] = str(Path(folder) / "shots")
            os.environ["CONSENT_MONITOR_GPC"] = "0"
            database = cluster.create_database("bench_whole_sites")
            started = time.perf_counter()
            server, app = serve(Path(folder), ids, args.max_pages, database)
            results["seconds_to_load_agencies"] = round(time.perf_counter() - started, 1)
            settings = settings_for(app)
            agencies = engine.monitored(app)
            real = Checker([grid.url], gpc=False)
            try:
                if args.check == "replay":
                    started = time.perf_counter()
                    checker = Replay(real_samples(app, real, ids), grid.url)
                    results["seconds_real_samples"] = round(time.perf_counter() - started, 1)
                    workers = args.workers
                else:
                    checker, workers = real, 4
                started = time.perf_counter()
                summary = run_now(app, settings, checker, agencies, workers=workers, progress=NoBar)
                results["seconds_run"] = round(time.perf_counter() - started, 1)
            finally:
                real.close()
            results["pages_not_checked"] = summary["errors"]
            results["sitemap_fetches"] = dict(FETCHES)
            results.update(verify(app, ids, 1 + args.max_pages))
            # The same pages from run to run while the sitemaps stay the same.
            sample = agencies[:: max(1, len(agencies) // 20)]
            with session_for(app) as db:
                first = {run.agency_id: sorted(page.url for page in run.pages)
                         for run in db.scalars(select(MonitoringRun))}
            results["same_pages_chosen_again"] = all(
                sorted(whole_site.pages_for(agency)[0]) == first[agency.id] for agency in sample)
            with engine_of(app).begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            headers = {"Authorization": staff_bearer(database, "auditor"), "Accept": "text/html"}
            client = app.test_client()
            gc.freeze()  # as gunicorn's post_worker_init does (server/gunicorn_conf.py)
            for label, path in (("matrix /console/", "/console/"), ("matrix, failing only", "/console/?failing=1"),
                                ("API agencies", "/console/api/agencies"),
                                ("agency page", f"/console/agencies/{ids[len(ids) // 2]}")):
                results[label] = timed(client, headers, path, args.requests)
            server.shutdown()
            engine_of(app).dispose()
    finally:
        grid.stop()
        cluster.stop()
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    expected = results["pages_expected"]
    once = (results["pages"] == {"done": expected} and results["pages_listed_twice_in_a_run"] == 0
            and results["pages_not_checked_exactly_once"] == 0 and results["pages_with_findings"] == expected
            and results["runs"] == {"done": args.agencies})
    print(f"run finished, every page recorded once: {'yes' if once else 'NO'}; "
          f"matrix p95 {results['matrix /console/']['p95']} ms "
          f"(goal <= 150: {'met' if results['matrix /console/']['p95'] <= 150 else 'NOT met'})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
