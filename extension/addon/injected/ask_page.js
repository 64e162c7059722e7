/**
 * Injected by the driver (Selenium execute_async_script), not by the manifest: runs in the page
 * under test. One "consent-qa-request" CustomEvent out, one "consent-qa-response" back from
 * content.js; an element content.js points at ("consent-qa-element") is handed to Selenium too.
 * Arguments: the request, the timeout in ms, the callback. Result: {result, element} or {error}.
 */
const payload = arguments[0];
const done = arguments[arguments.length - 1];
const id = Math.random().toString(36).slice(2) + Date.now();
let element = null;
const timer = setTimeout(() => {
  stop();
  done({ error: "the consent-qa content script did not answer (is the extension loaded?)" });
}, arguments[1]);

function onElement(event) {
  if (event.detail === id) {
    element = event.composedPath()[0];
    event.stopImmediatePropagation();
  }
}

function onResponse(event) {
  let data;
  try {
    data = JSON.parse(event.detail);
  } catch (e) {
    return;
  }
  if (data.id !== id) {
    return;
  }
  stop();
  done({ result: data.result, element });
}

function stop() {
  clearTimeout(timer);
  document.removeEventListener("consent-qa-response", onResponse);
  document.removeEventListener("consent-qa-element", onElement, true);
}

document.addEventListener("consent-qa-element", onElement, true);
document.addEventListener("consent-qa-response", onResponse);
document.dispatchEvent(new CustomEvent("consent-qa-request", { detail: JSON.stringify({ ...payload, id }) }));
