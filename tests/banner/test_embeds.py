"""Embeds (issue 22) in real Chromium: a video, a map and a form load for a visitor who has not opted out; after
opting out, or with Global Privacy Control, they never load and a same-size placeholder keeps them reachable."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from embed_site import FORM_TITLE
from embed_site import HOSTILE_TITLE
from embed_site import MAP_TITLE
from embed_site import VIDEO_TITLE
from embed_site import EmbedSite
from embed_site import serve_agency
from notice_page import ACCEPT
from notice_page import OPT_OUT
from notice_page import REOPEN
from test_demo_journeys import AXE
from test_demo_journeys import AXE_INSTALL

pytestmark = pytest.mark.browser

KEYS = ["embeds-test-key-0123456789abcdef0123"]
PLACEHOLDERS = (By.CSS_SELECTOR, "[data-consent-placeholder]")
# Each placeholder as a visitor gets it: caption, text, links, button, and its box against the frame's.
PLACEHOLDER_FACTS = """
return [...document.querySelectorAll('[data-consent-placeholder]')].map(host => {
  const frame = host.nextElementSibling, box = host.getBoundingClientRect();
  return {tracker: host.getAttribute('data-consent-placeholder'), lang: host.lang,
          caption: host.querySelector('figcaption').textContent, text: host.textContent,
          links: [...host.querySelectorAll('a')].map(a => [a.textContent, a.href]),
          button: host.querySelector('button').textContent, frameHidden: frame.hidden, frameSrc: frame.src,
          box: [Math.round(box.width), Math.round(box.height)],
          declared: [Number(frame.getAttribute('width')), Number(frame.getAttribute('height'))]};
});
"""
# The frames' boxes and where the page's last paragraph sits: what a visitor who has not opted out sees.
FRAME_BOXES = """
const box = e => { const r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top),
                                                                 Math.round(r.width), Math.round(r.height)]; };
return {frames: [...document.querySelectorAll('iframe[data-tracker]')].map(box),
        placeholders: [...document.querySelectorAll('[data-consent-placeholder]')].map(box),
        end: box(document.getElementById('end'))};
