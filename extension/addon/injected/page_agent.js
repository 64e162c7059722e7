/**
 * Evaluated by the driver in a DevTools isolated world of the page under test (extension/page_world.py),
 * after dom.js, facts.js and links.js: the page's scripts share the DOM with it but none of its variables,
 * prototypes or events, so they can neither read, rewrite nor forge what it measures (issue 19.3).
 * Defines globalThis.consentQaAgent(rules) -> { handle(request) }; a request is { op, ...params }.
 */
globalThis.consentQaAgent = (rules) => {
  const measure = globalThis.consentQaFacts(rules);
  const links = globalThis.consentQaLinks(rules);
  const { deepContains } = globalThis.consentQaDom;
  // Keyboard reachability: the driver presses Tab; focusin notes what received the focus.
  let focusLog = null;
  // The opt-out control last pointed at, for the driver's fallback click (see "click-control").
  let control = null;

  function onFocus(event) {
    if (focusLog === null) {
      return;
    }
    const el = event.composedPath()[0];
    if (el && el.nodeType === Node.ELEMENT_NODE) {
      focusLog.push({
        action: el.getAttribute("data-consent-action"),
        name: measure.accessibleName(el).slice(0, 100),
        tag: el.tagName.toLowerCase(),
      });
    }
  }

  function deepActive() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) {
      el = el.shadowRoot.activeElement;
    }
    return el && el !== document.body ? el : null;
  }

  function startFocusLog() {
    focusLog = [];
    // Moves inside one shadow tree stop at its boundary, so listen on every open shadow root too.
    for (const target of [document, ...measure.shadowRoots()]) {
      target.removeEventListener("focusin", onFocus, true);
      target.addEventListener("focusin", onFocus, true);
    }
    const active = deepActive();
    if (active) {
      onFocus({ composedPath: () => [active] });
    }
    return { ok: true };
  }

  /** The element a click at (x, y) would reach, through open shadow roots. */
  function deepHit(x, y) {
    let el = document.elementFromPoint(x, y);
    while (el && el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) {
        break;
      }
      el = inner;
    }
    return el;
  }

  /**
   * Where the driver clicks (viewport pixels), scrolled into view as WebDriver does; clear is false when
   * something else would take the click (WebDriver's "click intercepted") or the control has no box.
   */
  function clickPoint(el) {
    el.scrollIntoView({ block: "end", inline: "nearest" });
    const r = el.getBoundingClientRect();
    const x = Math.round(r.x + r.width / 2);
    const y = Math.round(r.y + r.height / 2);
    const inside = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
    const hit = inside ? deepHit(x, y) : null;
    return { x, y, clear: r.width > 0 && r.height > 0 && Boolean(hit) && deepContains(el, hit) };
  }

  function optOutControl(platform) {
    const found = measure.optOutControl(platform);
    control = found ? found.el : null;
    if (!found) {
      return { found: false };
    }
    return { found: true, ...found.info, point: clickPoint(found.el) };
  }

  function handle(request) {
    switch (request.op) {
      case "facts":
        return measure.facts(request.platform);
      case "dom":
        return measure.snapshot(request.platform);
      case "opt-out-control":
        return optOutControl(request.platform);
      case "click-control":
        // The noted fallback when a trusted click cannot reach the control: a script click.
        if (!control || !control.isConnected) {
          return { error: "no opt-out control to click" };
        }
        control.click();
        return { ok: true };
      case "next-link":
        return { url: links.nextLink(request.prefixes || []) };
      case "focus-start":
        return startFocusLog();
      case "focus-log":
        return { log: focusLog || [] };
      default:
        return { error: `unknown op ${request.op}` };
    }
  }

  return { handle };
};
