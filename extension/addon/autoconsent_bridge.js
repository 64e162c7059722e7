/**
 * consent-qa recorder, page world, every frame: the host DuckDuckGo's autoconsent talks to (a notice in another
 * origin's frame, Sourcepoint's and TrustArc's kind, is found and operated by autoconsent's frame rules there).
 *
 * autoconsent (MPL-2.0, its pinned build committed in addon/vendor/autoconsent/, see
 * extension/platforms/autoconsent.py) recognises 200+ consent platforms from its rules. Here it only
 * detects: it never acts by itself (autoAction null), never pre-hides a banner (QA must see what a
 * visitor sees) and never merely hides one (cosmetic rules off: hiding is not an opt-out). The driver
 * asks for the state and for the platform's opt-out path through window.consentQaPlatform; the
 * clicks autoconsent makes are recorded so the report can name the control a visitor would use.
 */
(() => {
  if (window.consentQaPlatform) {
    return;
  }
  const rules = globalThis.consentQaAutoconsentRules;
  delete globalThis.consentQaAutoconsentRules;
  const CONFIG = {
    enabled: true,
    autoAction: null,
    enablePrehide: false,
    enableCosmeticRules: false,
    enableGeneratedRules: true,
    enableHeuristicDetection: false,
    heuristicMode: "off",
    detectRetries: 20,
    isMainWorld: true,
    logs: { lifecycle: false, rulesteps: false, detectionsteps: false, evals: false, errors: false, messages: false, waits: false },
  };
  const state = {
    ready: Boolean(rules),
    lifecycle: "loading",
    detected: [],
    popup: null,
    optOut: null,
    selfTest: null,
    done: null,
    errors: [],
    clicks: [],
  };
  let recordClicks = false;

  /** A short name for a clicked control: its label or its text, as a visitor reads it. */
  function controlName(el) {
    const label = el.getAttribute && el.getAttribute("aria-label");
    return (label || el.textContent || el.value || "").replace(/\s+/g, " ").trim().slice(0, 100);
  }

  function onClick(event) {
    if (!recordClicks) {
      return;
    }
    const el = event.composedPath()[0];
    if (el && el.nodeType === Node.ELEMENT_NODE) {
      state.clicks.push({ name: controlName(el), tag: el.tagName.toLowerCase(), id: el.id || null });
    }
  }

  document.addEventListener("click", onClick, true);

  /** Clicks autoconsent makes inside a same-origin frame it reaches into (TrustArc's written frame) stay there. */
  function listenInFrames() {
    for (const frame of document.querySelectorAll("iframe, frame")) {
      try {
        if (frame.contentDocument) {
          frame.contentDocument.removeEventListener("click", onClick, true);
          frame.contentDocument.addEventListener("click", onClick, true);
        }
      } catch (e) {
        // another origin's frame: its own bridge records its clicks
      }
    }
  }

  /** autoconsent's messages to its host (see its lib/messages.ts). */
  function receive(message) {
    switch (message.type) {
      case "init":
        Promise.resolve().then(() =>
          window.autoconsentReceiveMessage({ type: "initResp", config: CONFIG, rules: { autoconsent: [], compact: rules } }),
        );
        break;
      case "report":
        state.lifecycle = message.state.lifecycle;
        break;
      case "cmpDetected":
        state.detected = [...new Set([...state.detected, message.cmp])];
        break;
      case "popupFound":
        state.popup = message.cmp;
        break;
      case "optOutResult":
        state.optOut = { cmp: message.cmp, result: Boolean(message.result) };
        break;
      case "selfTestResult":
        state.selfTest = { cmp: message.cmp, result: Boolean(message.result) };
        break;
      case "autoconsentDone":
        state.done = { cmp: message.cmp, clicks: message.totalClicks };
        break;
      case "autoconsentError":
        state.errors.push(String(JSON.stringify(message.details)).slice(0, 300));
        break;
      default:
        break;
    }
  }

  /** The platform's opt-out path, then autoconsent's own self-test of the stored choice. */
  async function optOut() {
    recordClicks = true;
    listenInFrames();
    try {
      await window.autoconsentReceiveMessage({ type: "optOut" });
    } finally {
      recordClicks = false;
    }
    if (state.optOut && state.optOut.result) {
      await window.autoconsentReceiveMessage({ type: "selfTest" });
    }
    return snapshot();
  }

  function snapshot() {
    return JSON.parse(JSON.stringify(state));
  }

  window.autoconsentSendMessage = receive;
  Object.defineProperty(window, "consentQaPlatform", { value: Object.freeze({ state: snapshot, optOut }) });
})();