"""
LOADED_FRAMES = "return [...document.querySelectorAll('iframe[data-tracker]')].filter(f => f.src && !f.hidden).length"
LAYOUT_SHIFT = """
const done = arguments[arguments.length - 1];
const seen = [];
new PerformanceObserver(list => seen.push(...list.getEntries())).observe({type: 'layout-shift', buffered: true});
setTimeout(() => done(seen.filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0)), 300);
"""


@pytest.fixture(scope="module")
def embed_site(tmp_path_factory):
    """The agency's pages and providers, and a consent service whose agency declares the embeds' trackers."""
    site = EmbedSite().start()
    service = serve_agency(tmp_path_factory.mktemp("embed-agencies"), site.origin, KEYS)
    site.service = service.url
    yield site
    service.stop()
    site.stop()


def placeholders(visitor, count=3):
    """Wait for `count` placeholders and return what they show."""
    visitor.wait(lambda d: len(d.find_elements(*PLACEHOLDERS)) == count, f"{count} embed placeholders did not appear")
    return visitor.driver.execute_script(PLACEHOLDER_FACTS)


def opted_out_visit(visitor, embed_site, path="/embeds"):
    """Open the page, opt out in the notice, and open it again (a later page view of the same visit)."""
    visitor.visit(f"{embed_site.origin}{path}").wait_shown()
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    embed_site.forget()
    visitor.visit(f"{embed_site.origin}{path}").settle()


def test_embeds_load_for_a_visitor_who_has_not_opted_out(visitor, embed_site):
    embed_site.forget()
    visitor.visit(f"{embed_site.origin}/embeds").wait_shown()
    visitor.wait(lambda d: d.execute_script(LOADED_FRAMES) == 3, "the video, map and form did not load")
    visitor.wait(lambda d: len(embed_site.provider_hits()) == 3, "the providers were not asked for the embeds")
    assert visitor.driver.find_elements(*PLACEHOLDERS) == []


def test_opting_out_swaps_the_loaded_embeds_for_placeholders_at_once(visitor, embed_site):
    visitor.visit(f"{embed_site.origin}/embeds").wait_shown()
    visitor.wait(lambda d: d.execute_script(LOADED_FRAMES) == 3, "the embeds did not load")
    loaded = visitor.driver.execute_script(FRAME_BOXES)
    visitor.control(OPT_OUT).click()
    shown = placeholders(visitor)
    assert visitor.driver.execute_script(LOADED_FRAMES) == 0
    assert all(placeholder["frameHidden"] and not placeholder["frameSrc"] for placeholder in shown)
    # Same boxes in the same places: nothing on the page moved.
    held = visitor.driver.execute_script(FRAME_BOXES)
    assert held["placeholders"] == loaded["frames"] and held["end"] == loaded["end"]


def test_after_opting_out_embeds_never_load_and_placeholders_lead_to_the_content(visitor, embed_site):
    opted_out_visit(visitor, embed_site)
    video, map_, form = placeholders(visitor)
    assert embed_site.provider_hits() == [], "an embed loaded for a visitor who opted out"
    provider = embed_site.provider
    assert video["caption"] == VIDEO_TITLE and "Example Video Co." in video["text"]
    assert video["links"] == [["Open it on Example Video Co.", f"{provider}/watch/tour"],
                              ["Another way to get this content", f"{embed_site.origin}/tour-transcript"]]
    assert video["button"] == "Load this video"
    assert map_["caption"] == MAP_TITLE and map_["button"] == "Load this map"
    assert map_["links"] == [["Open it on Example Maps", f"{provider}/maps/office"]]
    # No data-href: the frame's own address is the way to the content.
    assert form["caption"] == FORM_TITLE and form["button"] == "Load this form"
    assert form["links"] == [["Open it on Example Forms", f"{provider}/form/question"]]
    # Each placeholder takes its frame's box (the frame's default 2px border included).
    for placeholder in (video, map_, form):
        assert placeholder["box"] == [size + 4 for size in placeholder["declared"]]
    assert visitor.driver.execute_async_script(LAYOUT_SHIFT) == 0
    assert visitor.driver.execute_script("return window.__violations") == []


def test_accepting_later_loads_the_held_back_embeds(visitor, embed_site):
    opted_out_visit(visitor, embed_site)
    placeholders(visitor)
    visitor.driver.find_element(*REOPEN).click()
    visitor.wait_shown()
    visitor.control(ACCEPT).click()
    visitor.wait(lambda d: d.execute_script(LOADED_FRAMES) == 3, "accepting did not load the held-back embeds")
    assert visitor.driver.find_elements(*PLACEHOLDERS) == []
    visitor.wait(lambda d: len(embed_site.provider_hits()) == 3, "the providers were not asked after accepting")


def test_in_opt_in_mode_embeds_wait_for_an_accept(visitor, embed_site):
    embed_site.forget()
    visitor.visit(f"{embed_site.origin}/opt-in").wait_shown()
    assert len(placeholders(visitor)) == 3 and embed_site.provider_hits() == []
    visitor.control(ACCEPT).click()
    visitor.wait(lambda d: d.execute_script(LOADED_FRAMES) == 3, "accepting did not load the embeds")
    assert visitor.driver.find_elements(*PLACEHOLDERS) == []


def test_global_privacy_control_holds_embeds_back_without_a_click(visitor, embed_site):
    visitor.send_gpc()
    embed_site.forget()
    visitor.visit(f"{embed_site.origin}/embeds").settle()
    assert len(placeholders(visitor)) == 3
    assert embed_site.provider_hits() == []
    assert visitor.driver.execute_async_script(LAYOUT_SHIFT) == 0


def test_the_load_button_loads_that_embed_for_this_page_view_only(visitor, embed_site):
    opted_out_visit(visitor, embed_site)
    placeholders(visitor)
    button = visitor.driver.find_element(By.CSS_SELECTOR, "[data-consent-placeholder=video-co] button")
    button.send_keys(Keys.ENTER)
    visitor.wait(lambda d: embed_site.provider_hits() == ["/player/tour"], "the video did not load on request")
    assert visitor.driver.execute_script("return document.activeElement.getAttribute('data-tracker')") == "video-co"
    assert len(visitor.driver.find_elements(*PLACEHOLDERS)) == 2, "the map and form must stay held back"
    assert visitor.cookie("consent_choice")["value"] == "out", "loading one embed must not change the opt-out"
    embed_site.forget()
    visitor.visit(f"{embed_site.origin}/embeds").settle()
    assert len(placeholders(visitor)) == 3 and embed_site.provider_hits() == []


def test_placeholders_are_accessible_and_keyboard_reachable(visitor, embed_site):
    assert AXE.is_file(), f"axe-core is not installed ({AXE}); install it with `{AXE_INSTALL}`"
    opted_out_visit(visitor, embed_site)
    placeholders(visitor)
    visitor.driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations, passed = visitor.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run({include: [['[data-consent-placeholder]']]},
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
          .then(r => done([r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)})),
                           r.passes.map(p => p.id)]), e => done([[{id: 'axe-error', nodes: [String(e)]}], []]));
    """)
    assert violations == []
    assert {"color-contrast", "button-name", "link-name"} <= set(passed)
    # Tab from the page's heading walks through each placeholder's links and its button.
    visitor.driver.execute_script("document.querySelector('h1').tabIndex = -1; document.querySelector('h1').focus()")
    reached = []
    for _ in range(6):
        visitor.driver.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(visitor.driver.execute_script("return document.activeElement.textContent"))
    assert reached[:3] == ["Open it on Example Video Co.", "Another way to get this content", "Load this video"]


