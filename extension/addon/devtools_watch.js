/**
 * consent-qa recorder: tracking beyond cookies, seen through the DevTools protocol (issue 22).
 *
 * Loaded by background.js (importScripts, devtools_record.js after it), it attaches chrome.debugger to each tab
 * the driver opens
 * and records, with store() as every other observation:
 *  - "storage-write": a localStorage/sessionStorage key a Storage.prototype.setItem call wrote, with
 *    the script that called it (the call is stepped over; the storage read before and after names
 *    the keys it changed);
 *  - "indexeddb-open": an IDBFactory.prototype.open call and the script that made it;
 *  - "fingerprint-call": a canvas, WebGL or audio readout (toDataURL, toBlob, getImageData,
 *    readPixels, OfflineAudioContext, startRendering) and the script that called it;
 *  - "net": every request the page sends, with the script that sent it (initiator stack) and its
 *    body's first characters; "net-cookies": how many cookies went with it.
 * Why here: the page's scripts cannot see, skip, rewrite or forge a DevTools session. A
 * "debugger;" statement evaluated in every new document before its own scripts pauses it once, and
 * the breakpoints go on that document's built-in functions while it waits; a page that replaces
 * the prototypes' properties later leaves the breakpoints on the originals.
 * Extensions may not use the DOMStorage and IndexedDB domains: the driver reads what is stored
 * through its own DevTools session (extension/tracking/storage.py), keys written without setItem too.
 * Cross-site frames (other processes) are attached as sessions of their tab, held until watched the
 * same way, then let run.
 * Limits: code in Web Workers is not watched here, nor calls
 * through another frame's built-ins: V8 keeps one breakpoint per built-in and process, and the page's own
 * document takes it (a key written that way is still in the browser's list the driver reads).
 * State: the maps below live while the debugger is attached, which keeps the worker alive. The add-on's
 * own pages (record.html) are never watched: a session there would pause them and keep the worker from
 * ever idling, so a tab that shows one is let go (the driver's next reset watches it again).
 */

const WATCH_PROTOCOL = "1.3";
const BODY_CHARS = 4000;
// The built-ins whose calls are recorded, by the kind of fact they are.
const WATCHED_CALLS = {
  "Storage.prototype.setItem": "storage",
  "IDBFactory.prototype.open": "indexeddb",
  "HTMLCanvasElement.prototype.toDataURL": "canvas",
  "HTMLCanvasElement.prototype.toBlob": "canvas",
  "CanvasRenderingContext2D.prototype.getImageData": "canvas",
  "WebGLRenderingContext.prototype.readPixels": "webgl",
  "WebGL2RenderingContext.prototype.readPixels": "webgl",
  "OfflineAudioContext": "audio",
  "OfflineAudioContext.prototype.startRendering": "audio",
};
// Read in the paused frame: each key with its value's length and first characters (never whole values).
const STORAGE_SNAPSHOT = `(() => { const seen = {}; for (const area of ["localStorage", "sessionStorage"]) {
  seen[area] = {}; try { const s = window[area]; for (let i = 0; i < s.length; i += 1) { const k = s.key(i);
  const v = String(s.getItem(k)); seen[area][k] = v.length + ":" + v.slice(0, 64); } } catch (e) {} }
  return seen; })()`;
const watchedTabs = new Set();
const breakpointCalls = new Map(); // breakpoint id -> built-in's name
const scriptUrls = new Map(); // "tab:scriptId" -> {url, context}
const contextOrigins = new Map(); // "tab:contextId" -> origin
const instrumented = new Set(); // "tab:contextId" already given breakpoints
const keptRequests = new Set(); // ids of the requests recorded as "net", for their "net-cookies"
const earlyCookies = new Map(); // request id -> cookies sent, when the extra information came first
const steppedWrites = new Map(); // tab -> a setItem call being stepped over: its caller and the storage before

