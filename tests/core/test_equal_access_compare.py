"""Comparison: equal pages stay equal through volatile noise; each kind of discrimination is named."""

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from equal_access_pages import render
from server.core.equal_access.compare import compare_documents
from server.core.equal_access.compare import MAX_DIFFERENCES
from server.core.equal_access.rules import Rules

URL = "https://agency.example/licences/fishing"
RULES = Rules(tracker_prefixes=(
    "https://stats.vendor.example/", "https://agency.example/tracker/", "https://ads.vendor.example/frame",
))


def check(path, rules=RULES):
    """The site's page at `path`, as a visitor who did not opt out and as one who did."""
    return compare_documents(render(path, False), render(path, True), url=URL, rules=rules)


def named(comparison):
    return [(difference.kind, difference.what, difference.where) for difference in comparison.differences]


def test_pages_that_differ_only_by_trackers_nonces_and_timestamps_are_equal():
    comparison = check("/equal")
    assert comparison.equal, named(comparison)
    assert comparison.to_dict() == {"equal": True, "differences": [], "truncated": False}


def test_without_the_agency_rules_the_undeclared_tracker_requests_would_count():
    comparison = check("/equal", rules=Rules())
    assert not comparison.equal
    assert {(kind, what) for kind, what, _ in named(comparison)} == {("missing", "image"), ("missing", "iframe")}


@pytest.mark.parametrize(("before", "after"), [
    ('<script src="https://stats.vendor.example/t.js" data-tracker="a"></script><p>x</p>', "<p>x</p>"),
    ('<p nonce="1">x</p><script nonce="abc">1</script>', '<p nonce="2">x</p><script nonce="def">2</script>'),
    ("<p>Updated 2026-11-23T18:19:24Z</p>", "<p>Updated 2026-11-23T18:19:25Z</p>"),
    ("<p>At 18:19:24</p>", "<p>At 18:19:25</p>"),
    ('<a href="/a.pdf?v=1">A</a>', '<a href="/a.pdf?v=2">A</a>'),
    ('<form action="/f"><input type="hidden" name="csrf_token" value="1"></form>',
     '<form action="/f"><input type="hidden" name="csrf_token" value="2"></form>'),
    ("<div data-consent-notice>Accept?</div><p>x</p>", "<div data-consent-notice>You opted out.</div><p>x</p>"),
    ("<p>a</p>\n<p>b   c</p>", "<p>a</p><p>b c</p>"),
])
def test_volatile_differences_are_equal(before, after):
    comparison = compare_documents(before, after, url=URL, rules=RULES)
    assert comparison.equal, named(comparison)


def test_a_paragraph_removed_for_opted_out_visitors_is_named():
    comparison = check("/paragraph")
    assert named(comparison) == [("missing", "text", "p#fees")]
    assert comparison.differences[0].before.startswith("A resident licence costs $27.50")
    assert comparison.differences[0].after is None


def test_a_cookie_wall_is_named_as_added_text_and_missing_content():
    found = named(check("/wall"))
    differences = check("/wall").differences
    added = [difference.after for difference in differences if difference.kind == "added"]
    assert "Please accept cookies to continue." in added
    assert ("missing", "text", "p#intro") in found
    assert ("missing", "form", "form#apply") in found
    assert ("missing", "iframe", "iframe#video") in found


def test_a_form_that_disappears_is_named():
    comparison = check("/form")
    assert ("missing", "form", "form#apply") in named(comparison)
    form = next(difference for difference in comparison.differences if difference.what == "form")
    assert "POST https://agency.example/apply" in form.before


def test_a_download_link_that_changes_target_is_named():
    comparison = check("/download")
    assert named(comparison) == [("changed", "link", "a#download")]
    difference = comparison.differences[0]
    assert "fishing-licence-application.pdf" in difference.before
    assert "opted-out-notice.pdf" in difference.after
    assert "different target" in difference.message


def test_a_video_replaced_by_an_undeclared_placeholder_is_named():
    comparison = check("/video")
    assert ("missing", "iframe", "iframe#video") in named(comparison)
    assert any(difference.kind == "added" and "accept cookies" in difference.after
               for difference in comparison.differences)


def test_a_different_status_and_final_url_are_named():
    comparison = compare_documents("<p>x</p>", "<p>x</p>", url=URL, before_url=URL,
                                   after_url="https://agency.example/consent-required",
                                   before_status=200, after_status=403)
    assert named(comparison) == [("changed", "status", "(response)"), ("changed", "url", "(response)")]
    assert (comparison.differences[0].before, comparison.differences[0].after) == ("200", "403")


def test_a_reworded_paragraph_is_one_change():
    comparison = compare_documents("<p>Apply by May 1.</p><p>Bring ID.</p>",
                                   "<p>Apply by May 1 if you accept cookies.</p><p>Bring ID.</p>", url=URL)
    assert named(comparison) == [("changed", "text", "body > p:nth-of-type(1)")]


def test_moved_content_is_the_same_information():
    comparison = compare_documents("<p>One</p><p>Two</p>", "<p>Two</p><p>One</p>", url=URL)
    assert comparison.equal, named(comparison)


def test_an_image_with_another_source_is_a_change():
    comparison = compare_documents('<img src="/map.png" alt="Map">', '<img src="/blank.png" alt="Map">', url=URL)
    assert named(comparison) == [("changed", "image", "body > img")]


def test_differences_are_capped_and_say_so():
    before = "".join(f"<p>Paragraph number {index}</p>" for index in range(MAX_DIFFERENCES + 20))
    comparison = compare_documents(before, "<p>Nothing here</p>", url=URL)
    assert not comparison.equal and comparison.truncated
    assert len(comparison.differences) == MAX_DIFFERENCES


def test_rendered_dom_snapshots_compare_like_documents():
    """outerHTML after scripts ran: activated trackers, an open shadow host for the notice, injected nodes."""
    before = ('<html><head><title>T</title><script src="https://stats.vendor.example/t.js" '
              'data-tracker="a" type="text/javascript"></script></head><body>'
              '<div data-consent-notice=""></div><main><p>Content</p>'
              '<img src="https://agency.example/tracker/p.gif?cb=1763921964"></main></body></html>')
    after = ('<html><head><title>T</title></head><body><div data-consent-notice="" hidden=""></div>'
             "<main><p>Content</p></main></body></html>")
    assert compare_documents(before, after, url=URL, rules=RULES).equal


FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<a href='/x'>", "<a href=\"http://[\">", "</a>", "<h2>", "</h2>", "<br>",
    "<img src=/i.png alt=I>", "<form action=/f>", "</form>", "<input name=n>", "<iframe src=/v>", "</iframe>",
    "<base href='http://[::1'>", "<table><tr><td>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#0;",
    "text ", "2026-11-23T18:19:24Z ", "\u00e9", "\x00", "<select name=s><option>o", "<p hidden>", "<video src=/v.mp4>",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_any_markup_equals_itself_and_never_crashes(markup):
    comparison = compare_documents(markup, markup, url=URL, rules=RULES)
    assert comparison.equal, named(comparison)