def test_known_providers_links_kinds_and_the_pages_language(visitor, embed_site):
    visitor.send_gpc()
    visitor.visit(f"{embed_site.origin}/known").settle()
    youtube, vimeo, maps, formstack, hostile = placeholders(visitor, 5)
    assert youtube["links"] == [["Abrirlo en YouTube (Google)", "https://www.youtube.com/watch?v=M7lc1UVf-VE&t=42s"]]
    assert youtube["button"] == "Cargar este video" and youtube["lang"] == "es"
    assert vimeo["links"][0][1] == "https://vimeo.com/76979871"
    assert maps["links"][0][1] == "https://www.google.com/maps/search/?api=1&query=1%20Ashburton%20Pl%2C%20Boston"
    assert maps["button"] == "Cargar este mapa"
    assert formstack["links"][0][1] == "https://mass.formstack.com/forms/contact_us"
    assert formstack["button"] == "Cargar este formulario"
    # Configured text is text: no markup parsed, no script URL linked.
    assert hostile["caption"] == HOSTILE_TITLE
    assert [href for _, href in hostile["links"]] == [f"{embed_site.provider}/player/hostile"]
    assert visitor.driver.execute_script("return window.pwned") is None
    assert embed_site.provider_hits() == []


def test_a_placeholder_takes_the_frames_box_once_a_late_stylesheet_has_applied(visitor, embed_site):
    opted_out_visit(visitor, embed_site, "/slow-styles")
    (video,) = placeholders(visitor, 1)
    # 480 x 270 and the late sheet's 1px border (not the 2px default border the frame had before it arrived).
    assert video["box"] == [482, 272]


def test_the_demo_sites_video_and_its_placeholder_after_opting_out(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.wait(lambda d: visitor.requested("/demo/media/player"), "the demo's welcome video did not load")
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    visitor.visit(f"{live_server}/demo/").settle()
    (video,) = placeholders(visitor, 1)
    assert visitor.requested("/demo/media/player") == [], "the welcome video loaded after opting out"
    assert video["caption"].startswith("Welcome to the Demo Office of Public Services")
    assert video["links"] == [["Open it on Demo Video (a stand-in)", f"{live_server}/demo/media/watch"],
                              ["Another way to get this content", f"{live_server}/demo/media/transcript"]]
    # The frame's box: 560 x 315 and the 1px border the demo's site.css gives it.
    assert video["button"] == "Load this video" and video["box"] == [562, 317]
    assert visitor.driver.execute_script("return window.__violations") == []
