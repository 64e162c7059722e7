/**
 * Injected by the driver into the extension's own page (record.html), which has chrome.runtime:
 * sends arguments[0] to the service worker and returns its answer, or {error}.
 */
const done = arguments[arguments.length - 1];
try {
  chrome.runtime.sendMessage(arguments[0]).then(done, (e) => done({ error: String(e) }));
} catch (e) {
  done({ error: String(e) });
}
