/**
 * consent-qa recorder: what a watched tab's DevTools session reports, turned into observations (store()).
 *
 * Loaded by background.js (importScripts) after devtools_watch.js, which attaches the sessions and holds the
 * state both read: a new document's pause (breakpoints put on its built-ins, then let run), each breakpoint hit
 * (storage writes stepped over, IndexedDB opens, fingerprint readouts, with the calling script), and every
 * request with the script that sent it and the cookies that went with it.
 */
/**
 * The scripts on a paused stack, innermost first (URLs, without repeats and without ours).
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @param {Array<object>} frames - Debugger.CallFrame list
 * @returns {Array<string>}
 */
function stackUrls(target, frames) {
  const urls = frames.map((f) => (scriptUrls.get(`${keyOf(target)}:${f.location.scriptId}`) || {}).url).filter(Boolean);
  return [...new Set(urls)];
}

/**
 * Put the breakpoints on a new document's built-ins, while its first pause holds its scripts back.
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @param {string} callFrameId - a frame of that document
 * @returns {Promise<void>}
 */
async function instrument(target, callFrameId) {
  // All at once: the document waits for the slowest command, not for the sum of them.
  await Promise.all(Object.keys(WATCHED_CALLS).map(async (name) => {
    const found = await devtools(target, "Debugger.evaluateOnCallFrame", {
      callFrameId, expression: name, silent: true });
    if (found.result && found.result.objectId) {
      const set = await devtools(target, "Debugger.setBreakpointOnFunctionCall", { objectId: found.result.objectId });
      breakpointCalls.set(`${keyOf(target)}:${set.breakpointId}`, name);
    }
  })).catch(() => {});
}

/**
 * The document's Web Storage as a script of that frame reads it: {"localStorage": {key: brief}, ...}.
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @param {string} callFrameId
 * @returns {Promise<object>}
 */
async function storageNow(target, callFrameId) {
  const answer = await devtools(target, "Debugger.evaluateOnCallFrame", {
    callFrameId, expression: STORAGE_SNAPSHOT, silent: true, returnByValue: true });
  return (answer.result && answer.result.value) || {};
}

/**
 * The keys whose value changed between two snapshots.
 * @returns {Array<object>}
 */
function changedKeys(before, after) {
  const found = [];
  for (const area of ["localStorage", "sessionStorage"]) {
    const old = (before && before[area]) || {};
    for (const [key, brief] of Object.entries((after && after[area]) || {})) {
      if (old[key] !== brief) {
        found.push({ area, key, valueChars: Number(String(brief).split(":")[0]) || 0 });
      }
    }
  }
  return found;
}

/**
 * A paused document: instrument it on its first pause, record a watched call; always let it run on.
 * A setItem call is stepped over (not resumed), so the pause right after it names the keys it wrote.
 * @param {{tabId: number, sessionId: (string|undefined)}} target
 * @param {object} paused - Debugger.paused parameters
 * @returns {Promise<void>}
 */
async function onPaused(target, paused) {
  let next = "Debugger.resume";
  const key = keyOf(target);
  try {
    const frames = paused.callFrames || [];
    const top = frames[0];
    const script = top && scriptUrls.get(`${key}:${top.location.scriptId}`);
    const context = script ? `${key}:${script.context}` : null;
    const origin = context ? contextOrigins.get(context) || null : null;
    const calls = (paused.hitBreakpoints || []).map((id) => breakpointCalls.get(`${key}:${id}`)).filter(Boolean);
    const stepped = steppedWrites.get(key);
    if (stepped) {
      steppedWrites.delete(key);
      const keys = top ? changedKeys(stepped.before, await storageNow(target, top.callFrameId)) : [];
      // A write of the value already there changes nothing visible: recorded all the same, without a key.
      for (const written of keys.length ? keys : [{ area: "Web Storage", key: null, valueChars: 0 }]) {
        store("storage-write", { ...written, origin: stepped.origin, writer: stepped.writer, stack: stepped.stack });
      }
    }
    if (calls.length === 0) {
      if (top && context && !instrumented.has(context) && !String(origin).startsWith("chrome")) {
        instrumented.add(context);
        await instrument(target, top.callFrameId);
      }
      return;
    }
    const stack = stackUrls(target, frames);
    const writer = stack[0] || null;
    for (const name of calls) {
      const kind = WATCHED_CALLS[name];
      if (kind === "storage") {
        steppedWrites.set(key, { writer, stack, origin, before: await storageNow(target, top.callFrameId) });
        next = "Debugger.stepOver";
      } else if (kind === "indexeddb") {
        store("indexeddb-open", { origin, writer, stack });
      } else {
        store("fingerprint-call", { api: name, surface: kind, origin, writer, stack });
      }
    }
  } finally {
    await devtools(target, next).catch(() => devtools(target, "Debugger.resume").catch(() => {}));
  }
}

