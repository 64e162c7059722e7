/**
 * consent-qa recorder, page world: reports document.cookie writes.
 *
 * Chromium caps a stored cookie's expiry at 400 days, so the 2-year rule needs
 * the expiry a script asked for. The setter is wrapped, not replaced: the
 * write goes through unchanged and the page sees no difference.
 */
(() => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (!desc || !desc.set || !desc.get) {
    return;
  }
  const originalSet = desc.set;
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    enumerable: desc.enumerable,
    get: desc.get,
    set(value) {
      try {
        document.dispatchEvent(new CustomEvent("consent-qa-cookie-write", { detail: String(value) }));
      } catch (e) {
        // Recording must never break the page.
      }
      return originalSet.call(this, value);
    },
  });
})();
