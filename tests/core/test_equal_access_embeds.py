"""Embedded content in the equal-access comparison (server/core/equal_access/embeds.py): reachable, or named."""

import pytest

from server.core.equal_access.compare import compare_documents
from server.core.equal_access.embeds import provider_page

URL = "https://www.mass.gov/info-details/visit-us"
VIDEO_SRC = "https://www.youtube-nocookie.com/embed/abc123?start=30"
BEFORE = f"""<main><h1>Visit us</h1>
<iframe id="tour" data-tracker="youtube" data-src="{VIDEO_SRC}" src="{VIDEO_SRC}" title="Tour of the office"
        data-alternative="/tour-transcript"></iframe><p>Open 9 to 5.</p></main>"""


def placeholder(*links, caption="Tour of the office", tracker="youtube"):
    """What embeds.mjs puts in the frame's place, with the given links, and the frame hidden after it."""
    anchors = "".join(f'<a href="{href}">link</a>' for href in links)
    return (f'<consent-embed data-consent-placeholder="{tracker}"><figure><figcaption>{caption}</figcaption>'
            f"<p>Not loaded, so YouTube cannot track your visit.</p><p>{anchors}</p>"
            "<button type=button>Load this video</button></figure></consent-embed>"
            f'<iframe hidden id="tour" data-tracker="{tracker}" data-src="{VIDEO_SRC}" title="{caption}"></iframe>')


def after_with(replacement):
    start = BEFORE.index("<iframe")
    end = BEFORE.index("</iframe>") + len("</iframe>")
    return BEFORE[:start] + replacement + BEFORE[end:]


def compared(after):
    return compare_documents(BEFORE, after, url=URL)


@pytest.mark.parametrize("link", [
    "https://www.youtube.com/watch?v=abc123&t=30s",  # the provider's page, derived
    VIDEO_SRC,  # the frame's own address
    "/tour-transcript",  # the declared alternative
])
def test_a_placeholder_linking_to_the_content_is_equal(link):
    assert compared(after_with(placeholder(link))).equal


def test_the_embed_still_shown_after_opt_out_is_equal():
    assert compared(BEFORE).equal


def test_an_embed_that_disappears_fails_naming_it():
    result = compared(after_with(""))
    assert not result.equal
    (difference,) = result.differences
    assert difference.what == "embed" and difference.kind == "missing" and difference.where == "iframe#tour"
    assert "“Tour of the office”" in difference.message and "disappears" in difference.message


def test_a_placeholder_without_a_way_to_the_content_fails_naming_it():
    result = compared(after_with(placeholder("/cookie-settings", "javascript:alert(1)")))
    (difference,) = result.differences
    assert difference.kind == "changed" and "“Tour of the office”" in difference.message
    assert "no link" in difference.message


def test_the_placeholders_own_words_are_not_compared_as_page_text():
    after = after_with(placeholder(VIDEO_SRC, caption="Tour of the office"))
    assert [d.what for d in compared(after).differences] == []


def test_an_embed_not_loaded_for_the_first_visitor_asks_nothing():
    unloaded = BEFORE.replace(f' src="{VIDEO_SRC}"', "")
    assert compare_documents(unloaded, after_with(""), url=URL).equal


def test_tracker_frames_outside_the_embed_contract_stay_left_out():
    before = '<main><p>Hi</p><iframe data-tracker="ads" src="https://ads.example/f" title="Ad"></iframe></main>'
    assert compare_documents(before, "<main><p>Hi</p></main>", url=URL).equal


@pytest.mark.parametrize("embed, page", [
    ("https://www.youtube.com/embed/xyz?start=12", "https://www.youtube.com/watch?v=xyz&t=12s"),
    ("https://player.vimeo.com/video/76979871?h=1", "https://vimeo.com/76979871"),
    ("https://www.google.com/maps/embed/v1/place?key=K&q=1 Ashburton Pl, Boston",
     "https://www.google.com/maps/search/?api=1&query=1%20Ashburton%20Pl%2C%20Boston"),
    ("https://www.google.com/maps?q=&ll=42.35,-71.06&output=embed", "https://www.google.com/maps?q=&ll=42.35%2C-71.06"),
    ("https://mass.formstack.com/forms/contact_us", "https://mass.formstack.com/forms/contact_us"),
    ("https://video.example/player/1", None),
])
def test_known_providers_pages(embed, page):
    assert provider_page(embed) == page
