"""Every configured text field full of XSS payloads: the banner shows them as text and runs none of them."""

import pytest

from agency_site import agency_toml
from agency_site import serve_agencies
from hostile import PAYLOADS
from notice_page import DETAILS
from notice_page import OPT_OUT
from server.core.agency_schema import TEXT_KEYS

pytestmark = pytest.mark.browser

TEST_KEYS = ["banner-hostile-key-0123456789abcdef"]
# Payloads call alert(1); a marker is easier to read back than a dialog.
ARMED = [payload.replace("alert(1)", "window.__pwned=1") for payload in PAYLOADS]
INJECTED = """
const root = document.querySelector('[data-consent-notice]').shadowRoot;
const found = [...root.querySelectorAll(
  'script, img, svg, math, iframe, form, input, style, link, meta, base, noscript, b, a[href^="javascript"], ' +
  '[onclick], [onerror], [onload], [onmouseover], [onfocus], [ontoggle]')].map(e => e.outerHTML);
return {found, pwned: window.__pwned === undefined ? null : window.__pwned};
"""


@pytest.fixture(scope="module")
def service(site, tmp_path_factory):
    """A service with one agency per payload, the payload in its name, every text, vendor and purpose."""
    files = {f"x{index}": agency_toml(f"x{index}", site.origin, name=payload, vendor=payload, purpose=payload,
                                      texts={lang: {key: payload for key in TEXT_KEYS} for lang in ("en", "es")})
             for index, payload in enumerate(ARMED)}
    server = serve_agencies(tmp_path_factory.mktemp("hostile-agencies"), files, TEST_KEYS)
    yield server.url
    server.stop()


@pytest.mark.parametrize("index", range(len(ARMED)), ids=[f"payload-{i}" for i in range(len(ARMED))])
def test_payload_in_every_field_shows_as_text(visitor, site, service, index):
    payload = ARMED[index]
    visitor.visit(site.add_page(f"/p/hostile-{index}", service, f"x{index}")).wait_shown()
    visitor.control(DETAILS).click()
    # WebDriver's visible text drops zero-width spaces; nothing else may differ.
    shown = payload.replace("{agency}", payload).replace("\u200b", "").strip()
    assert visitor.control(OPT_OUT).text.strip() == shown
    assert shown in visitor.notice_text().replace("\u200b", "")
    result = visitor.driver.execute_script(INJECTED)
    assert result == {"found": [], "pwned": None}, result
