/**
 * consent-qa recorder, isolated world: relays the driver's requests and document.cookie writes.
 *
 * It changes nothing on the page. The driver talks to it with CustomEvents on
 * `document` whose detail is a JSON string ("consent-qa-request" in,
 * "consent-qa-response" out): unlike window.postMessage they reach no page
 * listener that was not written for them. Decisions about clauses are made in
 * Python; the measuring is in facts.js, loaded just before this file.
 */
(() => {
  const isTop = window.top === window;
  const { facts, snapshot, accessibleName, shadowRoots } = globalThis.consentQa;

  document.addEventListener("consent-qa-cookie-write", (event) => {
    send({ op: "cookie-write", value: String(event.detail) });
  });

  /** Send to the worker; an idle worker is woken up by the message itself. */
  function send(message) {
    return chrome.runtime.sendMessage(message).catch((e) => ({ error: String(e) }));
  }

  // Keyboard reachability: the driver presses Tab; we note what received focus.
  let focusLog = null;

  function onFocus(event) {
    if (focusLog === null) {
      return;
    }
    const el = event.composedPath()[0];
    if (el && el.nodeType === Node.ELEMENT_NODE) {
      focusLog.push({
        action: el.getAttribute("data-consent-action"),
        name: accessibleName(el).slice(0, 100),
        tag: el.tagName.toLowerCase(),
      });
    }
  }

  function startFocusLog() {
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
  async function handle(request) {
    switch (request.op) {
      case "facts":
        return facts();
      case "dom":
        return snapshot();
      case "focus-start":
        return startFocusLog();
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
