/**
 * consent-qa recorder, isolated world: relays document.cookie writes to the service worker.
 *
 * It changes nothing on the page and answers nothing to it. cookie_hook.js (page world, injected
 * right after this file, at document_start before any script of the page) hands over a private
 * element that is never in the document; the writes arrive as events on that element only, so the
 * page can neither hear, stop, rewrite nor forge them. Only the first hand-over is taken: a page
 * that dispatches its own later is ignored. The driver measures the page elsewhere (a DevTools
 * isolated world, extension/page_world.py) and reads the record from the worker through the
 * extension's own page (extension/channel.py).
 */
(() => {
  function onPort(event) {
    document.removeEventListener("consent-qa-port", onPort, true);
    event.stopImmediatePropagation();
    const port = event.relatedTarget;
    if (!port || port.isConnected) {
      return;
    }
    port.addEventListener("consent-qa-cookie-write", (write) => {
      chrome.runtime.sendMessage({ op: "cookie-write", value: String(write.detail) }).catch(() => {});
    });
  }

  document.addEventListener("consent-qa-port", onPort, true);
})();