/**
 * One DevTools command on a watched tab, or on one of its cross-site frames (a session of its own).
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @param {string} method
 * @param {object} [params]
 * @returns {Promise<object>}
 */
function devtools(target, method, params) {
  return chrome.debugger.sendCommand(target, method, params || {});
}

/**
 * The key of a tab or frame session in the maps below.
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @returns {string}
 */
function keyOf(target) {
  return target.sessionId || String(target.tabId);
}

/**
 * Turn on what is recorded in a tab or a cross-site frame; its own cross-site frames are attached too.
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @returns {Promise<void>}
 */
async function watchTarget(target) {
  for (const domain of ["Runtime", "Debugger", "Page"]) {
    await devtools(target, `${domain}.enable`);
  }
  await devtools(target, "Network.enable", { maxPostDataSize: BODY_CHARS });
  await devtools(target, "Page.addScriptToEvaluateOnNewDocument", { source: "debugger;" });
  // A new cross-site frame waits until its session is set up (watchFrame lets it run, whatever happens).
  await devtools(target, "Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
}

/**
 * A cross-site frame or worker attached to a watched tab: frames are watched as tabs are; all run on.
 * @param {{tabId: number, sessionId: string}} target
 * @param {object} info - Target.TargetInfo
 * @returns {Promise<void>}
 */
async function watchFrame(target, info) {
  try {
    if (info.type === "iframe") {
      await watchTarget(target);
    }
  } catch (error) {
    store("watch-error", { message: String(error), frame: info.url });
  } finally {
    await devtools(target, "Runtime.runIfWaitingForDebugger").catch(() => {});
  }
}

/**
 * Attach to a tab (once) and turn on what is recorded; extension pages (record.html) are left alone.
 * @param {chrome.tabs.Tab} tab
 * @returns {Promise<void>}
 */
async function watchTab(tab) {
  const url = tab.pendingUrl || tab.url || "";
  if (watchedTabs.has(tab.id) || url.startsWith("chrome")) {
    return;
  }
  watchedTabs.add(tab.id);
  try {
    await chrome.debugger.attach({ tabId: tab.id }, WATCH_PROTOCOL);
  } catch (error) {
    watchedTabs.delete(tab.id); // closed meanwhile, or not a page: nothing to watch
    return;
  }
  try {
    await watchTarget({ tabId: tab.id });
    // Page events are on now: a browser page already shown (the driver's record.html opened meanwhile) is let go here,
    // one shown later through Page.frameNavigated.
    const tree = await devtools({ tabId: tab.id }, "Page.getFrameTree");
    if (browserPage(tree.frameTree.frame.url)) {
      await unwatchTab(tab.id);
    }
  } catch (error) {
    if (watchedTabs.has(tab.id)) { // not an error when the tab was let go meanwhile
      store("watch-error", { message: String(error), tabId: tab.id });
    }
  }
}

/**
 * Whether a URL is the browser's or an extension's own page, where nothing is watched.
 * @param {string} url
 * @returns {boolean}
 */
function browserPage(url) {
  return /^chrome(-extension)?:\/\//.test(String(url || ""));
}

/**
 * Detach from a tab that now shows a browser page (chrome.debugger.onDetach does not fire for our own detach).
 * @param {number} tabId
 * @returns {Promise<void>}
 */
async function unwatchTab(tabId) {
  watchedTabs.delete(tabId);
  await chrome.debugger.detach({ tabId }).catch(() => {}); // already gone with its tab
}

/**
 * Watch every tab open now (the driver's reset awaits this, so the first visit is watched).
 * @returns {Promise<void>}
 */
async function watchTabs() {
  const tabs = await chrome.tabs.query({});
  await Promise.all(tabs.map((tab) => watchTab(tab)));
}

chrome.debugger.onDetach.addListener((source) => {
  if (source.sessionId) {
    return; // a frame's session ended, not the tab's
  }
  watchedTabs.delete(source.tabId);
});

chrome.tabs.onCreated.addListener((tab) => {
  watchTab(tab);
});
