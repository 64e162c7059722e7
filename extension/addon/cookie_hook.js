/**
 * consent-qa recorder, page world: reports document.cookie writes.
 *
 * Chromium caps a stored cookie's expiry at 400 days, so the 2-year rule needs
 * the expiry a script asked for. The setter is wrapped, not replaced: the
 * write goes through unchanged and the page sees no difference.
 *
 * The page must not be able to hear, stop, rewrite or forge these reports
 * (issue 19.3), so they never travel on document or window: each one is an
 * event on a private element that is never in the document. content.js
 * (isolated world, injected just before this file) receives that element once,
 * here, at document_start, when no script of the page has run yet.
 */
(() => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (!desc || !desc.set || !desc.get) {
    return;
  }
  const originalSet = desc.set;
  // Our own references: a page that later replaces these prototypes' methods changes nothing here.
  const dispatch = EventTarget.prototype.dispatchEvent;
  const Custom = CustomEvent;
  const port = document.createElement("consent-qa-port");
  dispatch.call(document, new MouseEvent("consent-qa-port", { relatedTarget: port }));
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    enumerable: desc.enumerable,
    get: desc.get,
    set(value) {
      // Converted once: an object whose toString answers differently on each call must not
      // report one cookie and write another.
      const text = String(value);
      try {
        dispatch.call(port, new Custom("consent-qa-cookie-write", { detail: text }));
      } catch (e) {
        // Recording must never break the page.
      }
      return originalSet.call(this, text);
    },
  });
})();
