"""consent-qa never checks a page it was sent to off the agency's origins (issue 19.2), in real Chromium.

A hostile agency page redirects, navigates by script, or offers a next link into an "internal service" on
another loopback port: the report names where it went, and holds no screenshot, text or cookie of it.
"""

import json

import pytest
from offsite_sites import SECRET_COOKIE
from offsite_sites import SECRET_TEXT
from offsite_sites import OffsiteSites

from extension.cli import main
from extension.driver import visit
from extension.navigation import LeftAllowedPlaces
from extension.navigation import allowed_for

pytestmark = pytest.mark.browser
RESOLVER_RULES = "--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def sites():
    """The hostile site and the internal service, on two loopback ports."""
    started = OffsiteSites().start()
    yield started
    started.stop()


def everything_written(folder):
    """Every file of a report folder, as bytes, by name."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_a_page_sent_elsewhere_is_a_failure_naming_where_and_nothing_of_it_is_kept(sites, fx_server, tmp_path,
                                                                                 capsys):
    hostile = sites.hostile.url
    urls = [f"{fx_server}/fx/good/", f"{hostile}/redirect", f"{hostile}/script", f"{hostile}/next"]

    code = main(["check", *urls, "--agency", "fx", "--service", fx_server, "--report-dir", str(tmp_path)])

    assert code == 2  # pages not checked
    report = json.loads((tmp_path / "report.json").read_text())
    pages = {page["url"]: page for page in report["pages"]}
    assert pages[urls[0]]["error"] is None  # the agency's own loopback origin still works
    assert {f["url"] for f in report["findings"]} == {urls[0]}
    went = f"went to {sites.secret.url} (a loopback address), off the agency's origins"
    for url in urls[1:]:
        assert went in (pages[url]["error"] or ""), pages[url]
    written = everything_written(tmp_path)
    assert sorted(name for name in written if name.startswith("screenshots/")) == [
        "screenshots/page1-after.png", "screenshots/page1-before.png"]
    for name, content in written.items():
        assert SECRET_TEXT.encode() not in content and SECRET_COOKIE.encode() not in content, name
    err = capsys.readouterr().err
    assert f"consent-qa: error: {hostile}/script: {went}" in err


def test_a_redirect_to_an_internal_port_that_is_down_names_where_it_went(sites, fx_server, tmp_path):
    url = f"{sites.hostile.url}/redirect-closed"

    code = main(["check", url, "--agency", "fx", "--service", fx_server, "--report-dir", str(tmp_path)])

    assert code == 2
    [page] = json.loads((tmp_path / "report.json").read_text())["pages"]
    assert page["error"].startswith(f"went to {sites.closed_url} (a loopback address), off the agency's origins")


def test_a_link_off_the_agency_origins_is_never_opened(sites, qa_browser):
    allowed = allowed_for(f"{sites.hostile.url}/next", {"origins": [sites.hostile.url]})
    before = sites.secret_hits
    with pytest.raises(LeftAllowedPlaces, match=f"went to {sites.secret.url} \\(a loopback address\\)"):
        visit(qa_browser.driver, f"{sites.secret.url}/admin", allowed)
    assert sites.secret_hits == before


def test_without_an_agency_the_journey_stays_on_the_pages_registrable_domain(sites, tmp_path):
    port = sites.hostile.port
    sibling = f"http://a.example.test:{port}/to-sibling"  # -> b.example.test: the same site, checked
    leaves = f"http://a.example.test:{port}/redirect"  # -> 127.0.0.1: another site, refused

    code = main(["check", sibling, leaves, "--report-dir", str(tmp_path), f"--browser-arg={RESOLVER_RULES}"])

    assert code == 2
    pages = {page["url"]: page for page in json.loads((tmp_path / "report.json").read_text())["pages"]}
    assert pages[sibling]["error"] is None
    assert f"went to {sites.secret.url} (a loopback address), off example.test" in pages[leaves]["error"]
    assert SECRET_TEXT.encode() not in (tmp_path / "report.json").read_bytes()
