"""The before/after content comparison and its fallback (text, links and forms)."""

from extension.content import compare_content
from extension.content import simple_compare
from extension.content import tracker_prefixes

URL = "https://www.mass.gov/service"
PAGE = """<html><body><main><h1>Renew a license</h1><p>Bring your old license and a photo.</p>
<a href="/fees">Fees</a><form action="/apply" method="post"><input name="email"></form></main>
<section data-consent-notice><p>We use cookies</p><a href="/privacy">Privacy</a></section>
<script>var a = 1;</script></body></html>"""


def test_same_page_is_equal_even_when_the_notice_is_gone():
    after = PAGE.replace("<section data-consent-notice><p>We use cookies</p><a href=\"/privacy\">Privacy</a>"
                         "</section>", "")
    assert simple_compare(PAGE, after, URL)["equal"]
    assert compare_content(PAGE, after, URL, {})["equal"]


def test_missing_link_form_and_text_are_named():
    after = "<html><body><main><h1>Please accept cookies</h1></main></body></html>"
    result = simple_compare(PAGE, after, URL)
    whats = [d["what"] for d in result["differences"]]
    assert not result["equal"]
    assert "link" in whats and "form" in whats and "text" in whats
    assert any("https://www.mass.gov/fees" in d["message"] for d in result["differences"])


def test_hidden_content_counts_as_missing():
    after = PAGE.replace("<main>", "<main hidden>")
    assert not simple_compare(PAGE, after, URL)["equal"]
    result = compare_content(PAGE, after, URL, {})
    assert not result["equal"] and result["method"] == "server.equal_access"


def test_tracker_prefixes_resolve_paths_on_the_page_origin():
    notice = {"trackers": [{"requests": ["/stats/", "https://acme.example/c"]}, {"requests": []}]}
    assert tracker_prefixes(URL, notice) == ("https://www.mass.gov/stats/", "https://acme.example/c")
    with_origins = {**notice, "origins": ["https://www.mass.gov", "https://dor.mass.gov"]}
    assert tracker_prefixes(URL, with_origins) == (
        "https://www.mass.gov/stats/", "https://dor.mass.gov/stats/", "https://acme.example/c")
