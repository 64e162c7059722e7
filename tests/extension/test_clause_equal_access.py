"""Equal access (extension/clauses/equal_access.py): the rendered page before and after opt-out, compared."""

from clause_records import NOTICE
from clause_records import URL
from clause_records import journey
from clause_records import verdict

from extension.clauses.equal_access import clause_equal_access
from extension.clauses.equal_access import compare_content

PAGE = """<html><body><main><h1>Renew a license</h1><p>Bring your old license and a photo.</p>
<a href="/fees">Fees</a><form action="/apply" method="post"><input name="email"></form></main>
<section data-consent-notice><p>We use cookies</p><a href="/privacy">Privacy</a></section>
<script>var a = 1;</script></body></html>"""


def test_same_page_is_equal_even_when_the_notice_is_gone():
    after = PAGE.replace("<section data-consent-notice><p>We use cookies</p><a href=\"/privacy\">Privacy</a>"
                         "</section>", "")
    assert compare_content(PAGE, after, URL, {})["equal"]


def test_missing_link_form_and_text_are_named():
    after = "<html><body><main><h1>Please accept cookies</h1></main></body></html>"
    result = compare_content(PAGE, after, URL, {})
    whats = [d["what"] for d in result["differences"]]
    assert not result["equal"]
    assert "link" in whats and "form" in whats and "text" in whats
    assert any("https://www.mass.gov/fees" in (d["before"] or "") for d in result["differences"])


def test_hidden_content_counts_as_missing():
    after = PAGE.replace("<main>", "<main hidden>")
    result = compare_content(PAGE, after, URL, {})
    assert not result["equal"] and result["method"] == "server.equal_access"


def test_a_declared_trackers_element_is_not_content():
    with_tracker = PAGE.replace("</main>", '<img src="/stats/p.gif" alt="stats"></main>')
    notice = {"trackers": [{"requests": ["/stats/"]}]}
    assert not compare_content(with_tracker, PAGE, URL, {})["equal"]
    assert compare_content(with_tracker, PAGE, URL, notice)["equal"]


def test_equal_access_compares_before_and_after():
    same = journey(before={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"},
                   after={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"})
    walled = journey(before={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"},
                     after={"dom": "<main hidden><h1>Hi</h1><p>Text here.</p></main><p>Accept cookies</p>"})
    assert verdict(clause_equal_access(URL, same, NOTICE)) == "pass"
    assert verdict(clause_equal_access(URL, walled, NOTICE)) == "fail"
    assert verdict(clause_equal_access(URL, journey(after={}), NOTICE)) == "fail"
