/**
 * Injected by the driver (Selenium execute_async_script, page world): run the platform's own opt-out
 * path through autoconsent and answer with the bridge's state (result, clicks, self-test).
 */
const done = arguments[arguments.length - 1];
if (!window.consentQaPlatform) {
  done({ error: "the autoconsent bridge is not on this page" });
} else {
  window.consentQaPlatform.optOut().then(done, (e) => done({ error: String(e) }));
}
