"""What the driver itself reads or does for tracking beyond cookies, through its own DevTools session.

The add-on's worker may not use the DOMStorage and IndexedDB domains (extensions are refused them), so what is
stored is read here, by origin, from chromedriver's DevTools session: the browser's answer, not the page's.
Typing: a visitor types a word no page contains into the page's first text field (never submitted); a request
that carries it afterwards is typed text leaving the page (keystroke recording), found in the record.
"""

import secrets
from urllib.parse import urlsplit

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains

from extension.page_world import cdp
from extension.windows import page_window

WORLD = "consent-qa-typing"
MAX_KEYS = 100  # per origin and area: the evidence of a finding stays small on pages that store hundreds
# The first visible text field outside any notice, focused (and later emptied) from a world of our own.
FOCUS_FIELD = """(() => {
  const fields = Array.from(document.querySelectorAll(
    "input:not([type]), input[type=text], input[type=search], input[type=email], textarea"));
  const field = fields.find((f) => !f.disabled && !f.readOnly && f.getClientRects().length > 0
    && !f.closest("[data-consent-notice], [role=dialog], [aria-modal=true]"));
  if (!field) { return null; }
  globalThis.consentQaTyped = field;
  field.focus();
  return {name: field.name || field.id || field.type || field.tagName.toLowerCase(),
          focused: document.activeElement === field};
})()"""
# Emptied, and the Tab key's starting point put back at the top of the page, where a new visitor's starts.
EMPTY_FIELD = """(() => { const field = globalThis.consentQaTyped; if (field) { field.value = ""; field.blur(); }
  const start = document.createElement("span"); start.tabIndex = -1; document.body.prepend(start);
  start.focus(); start.blur(); start.remove(); return true; })()"""


def origins_of(driver) -> list:
    """The http(s) origins of the current tab's frames, top frame first."""
    tree = cdp(driver, "Page.getFrameTree")["frameTree"]
    found, todo = [], [tree]
    while todo:
        node = todo.pop(0)
        parts = urlsplit(node["frame"].get("url", ""))
        if parts.scheme in ("http", "https"):
            found.append(f"{parts.scheme}://{parts.netloc}")
        todo += node.get("childFrames", [])
    return list(dict.fromkeys(found))


def stored(driver) -> dict:
    """{origin: {"localStorage": [keys], "sessionStorage": [keys], "indexedDB": [names]}} for the tab's frames."""
    found = {}
    try:
        origins = origins_of(driver)
    except WebDriverException:
        return found
    for origin in origins:
        entry = {}
        for area, local in (("localStorage", True), ("sessionStorage", False)):
            try:
                items = cdp(driver, "DOMStorage.getDOMStorageItems",
                            {"storageId": {"securityOrigin": origin, "isLocalStorage": local}})["entries"]
            except WebDriverException:
                items = []
            entry[area] = sorted(key for key, _ in items)[:MAX_KEYS]
        try:
            entry["indexedDB"] = sorted(cdp(driver, "IndexedDB.requestDatabaseNames",
                                            {"securityOrigin": origin})["databaseNames"])[:MAX_KEYS]
        except WebDriverException:
            entry["indexedDB"] = []
        found[origin] = entry
    return found


def _in_world(driver, expression: str):
    """Evaluate in our own isolated world of the top frame; the page's scripts share only the DOM."""
    context = cdp(driver, "Page.createIsolatedWorld", {"frameId": page_window(driver), "worldName": WORLD})
    answer = cdp(driver, "Runtime.evaluate", {"expression": expression, "contextId": context["executionContextId"],
                                               "returnByValue": True})
    return (answer.get("result") or {}).get("value")


def type_word(driver) -> dict:
    """Type a fresh word into the page's first text field like a visitor, then empty it: {"word", "field"}."""
    word = f"qaword{secrets.token_hex(4)}"
    try:
        field = _in_world(driver, FOCUS_FIELD)
        if not field or not field.get("focused"):
            return {"word": None, "field": None}
        ActionChains(driver).send_keys(word).perform()
        _in_world(driver, EMPTY_FIELD)
    except WebDriverException as e:
        return {"word": None, "field": None, "error": (e.msg or str(e)).splitlines()[0]}
    return {"word": word, "field": field["name"]}
