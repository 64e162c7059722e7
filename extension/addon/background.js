/**
 * consent-qa recorder: the service worker.
 *
 * It observes only (no blocking, no page changes). Every observation is stored
 * as its own key in chrome.storage.session because the MV3 worker idles out
 * after about 30 s: variables would be lost, and one key per event needs no
 * read-modify-write (no lost updates when events arrive together).
 * The driver reads the record through messages from the extension's own page
 * (record.html, in a window of its own: the page under test is never in the
 * path); content.js only reports document.cookie writes (see onMessage below).
 */

let counter = 0;
// When the newest observation was made: kept here as well, so "last" and "quiet" read no stored event
// (null in a worker started again after idling out: then read once from the stored record).
let newest = null;

/**
 * Store one observation under a unique, time-ordered key.
 * @param {string} kind - "request", "set-cookie", "cookie-change" or "cookie-write"
 * @param {object} data - the observation
 * @returns {Promise<void>}
 */
function store(kind, data) {
  counter += 1;
  const now = Date.now();
  newest = now;
  const key = `e:${String(now).padStart(15, "0")}:${String(counter).padStart(8, "0")}:${Math.random().toString(36).slice(2, 8)}`;
  return chrome.storage.session.set({ [key]: { kind, time: now, ...data } });
}

chrome.webRequest.onBeforeRequest.addListener(
  (details) => {
    store("request", {
      url: details.url,
      method: details.method,
      type: details.type,
      initiator: details.initiator || null,
      documentUrl: details.documentUrl || null,
      tabId: details.tabId,
      frameId: details.frameId,
    });
  },
  { urls: ["<all_urls>"] },
);

chrome.webRequest.onHeadersReceived.addListener(
  (details) => {
    // Raw headers: Chromium caps a stored cookie's expiry at 400 days, so the
    // 2-year rule must be judged from what the server asked for.
    const values = (details.responseHeaders || [])
      .filter((h) => h.name.toLowerCase() === "set-cookie")
      .map((h) => h.value);
    if (values.length === 0) {
      return;
    }
    store("set-cookie", {
      url: details.url,
      type: details.type,
      initiator: details.initiator || null,
      statusCode: details.statusCode,
      headers: values,
    });
  },
  { urls: ["<all_urls>"] },
  ["responseHeaders", "extraHeaders"],
);

chrome.cookies.onChanged.addListener((change) => {
  store("cookie-change", { removed: change.removed, cause: change.cause, cookie: change.cookie });
});

/**
 * Everything recorded so far, oldest first, and the cookie jar right now.
 * @returns {Promise<object>}
 */
async function readRecord() {
  const all = await chrome.storage.session.get(null);
  const events = Object.keys(all)
    .filter((k) => k.startsWith("e:"))
    .sort()
    .map((k) => all[k]);
  const cookies = await chrome.cookies.getAll({});
  return { events, cookies, now: Date.now() };
}

/**
 * Forget the record; with wipe, also every cookie and site storage (a fresh profile).
 * @param {boolean} wipe
 * @returns {Promise<object>}
 */
async function reset(wipe) {
  if (wipe) {
    await chrome.browsingData.remove(
      {},
      {
        cookies: true,
        localStorage: true,
        indexedDB: true,
        cacheStorage: true,
        cache: true,
        serviceWorkers: true,
        fileSystems: true,
      },
    );
  }
  await chrome.storage.session.clear();
  newest = 0;
  await watchTabs(); // devtools_watch.js: the next visit is watched from its first script
  return { ok: true };
}

/**
 * When the newest observation was made (0: none since the last reset).
 * @returns {Promise<number>}
 */
async function newestTime() {
  if (newest === null) {
    const all = await chrome.storage.session.get(null);
    const stored = Object.keys(all).filter((k) => k.startsWith("e:")).reduce((t, k) => Math.max(t, all[k].time), 0);
    newest = Math.max(newest || 0, stored); // an observation made meanwhile set it already
  }
  return newest;
}

/**
 * Wait until nothing new was observed for quietMs (network and cookies settled), or limitMs passed.
 * The driver's one ask instead of a probe every few milliseconds through WebDriver.
 * @param {number} quietMs
 * @param {number} limitMs
 * @returns {Promise<object>} {newest, now, quiet}: the worker's clock when it answered
 */
async function quiet(quietMs, limitMs) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const last = await newestTime();
    const now = Date.now();
    if (now - last >= quietMs || now >= deadline) {
      return { newest: last, now, quiet: now - last >= quietMs };
    }
    // Until the window would close; an observation meanwhile moves newest and the next look sees it.
    await new Promise((resolve) => {
      setTimeout(resolve, Math.max(20, Math.min(quietMs - (now - last), deadline - now)));
    });
  }
}

/**
 * Whether a message comes from the extension's own pages (the driver's record.html), not from a web page's frame.
 * @param {chrome.runtime.MessageSender} sender
 * @returns {boolean}
 */
function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && String(sender.url || "").startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const op = message && message.op;
  if (op === "cookie-write" && !fromExtensionPage(sender)) {
    // From content.js: a document.cookie assignment seen in a frame (it can only add a write, never hide one).
    store("cookie-write", {
      value: String(message.value),
      url: sender.url || null,
      frameId: sender.frameId,
      top: sender.frameId === 0,
    }).then(() => sendResponse({ ok: true }));
    return true;
  }
  if (!fromExtensionPage(sender)) {
    // Reading or resetting the record is for the driver alone.
    return false;
  }
  if (op === "ping") {
    sendResponse({ ok: true, id: chrome.runtime.id });
    return false;
  }
  if (op === "last") {
    // Cheap progress probe: when the newest observation was made, and the worker's clock.
    newestTime().then((time) => sendResponse({ newest: time, now: Date.now() }));
    return true;
  }
  if (op === "quiet") {
    // With `read`, the record as it stands when the wait ends comes in the same answer: one ask, not two.
    quiet(Number(message.quiet_ms) || 0, Number(message.limit_ms) || 0)
      .then(async (state) => (message.read ? { ...state, record: await readRecord() } : state))
      .then(sendResponse, (e) => sendResponse({ error: String(e) }));
    return true;
  }
  if (op === "read") {
    readRecord().then(sendResponse, (e) => sendResponse({ error: String(e) }));
    return true;
  }
  if (op === "reset") {
    reset(Boolean(message.wipe)).then(sendResponse, (e) => sendResponse({ error: String(e) }));
    return true;
  }
  return false;
});

// Storage, fingerprinting and request initiators through the DevTools protocol (issue 22).
importScripts("devtools_watch.js", "devtools_record.js");
