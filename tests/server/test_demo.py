"""The demo agency site: real-looking pages, the banner tag, an inert tracker, and only in demo mode."""

import re
from urllib.parse import urlsplit

import pytest

from server import create_app

pytestmark = pytest.mark.shared_app  # these tests only send requests: one app per module

PAGES = ["/demo/", "/demo/services", "/demo/forms", "/demo/privacy", "/demo/terms"]
TRACKER_SRC = "/demo/tracker/analytics.js"


def csp_directives(response):
    """The page's Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", PAGES)
def test_page_has_real_content(client, page, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = page(response)
    assert html.find("html")["attrs"].get("lang") == "en"
    assert html.find("title")["text"].strip()
    assert html.find("h1")["text"].strip()
    assert len(html.find_all("p")) >= 2
    links = [a["attrs"]["href"] for a in html.find_all("a", href=None)]
    assert {"/demo/", "/demo/services", "/demo/forms", "/demo/privacy"} <= set(links)
    images = html.find_all("img", src=None)
    assert images and all(image["attrs"].get("alt") for image in images)
    nav = html.find("nav")
    assert nav["attrs"].get("aria-label")


@pytest.mark.parametrize("path", PAGES)
def test_page_embeds_the_banner_the_inert_tracker_and_the_fallbacks(client, page, path):
    html = page(client.get(path))
    banner = html.find("script", src="/v1/demo/banner.js")
    assert "async" in banner["attrs"]
    tracker = html.find("script", src=TRACKER_SRC)
    assert tracker["attrs"]["type"] == "text/plain"
    assert tracker["attrs"]["data-tracker"] == "demo-analytics"
    executable = [s for s in html.find_all("script") if s["attrs"].get("type", "text/javascript") != "text/plain"]
    # A page with embeds adds the placeholders' script (issue 22).
    embeds = ["/v1/demo/embeds.js"] if html.find_all("iframe", **{"data-tracker": None}) else []
    assert [s["attrs"].get("src") for s in executable] == ["/v1/demo/banner.js", *embeds]
    noscript_links = [a for a in html.find_all("a", href="/v1/demo/choices") if "noscript" in a["parents"]]
    assert len(noscript_links) == 1
    assert html.find("a", **{"data-consent-open": None})["text"].strip() == "Cookie settings"


def test_every_declared_tracker_is_on_the_pages(client, page, app):
    declared = {tracker.id for tracker in app.extensions["registry"].get("demo").trackers}
    html = page(client.get("/demo/"))
    # Scripts, and embeds (issue 22: the welcome video).
    inert = html.find_all("script", **{"data-tracker": None}) + html.find_all("iframe", **{"data-tracker": None})
    on_page = {element["attrs"]["data-tracker"] for element in inert}
    assert on_page == declared


@pytest.mark.parametrize(("path", "title"), [
    ("/demo/", "Demo Office of Public Services"),
    ("/demo/services", "Services for residents | Demo Office of Public Services")])
def test_the_page_title_names_the_site_once(client, page, path, title):
    assert page(client.get(path)).find("title")["text"].strip() == title


@pytest.mark.parametrize("path", PAGES)
def test_page_has_a_strict_csp_with_a_fresh_nonce(client, page, path):
    first, second = client.get(path), client.get(path)
    directives = csp_directives(first)
    nonce_sources = [source for source in directives["script-src"] if source.startswith("'nonce-")]
    assert len(nonce_sources) == 1
    nonce = nonce_sources[0][len("'nonce-"):-1]
    assert len(nonce) >= 16
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    header = first.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header
    inline = [s for s in page(first).find_all("script") if "src" not in s["attrs"]]
    assert all(s["attrs"].get("nonce") == nonce for s in inline)
    assert csp_directives(second)["script-src"] != directives["script-src"]


def test_forms_page_has_a_labelled_form(client, page):
    html = page(client.get("/demo/forms"))
    form = html.find("form")
    assert form["attrs"]["action"].startswith("/demo/")
    inputs = [e for e in html.elements if e["tag"] in ("input", "select", "textarea") and "form" in e["parents"]]
    labels = {label["attrs"].get("for") for label in html.find_all("label")}
    assert inputs
    assert all(e["attrs"].get("id") in labels for e in inputs if e["attrs"].get("type") not in ("hidden", "submit"))


def test_services_search_echoes_the_query_escaped(client):
    body = client.get("/demo/services", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_privacy_page_explains_cookies_and_opting_out(client, page):
    html = page(client.get("/demo/privacy"))
    text = " ".join(e["text"] for e in html.find_all("main"))
    assert re.search(r"cookie", text, re.I)
    assert re.search(r"opt out", text, re.I)


@pytest.mark.parametrize("field", ["license_url", "privacy_url"])
def test_tracker_license_and_privacy_pages_are_served(client, page, app, field):
    url = getattr(app.extensions["registry"].get("demo").trackers[0], field)
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert page(response).find("h1")["text"].strip()


def test_tracker_script_is_served_as_javascript(client):
    response = client.get(TRACKER_SRC)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert "_demo_analytics" in body
    assert "/demo/tracker/collect" in body or "collect" in body
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_tracker_declared_cookie_matches_the_script(client, app):
    cookie = app.extensions["registry"].get("demo").trackers[0].cookies[0]
    body = client.get(TRACKER_SRC).get_data(as_text=True)
    assert cookie.name in body
    assert cookie.persistent
    match = re.search(r"max-age=\" \+ (\d+) \* 24 \* 3600", body)
    assert match and int(match.group(1)) == cookie.expiry_days


def test_tracker_requests_are_declared(app):
    tracker = app.extensions["registry"].get("demo").trackers[0]
    assert any(TRACKER_SRC.startswith(prefix) for prefix in tracker.requests)
    assert any("/demo/tracker/collect".startswith(prefix) for prefix in tracker.requests)


def test_collect_endpoint_answers_204(client):
    response = client.get("/demo/tracker/collect", query_string={"page": "/demo/", "cid": "abc"})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Cache-Control"] == "no-store"


def test_static_assets(client):
    assert client.get("/demo/static/site.css").mimetype == "text/css"
    assert client.get("/demo/static/seal.svg").mimetype == "image/svg+xml"


@pytest.mark.parametrize("path", ["/demo/nothing", "/demo/base.html", "/demo/../server/app.py", "/demo/static/x"])
def test_unknown_demo_page_is_404(client, api_error, path):
    api_error(client.get(path), 404)


@pytest.fixture(scope="module")
def demo_off_client(agencies_dir):
    """A client of the service built with DEMO False."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": ["demo-off-key-0123456789abcdef"],
                      "DEMO": False})
    return app.test_client()


@pytest.mark.parametrize("path", PAGES + [TRACKER_SRC, "/demo/tracker/collect", "/demo/static/site.css"])
def test_demo_is_404_when_demo_is_off(demo_off_client, api_error, path):
    api_error(demo_off_client.get(path), 404)


@pytest.mark.parametrize("path", ["/v1/demo/notice", "/v1/demo/banner.js", "/v1/demo/status"])
def test_the_demo_agency_exists_only_in_demo_mode(demo_off_client, api_error, path):
    # Its loopback origins would let a production service be made to fetch its own port (equal-access).
    api_error(demo_off_client.get(path), 404, "unknown_agency")