/**
 * Whether a request can be a beacon, a pixel or typed text leaving (pages, scripts, styles and fonts are not):
 * fewer records to keep and read, the add-on's webRequest record has every request anyway.
 * @param {object} params - Network.requestWillBeSent parameters
 * @param {Array<string>} stack - the scripts that sent it
 * @returns {boolean}
 */
function telling(params, stack) {
  const type = params.type;
  if (type === "Ping" || type === "XHR" || type === "Fetch" || type === "EventSource" || params.request.hasPostData) {
    return true;
  }
  return (type === "Image" || type === "Other") && stack.length > 0 && params.request.url.includes("?");
}

/**
 * The scripts that sent a request: the initiator's stack (async parents too), else its URL.
 * @param {object} initiator - Network.Initiator
 * @returns {Array<string>}
 */
function initiatorUrls(initiator) {
  const urls = [];
  for (let trace = initiator && initiator.stack; trace; trace = trace.parent) {
    urls.push(...trace.callFrames.map((f) => f.url).filter(Boolean));
  }
  if (initiator && initiator.url) {
    urls.push(initiator.url);
  }
  return [...new Set(urls)];
}

chrome.debugger.onEvent.addListener((source, method, params) => {
  if (source.tabId === undefined) {
    return;
  }
  const key = keyOf(source);
  if (method === "Debugger.paused") {
    onPaused(source, params);
  } else if (method === "Debugger.scriptParsed") {
    scriptUrls.set(`${key}:${params.scriptId}`, { url: params.url, context: params.executionContextId });
  } else if (method === "Runtime.executionContextCreated") {
    contextOrigins.set(`${key}:${params.context.id}`, params.context.origin);
  } else if (method === "Page.frameNavigated" && !source.sessionId && !params.frame.parentId) {
    if (browserPage(params.frame.url)) {
      unwatchTab(source.tabId);
    }
  } else if (method === "Target.attachedToTarget") {
    // A cross-site frame (another process, so breakpoints of its own): watched as its tab is.
    watchFrame({ tabId: source.tabId, sessionId: params.sessionId }, params.targetInfo);
  } else if (method === "Network.requestWillBeSent") {
    const stack = initiatorUrls(params.initiator);
    if (!telling(params, stack)) {
      return;
    }
    keptRequests.add(params.requestId);
    store("net", {
      requestId: params.requestId,
      url: params.request.url,
      method: params.request.method,
      type: params.type || null,
      initiator: stack[0] || null,
      stack,
      body: (params.request.postData || "").slice(0, BODY_CHARS),
      cookies: earlyCookies.get(params.requestId),
    });
    earlyCookies.delete(params.requestId);
  } else if (method === "Network.requestWillBeSentExtraInfo") {
    const sent = (params.associatedCookies || []).filter((c) => !c.blockedReasons || c.blockedReasons.length === 0);
    if (keptRequests.has(params.requestId)) {
      store("net-cookies", { requestId: params.requestId, cookies: sent.length });
    } else if (earlyCookies.size < 1000) {
      earlyCookies.set(params.requestId, sent.length); // it may come before its request
    }
  }
});
