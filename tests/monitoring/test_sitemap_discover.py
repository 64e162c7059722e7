"""`consent-qa discover --sitemap URL`: pages across the sitemap's sections, from its origin only; bad ones one line."""

import tomllib

import pytest
from flask import Flask
from flask import Response
from flask import redirect
from serving import AppServer

from extension.cli import main

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
PATHS = ["/a/1/", "/a/2/", "/a/3/", "/b/1/", "/c/1/"]


def small_site():
    """Five pages in three sections, a sitemap naming them (and one page elsewhere), and a redirect off-site."""
    app = Flask(__name__)

    @app.get("/sitemap.xml")
    def sitemap():
        origin = f"http://127.0.0.1:{app.config['PORT']}"
        urls = [origin + path for path in PATHS] + ["https://elsewhere.example/page"]
        locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
        return Response(f"<urlset {NS}>{locs}</urlset>", mimetype="application/xml")

    @app.get("/moved.xml")
    def moved():
        return redirect("http://169.254.169.254/latest/meta-data/")

    @app.get("/<section>/<int:number>/")
    def page(section, number):
        return Response(f"<!doctype html><html lang='en'><title>{section} {number}</title>"
                        f"<p>Page {number} of {section}.</p></html>", mimetype="text/html")

    return app


@pytest.fixture(scope="module")
def site():
    app = small_site()
    server = AppServer(app, quiet=True)
    app.config["PORT"] = server.port
    server.start()
    yield server.url
    server.stop()


@pytest.mark.browser
def test_discover_visits_pages_of_each_section_from_the_sitemap(site, tmp_path, capsys):
    out = tmp_path / "draft.toml"
    code = main(["discover", "--sitemap", f"{site}/sitemap.xml", "--max-pages", "3", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "3 page(s)" in printed.out
    assert "consent-qa: 1 sitemap URL(s) off the agency's origins left out" in printed.err
    assert tomllib.loads(out.read_text())["origins"] == [site]


@pytest.mark.parametrize(("path", "says"), [
    ("/missing.xml", "/missing.xml: HTTP 404"),
    ("/moved.xml", "went to http://169.254.169.254"),
    ("/a/1/", "/a/1/: an HTML page, not a sitemap"),
])
def test_a_sitemap_that_cannot_be_used_stops_discover_with_one_line(site, tmp_path, capsys, path, says):
    code = main(["discover", "--sitemap", site + path, "--out", str(tmp_path / "draft.toml")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and says in err and err.startswith("consent-qa: error: sitemap ")
    assert not (tmp_path / "draft.toml").exists()


def test_discover_needs_a_url_or_a_sitemap(tmp_path, capsys):
    assert main(["discover", "--out", str(tmp_path / "draft.toml")]) == 2
    assert "give at least one URL or --sitemap URL" in capsys.readouterr().err
