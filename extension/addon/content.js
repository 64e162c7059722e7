/**
 * consent-qa recorder, isolated world: relays the driver's requests and document.cookie writes.
 *
 * It changes nothing on the page. The driver talks to it with CustomEvents on
 * `document` whose detail is a JSON string ("consent-qa-request" in,
 * "consent-qa-response" out): unlike window.postMessage they reach no page
 * listener that was not written for them. Decisions about clauses are made in
 * Python; the measuring is in facts.js, loaded just before this file, with the
 * rules the service worker reads from rules.json (asked for once, on first use).
 */
(() => {
  const isTop = window.top === window;
  let measuring = null;

  /** facts.js's functions built with rules.json; the worker reads the file (content scripts may not). */
  function measure() {
    measuring ||= send({ op: "rules" }).then((rules) => {
      if (!rules || rules.error) {
        throw new Error(`no rules from the worker: ${rules && rules.error}`);
      }
      return globalThis.consentQaFacts(rules);
    });
    return measuring;
  }

  document.addEventListener("consent-qa-cookie-write", (event) => {
    send({ op: "cookie-write", value: String(event.detail) });
  });

  /** Send to the worker; an idle worker is woken up by the message itself. */
  function send(message) {
    return chrome.runtime.sendMessage(message).catch((e) => ({ error: String(e) }));
  }

  // Keyboard reachability: the driver presses Tab; we note what received focus.
  let focusLog = null;

  let focusedName = null;

  function onFocus(event) {
    if (focusLog === null) {
      return;
    }
    const el = event.composedPath()[0];
    if (el && el.nodeType === Node.ELEMENT_NODE) {
      focusLog.push({
        action: el.getAttribute("data-consent-action"),
        name: focusedName(el).slice(0, 100),
        tag: el.tagName.toLowerCase(),
      });
    }
  }

  function startFocusLog({ accessibleName, shadowRoots }) {
    focusedName = accessibleName;
    focusLog = [];
    // Moves inside one shadow tree stop at its boundary, so listen on every open shadow root too.
    for (const target of [document, ...shadowRoots()]) {
      target.removeEventListener("focusin", onFocus, true);
      target.addEventListener("focusin", onFocus, true);
    }
    const active = deepActive();
    if (active) {
      onFocus({ composedPath: () => [active] });
    }
    return { ok: true };
  }

  function deepActive() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) {
      el = el.shadowRoot.activeElement;
    }
    return el && el !== document.body ? el : null;
  }
  /**
   * Point the driver at an element: a composed event on it reaches the driver's listener in the
   * page (see injected/ask_page.js), which hands the element itself to Selenium.
   */
  function handOver(el, id) {
    el.dispatchEvent(new CustomEvent("consent-qa-element", { composed: true, detail: String(id) }));
  }

  async function handle(request) {
    switch (request.op) {
      case "facts":
        return (await measure()).facts(request.platform);
      case "dom":
        return (await measure()).snapshot(request.platform);
      case "opt-out-control": {
        const found = (await measure()).optOutControl(request.platform);
        if (!found) {
          return { found: false };
        }
        handOver(found.el, request.id);
        return { found: true, ...found.info };
      }
      case "next-link":
        return { url: (await measure()).nextLink(request.prefixes || []) };
      case "focus-start":
        return startFocusLog(await measure());
      case "focus-log":
        return { log: focusLog || [] };
      case "read":
      case "last":
      case "reset":
      case "ping":
        return send({ op: request.op, wipe: Boolean(request.wipe) });
      default:
        return { error: `unknown op ${request.op}` };
    }
  }

  if (isTop) {
    document.addEventListener("consent-qa-request", (event) => {
      let request;
      try {
        request = JSON.parse(event.detail);
      } catch (e) {
        return;
      }
      Promise.resolve()
        .then(() => handle(request))
        .catch((e) => ({ error: String(e) }))
        .then((result) => {
          document.dispatchEvent(
            new CustomEvent("consent-qa-response", { detail: JSON.stringify({ id: request.id, result }) }),
          );
        });
    });
  }
})();
