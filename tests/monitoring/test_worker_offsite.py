"""The monitoring worker never stores a page it was sent to off the agency's origins (issue 19.2).

An agency's monitored pages redirect, navigate by script, or offer a next link into an "internal service" on
another loopback port. The run records each as not checked, naming where it went, and stores no finding,
screenshot, text or cookie of the internal page; a plain page of the same agency is checked as before.
On SQLite and PostgreSQL, in real Chromium, through `consent-service monitor run`.
"""

import json

import mx_site
import pytest
from click.testing import CliRunner
from conftest import MonitoredSite
from databases import as_staff
from databases import database_url  # noqa: F401
from offsite_sites import SECRET_COOKIE
from offsite_sites import SECRET_TEXT
from offsite_sites import OffsiteSites
from sqlalchemy import select

from server.commands.group import cli
from server.db.session import session_for
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Screenshot

pytestmark = pytest.mark.browser
PAGES = ["/plain", "/redirect", "/script", "/next"]


@pytest.fixture
def hostile_agency(tmp_path, database_url, smtp_server, monkeypatch):  # noqa: F811
    """The service on a fresh database, with agency hx whose site (its own origin) sends the browser elsewhere."""
    sites = OffsiteSites().start()
    (tmp_path / "site").mkdir()
    service = MonitoredSite(tmp_path / "site", database_url, ["/mx/1/"])
    hx = mx_site.agency_text(sites.hostile.url, PAGES).replace('id = "mx"', 'id = "hx"')
    (service.agencies_dir / "hx.toml").write_text(hx)
    env = service.environment(CONSENT_SMTP_URL=smtp_server.url, CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"),
                              CONSENT_MONITOR_GPC="1", CONSENT_MONITOR_ATTEMPTS="1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield service, sites, tmp_path / "shots"
    service.stop()
    service.app.extensions["database"].kw["bind"].dispose()
    sites.stop()


def test_pages_sent_elsewhere_are_failures_naming_where_and_nothing_of_them_is_stored(hostile_agency):
    service, sites, shots_dir = hostile_agency
    result = CliRunner().invoke(cli, ["monitor", "run", "--agency", "hx"])
    hostile = sites.hostile.url
    assert "hx: 4 page(s), 3 not checked" in result.output, result.output

    with session_for(service.app) as db:
        run = db.scalar(select(MonitoringRun).where(MonitoringRun.agency_id == "hx"))
        pages = {page.url: page for page in db.scalars(select(MonitoredPage).where(MonitoredPage.run_id == run.id))}
        findings = list(db.scalars(select(Finding).where(Finding.run_id == run.id)))
        shots = list(db.scalars(select(Screenshot).where(Screenshot.run_id == run.id)))
        stored = json.dumps([[f.reason, f.evidence] for f in findings] + [[p.error] for p in pages.values()])
    went = f"went to {sites.secret.url} (a loopback address), off the agency's origins"
    assert pages[f"{hostile}/plain"].state == "done"  # the agency's own loopback origin still works
    for path in PAGES[1:]:
        page = pages[hostile + path]
        assert page.state == "failed" and went in page.error, (path, page.error)
    assert {f.url for f in findings} == {f"{hostile}/plain"}
    assert {s.page_id for s in shots} == {pages[f"{hostile}/plain"].id}
    assert SECRET_TEXT not in stored and SECRET_COOKIE not in stored
    for path in shots_dir.rglob("*"):
        assert path.is_dir() or SECRET_TEXT.encode() not in path.read_bytes()
    assert len([path for path in shots_dir.rglob("*") if path.is_file()]) == len(shots)

    # What a requester of the agency reads in the console: the failures by place, only the plain page's pictures.
    client = as_staff(service.app.test_client(), "qa")
    report = client.get(f"/console/api/runs/{run.id}").get_json()
    by_url = {page["url"]: page for page in report["pages"]}
    for path in PAGES[1:]:
        assert went in by_url[hostile + path]["error"] and by_url[hostile + path]["screenshots"] == []
    hrefs = [shot["href"] for shot in by_url[f"{hostile}/plain"]["screenshots"]]
    assert len(hrefs) == 2
    for href in hrefs:
        answer = client.get(href)
        assert answer.status_code == 200 and answer.data.startswith(b"\x89PNG")
