"""A monitoring run from a sitemap served on loopback: pages across sections, notes on the run page and its JSON.

One real `consent-service monitor run` (Chromium, GPC visit off) checks the agency file's page and three
chosen from a sitemap index (one gzipped sitemap, one plain, one child off the agency's origins); the other
tests start runs without checking them (choosing pages needs no browser): missing, malformed and bomb-sized
sitemaps leave a note and the listed page, and the choice holds until the sitemap's URLs change.
"""

import dataclasses
import functools
import gzip
import threading
import time

import mx_site
import pytest
from click.testing import CliRunner
from conftest import KEYS
from databases import new_sqlite_url
from flask import Blueprint
from flask import Response
from serving import AppServer
from sqlalchemy import select

from monitoring import engine
from monitoring import runs
from server import create_app
from server.auth import accounts
from server.commands.group import cli
from server.core.sitemap import section_of
from server.db.session import session_for
from server.monitoring.models import MonitoringRun

pytestmark = pytest.mark.browser
NEVER = "0 0 1 1 *"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
SITEMAP = {"mode": "index", "extra": []}
READING = {"now": 0, "most": 0, "lock": threading.Lock()}

sitemaps = Blueprint("sitemaps", __name__)


def _urlset(paths, origin):
    locs = "".join(f"<url><loc>{path if '://' in path else origin + path}</loc></url>" for path in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{locs}</urlset>'.encode()


@functools.cache
def _bomb():
    """30 MB of XML in 30 kB of gzip."""
    return gzip.compress(b"<urlset>" + b" " * 30_000_000 + b"</urlset>")


def _xml(body):
    return Response(body, mimetype="application/xml")


@sitemaps.get("/sitemap.xml")
def sitemap_index():
    """The index, or what a broken site serves instead."""
    origin = SITEMAP["origin"]
    mode = SITEMAP["mode"]
    if mode == "missing":
        return Response("not here", status=404)
    if mode == "malformed":
        return _xml(b'<?xml version="1.0"?><urlset><url><loc>' + origin.encode() + b"/news/1/</url>")
    if mode == "bomb":
        return Response(_bomb(), mimetype="application/gzip")
    if mode == "slow":
        # A slow site: how many agencies' sitemaps are being read at the same moment.
        with READING["lock"]:
            READING["now"] += 1
            READING["most"] = max(READING["most"], READING["now"])
        time.sleep(0.5)
        with READING["lock"]:
            READING["now"] -= 1
    children = [f"{origin}/sitemaps/mx.xml.gz", f"{origin}/sitemaps/sections.xml", "http://169.254.169.254/s.xml"]
    locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in children)
    return _xml(f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{locs}</sitemapindex>'.encode())


@sitemaps.get("/sitemaps/mx.xml.gz")
def mx_sitemap():
    """The service pages, gzipped."""
    body = _urlset([f"/mx/{n}/" for n in range(1, 7)], SITEMAP["origin"])
    return Response(gzip.compress(body), mimetype="application/gzip")


@sitemaps.get("/sitemaps/sections.xml")
def sections_sitemap():
    """News and services pages, one off the agency's origins, and whatever the test adds."""
    paths = [f"/news/{n}/" for n in range(1, 6)] + [f"/services/{n}/" for n in range(1, 4)]
    return _xml(_urlset(paths + ["https://elsewhere.example/x"] + SITEMAP["extra"], SITEMAP["origin"]))


@sitemaps.get("/news/<int:number>/")
@sitemaps.get("/services/<int:number>/")
def section_page(number):
    """A page of another section, built like the mx pages (banner, declared tracker)."""
    return mx_site._html(f'<p>Item {number}.</p><p><a href="/mx/{number}/more">More</a></p>', f"Item {number}")


class SitemapSite(AppServer):
    """The service with the mx agency monitoring one listed page plus three from its sitemap."""

    def __init__(self, folder, database_url):
        super().__init__(None, quiet=True)
        self.agencies_dir = folder / "agencies"
        self.agencies_dir.mkdir()
        text = mx_site.agency_text(self.url, ["/mx/1/"], NEVER) + 'sitemap = "/sitemap.xml"\nmax_pages = 3\n'
        (self.agencies_dir / "mx.toml").write_text(text)
        self.database_url = database_url
        self.app = create_app({"AGENCIES_DIR": str(self.agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False,
                               "DATABASE_URL": database_url, "PUBLIC_URL": self.url})
        self.app.register_blueprint(mx_site.bp)
        self.app.register_blueprint(sitemaps)
        SITEMAP.update(origin=self.url, mode="index", extra=[])
        self.start()

    def environment(self):
        return {"CONSENT_AGENCIES_DIR": str(self.agencies_dir), "CONSENT_DATABASE_URL": self.database_url,
                "CONSENT_SECRET_KEYS": ",".join(KEYS), "CONSENT_PUBLIC_URL": self.url, "CONSENT_DEMO": "",
                "CONSENT_MONITOR_GPC": "0"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory, upgraded_sqlite):
    """The site, and the run `monitor run --agency mx` made of it (real Chromium), with an auditor's token."""
    folder = tmp_path_factory.mktemp("sitemap-run")
    site = SitemapSite(folder, new_sqlite_url(folder, upgraded_sqlite))
    mx_site.STATE["long_cookie"] = False
    patch = pytest.MonkeyPatch()
    for name, value in {**site.environment(), "CONSENT_SCREENSHOT_DIR": str(folder / "shots")}.items():
        patch.setenv(name, value)
    result = CliRunner().invoke(cli, ["monitor", "run", "--agency", "mx"])
    patch.undo()
    with session_for(site.app) as db:
        run = db.scalar(select(MonitoringRun).order_by(MonitoringRun.id.desc()).limit(1))
        urls = [page.url for page in run.pages]
        token = accounts.create_token(db, accounts.add_user(db, "audrey", ("auditor",), (), None))[1]
        db.commit()
    yield site, result, run, urls, token
    site.stop()
    site.app.extensions["database"].kw["bind"].dispose()


def test_the_run_checks_the_listed_page_and_one_page_of_each_section(checked):
    site, result, run, urls, _token = checked
    assert result.exit_code == 0, result.output
    assert "mx: 4 page(s), 0 not checked; failing: none" in result.output
    assert run.state == "done" and run.pages_total == 4 and set(run.verdicts.values()) == {"pass"}
    assert urls[0] == f"{site.url}/mx/1/"
    assert sorted(section_of(url) for url in urls[1:]) == ["mx", "news", "services"]
    assert all(url.startswith(site.url + "/") for url in urls)


def test_what_the_sitemap_left_out_is_on_the_run_page_and_in_its_json(checked):
    site, _result, run, _urls, token = checked
    notes = ["sitemap http://169.254.169.254/s.xml: not on the agency's origins, not fetched",
             "1 sitemap URL(s) off the agency's origins left out"]
    assert run.notes == notes
    client = site.app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/console/api/runs/{run.id}", headers=headers).get_json()["notes"] == notes
    page = client.get(f"/console/runs/{run.id}", headers=headers).get_data(as_text=True)
    assert all(note.replace("'", "&#39;") in page for note in notes)


def started(site):
    """A run started now (not checked): its page URLs and notes."""
    agency = site.app.extensions["registry"].get("mx")
    engine.start(site.app, [agency], trigger="manual", key_for=lambda _agency: runs.manual_key())
    with session_for(site.app) as db:
        run = db.scalar(select(MonitoringRun).order_by(MonitoringRun.id.desc()).limit(1))
        return [page.url for page in run.pages], run.notes


def test_the_same_pages_until_the_sitemap_changes(checked):
    site, _result, _run, urls, _token = checked
    assert started(site)[0] == urls
    SITEMAP["extra"] = [f"/news/{n}/" for n in range(6, 9)]
    try:
        changed = started(site)[0]
    finally:
        SITEMAP["extra"] = []
    assert changed != urls and changed[0] == urls[0]
    assert sorted(section_of(url) for url in changed[1:]) == ["mx", "news", "services"]


@pytest.mark.parametrize(("mode", "says"), [
    ("missing", "/sitemap.xml: HTTP 404; only the agency file's 1 page(s) checked"),
    ("malformed", "/sitemap.xml: not well-formed XML"),
    ("bomb", "/sitemap.xml: larger than 10000000 bytes once decompressed"),
])
def test_a_broken_sitemap_is_a_note_and_the_listed_page_still_runs(checked, mode, says):
    site = checked[0]
    SITEMAP["mode"] = mode
    try:
        urls, notes = started(site)
    finally:
        SITEMAP["mode"] = "index"
    assert urls == [f"{site.url}/mx/1/"]
    assert len(notes) == 1 and notes[0].startswith(f"sitemap {site.url}/sitemap.xml: ") and says in notes[0]


def test_many_agencies_due_together_have_their_sitemaps_read_at_once(checked):
    site = checked[0]
    mx = site.app.extensions["registry"].get("mx")
    agencies = [dataclasses.replace(mx, id=f"mx-{n}") for n in range(6)]
    SITEMAP["mode"] = "slow"
    READING["most"] = 0
    try:
        created = engine.start(site.app, agencies, trigger="manual", key_for=lambda _agency: runs.manual_key())
    finally:
        SITEMAP["mode"] = "index"
    assert READING["most"] >= 2
    with session_for(site.app) as db:
        started_runs = db.scalars(select(MonitoringRun).where(MonitoringRun.agency_id.like("mx-%"))).all()
        assert sorted(run.agency_id for run in started_runs) == [f"mx-{n}" for n in range(6)]
        assert all(len(run.pages) == 4 for run in started_runs)
    assert len(created) == 24
