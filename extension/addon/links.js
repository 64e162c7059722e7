/**
 * consent-qa, isolated world: the link a visitor would follow next (after dom.js, before injected/page_agent.js).
 *
 * Defines globalThis.consentQaLinks(rules) beside facts.js's measures, in the same DevTools isolated world
 * (extension/page_world.py); rules are rules.json as extension/rules.py reads it.
 */
globalThis.consentQaLinks = (rules) => {
  const { parentOf } = globalThis.consentQaDom;
  const NOTICE_HOOK = rules.hooks.notice;
  const NEXT_LINK_SKIP = new RegExp(rules.next_link_skip, "i");

  /** Whether a link sits in the notice or is the control that reopens it (following it proves nothing). */
  function inConsentUi(el) {
    for (let node = el; node; node = parentOf(node)) {
      if (node.matches && (node.matches(NOTICE_HOOK) || node.matches(rules.hooks.reopen))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first link to another page of the same origin that a visitor would follow next: not in the
   * notice, not a tracker's (prefixes: absolute request prefixes), not a download or a log-out.
   */
  function nextLink(prefixes) {
    const here = location.href.split("#")[0];
    for (const a of document.querySelectorAll("a[href]")) {
      let url;
      try {
        url = new URL(a.href);
      } catch (e) {
        continue;
      }
      const target = url.href.split("#")[0];
      if (url.origin !== location.origin || target === here || inConsentUi(a) || NEXT_LINK_SKIP.test(url.pathname)) {
        continue;
      }
      if (!prefixes.some((p) => url.href.startsWith(p))) {
        return target;
      }
    }
    return null;
  }

  return { nextLink };
};
