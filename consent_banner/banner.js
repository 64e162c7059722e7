/* Consent notice banner (clauses 1.3.2, 1.3.3): shows the agency's notice, runs inert trackers only when allowed.
 * build.py fills in __CONSENT_DATA__ (notice per language) and __CONSENT_CSS__, and strips comments and
 * indentation: keep comments on lines of their own, and end every statement with a semicolon. */
((D, CSS) => {
  'use strict';
  const W = window, doc = document, nav = navigator, me = doc.currentScript, html = doc.documentElement;
  // A second copy of the script on the same page must not show a second notice.
  if (!me || W.__consentNotice) return;
  W.__consentNotice = 1;
  const API = new URL(me.src).origin + '/v1/' + D.id + '/opt-out', MODE = D.mode;
  const OUT = 'consent_optout', CHOICE = 'consent_choice', ACT = 'data-consent-action', TOP = 'data-top';
  let host, sec, main, done, gpcLine, opener, prevPad, policy, waiting;

  /** The first supported language among data-lang, the page's lang and the browser's languages. */
  const pickLang = () => {
    for (const c of [me.getAttribute('data-lang'), html.lang, ...(nav.languages || [nav.language])]) {
      const p = (c || '').toLowerCase().split(/[-_]/)[0];
      if (D.l[p]) return p;
    }
    return D.d;
  };
  const LANG = pickLang(), N = {...D.l[D.d], ...D.l[LANG]}, T = N.text;

  /** One first-party cookie's value, or null. */
  const getC = name => {
    for (const kv of doc.cookie.split('; ')) {
      const i = kv.indexOf('=');
      if (kv.slice(0, i) === name) return kv.slice(i + 1);
    }
    return null;
  };

  /** Session cookie only: no Expires, no Max-Age (DESIGN.md: nothing we set is persistent). */
  const setC = (name, value) => {
    // Values are 'out', 'ok' or a URL-safe signed token: nothing to encode.
    doc.cookie = name + '=' + value + '; path=/; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  };

  /** Expire a cookie as set without a domain, and on every given domain with and without a leading dot. */
  const delC = (name, domains) => {
    // A configured name with cookie syntax in it could set a cookie instead of deleting one.
    if (/[\s;,=]/.test(name)) return;
    const x = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    doc.cookie = x;
    for (const d of domains) doc.cookie = x + '; domain=' + d, doc.cookie = x + '; domain=.' + d;
  };

  /** Delete the declared trackers' cookies on this host, each parent domain and the declared domain. */
  const wipe = () => {
    // Public suffixes and IP fragments are refused by the browser: harmless to try.
    const parts = location.hostname.split('.'), doms = parts.map((_, i) => parts.slice(i).join('.'));
    for (const t of N.trackers) {
      for (const c of t.cookies) {
        // Wildcard names (_ga_*) match every cookie of this page that fits the pattern.
        const re = new RegExp('^' + c.name.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
        for (const kv of doc.cookie.split('; ').concat(c.name)) {
          const n = kv.split('=')[0];
          if (re.test(n)) delC(n, doms.concat(c.domain.replace(/^\./, '')));
        }
      }
    }
  };

  /** The visitor's choice this session: 'out', 'ok' (accepted) or null (not chosen yet). */
  const choice = () => {
    const c = getC(CHOICE);
    return getC(OUT) ? 'out' : c === 'out' || c === 'ok' ? c : null;
  };

  /** Whether inert trackers may run now, for this agency's mode. */
  const allowed = () => MODE === 'opt-in' ? choice() === 'ok' : choice() !== 'out';

  /** Google Consent Mode v2: tell gtag/dataLayer the choice, when the page uses them. */
  const gcm = v => {
    if (!W.gtag && !W.dataLayer) return;
    const g = typeof W.gtag === 'function' ? W.gtag : function () { W.dataLayer.push(arguments); };
    g('consent', 'update', {analytics_storage: v, ad_storage: v, ad_user_data: v, ad_personalization: v});
  };

  /** Trusted Types: wrap page-provided script values (a no-op policy: they come from the page's own markup). */
  const tt = (kind, v) => {
    if (!W.trustedTypes) return v;
    if (policy === undefined) {
      try {
        policy = W.trustedTypes.createPolicy('consent-banner', {createScript: s => s, createScriptURL: s => s});
      } catch (e) {
        policy = null;
      }
    }
    return policy ? policy[kind](v) : v;
  };

  /** Run each inert <script type="text/plain" data-tracker> once, as a real script that keeps its nonce. */
  const activate = () => {
    if (!allowed() || waiting) return;
    for (const el of doc.querySelectorAll('script[type="text/plain"][data-tracker]:not([data-consent-run])')) {
      const s = doc.createElement('script');
      el.setAttribute('data-consent-run', '');
      for (const a of el.attributes) {
        if (!/^(type|src|nonce|data-consent-run)$/.test(a.name)) s.setAttribute(a.name, a.value);
      }
      if (el.dataset.type) s.type = el.dataset.type;
      s.nonce = el.nonce;
      try {
        if (el.src) s.src = tt('createScriptURL', el.src);
        else s.text = tt('createScript', el.text);
      } catch (e) {
        continue;
      }
      el.after(s);
      // Keep the page's order: what follows an external script (say its init code) waits until it has run.
      if (el.src && !el.hasAttribute('async')) {
        waiting = 1;
        s.onload = s.onerror = () => {
          waiting = 0;
          activate();
        };
        return;
      }
    }
  };

  /** Build an element with text set only through textContent. */
  const E = (tag, parent, text, attrs) => {
    const e = doc.createElement(tag);
    if (text != null) e.textContent = text;
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    parent.append(e);
    return e;
  };

  /** A link to an http(s) URL; any other scheme (javascript:, data:) becomes plain text. */
  const link = (parent, text, url) => {
    let u;
    try {
      u = new URL(url, location.href);
    } catch (e) {
      u = {};
    }
    return /^https?:$/.test(u.protocol) ? E('a', parent, text, {href: u.href}) : E('span', parent, text);
  };

  /** A button with its QA hook. */
  const B = (parent, text, action) => E('button', parent, text, {type: 'button', [ACT]: action});

  /** Create the notice once, in an open shadow root styled by a constructed stylesheet (no inline style for CSP). */
  const build = () => {
    host = doc.createElement('consent-notice');
    host.setAttribute('data-consent-notice', '');
    host.lang = LANG;
    const root = host.attachShadow({mode: 'open'});
    try {
      const ss = new CSSStyleSheet();
      ss.replaceSync(CSS);
      root.adoptedStyleSheets = [ss];
    } catch (e) {
      E('style', root, CSS);
    }
    sec = E('section', root, null, {'aria-label': T.region_label, tabindex: -1});
    main = E('div', sec, null, {'class': 'm'});
    E('h2', main, T.title);
    E('p', main, T.intro);
    E('p', main, T.technologies + ' ' + T.purposes);
    gpcLine = E('p', main, T.gpc_honoured, {'class': 'g', role: 'status', hidden: ''});
    const det = E('details', main);
    E('summary', det, T.details, {[ACT]: 'details'});
    const ul = E('ul', det);
    for (const t of N.trackers) {
      const li = E('li', ul);
      E('h3', li, t.vendor);
      E('p', li, T.tracker_purpose + ': ' + t.purpose);
      if (t.cookies.length) {
        E('p', li, T.tracker_cookies + ': ' + t.cookies.map(c => c.name + ' (' +
          (c.persistent ? T.persistent_cookie + ' ' + c.expiry_days + ' ' + T.days : T.session_cookie) + ')').join(', '));
      }
      const p = E('p', li);
      link(p, T.tracker_license, t.license_url);
      p.append(' | ');
      link(p, T.tracker_privacy, t.privacy_url);
    }
    const links = E('p', main, null, {'class': 'l'});
    link(links, T.privacy_link, N.privacy_policy_url);
    link(links, T.terms_link, N.terms_url);
    const row = E('div', main, null, {'class': 'b'});
    B(row, T.opt_out, 'opt-out');
    B(row, MODE === 'opt-in' ? T.accept : T.ok, 'accept');
    done = E('div', sec, null, {'class': 'd', hidden: ''});
    E('p', done, null, {role: 'alert', tabindex: -1});
    B(done, T.change_settings, 'change');
    B(done, T.hide, 'hide');
    root.addEventListener('click', onClick);
    (doc.body || html).append(host);
    prevPad = html.style.scrollPaddingBottom;
    if (W.ResizeObserver) new ResizeObserver(pad).observe(sec);
  };

  /** Keep page content scrollable above the banner so it never hides a focused element (WCAG 2.4.11). */
  const pad = () => {
    html.style.scrollPaddingBottom = host.hidden ? prevPad : sec.offsetHeight + 'px';
  };

  /** Show the notice: its choices, or the confirmation of a choice. */
  const show = (withChoices, focus) => {
    if (!host) build();
    host.hidden = false;
    main.hidden = !withChoices;
    done.hidden = withChoices;
    pad();
    if (focus) sec.focus();
  };

  /** Hide the notice and give focus back to what opened it. */
  const hide = () => {
    host.hidden = true;
    sec.removeAttribute(TOP);
    pad();
    if (opener) opener.focus();
  };

  /** Show the confirmation of a choice and move focus to it (role="alert" announces it). */
  const confirmed = text => {
    show(false);
    const a = done.firstChild;
    a.textContent = text;
    a.focus();
  };

  /** Opt out: local first (never waits for the network), then ask the service for a signed token. */
  const optOut = viaGpc => {
    setC(CHOICE, 'out');
    wipe();
    gcm('denied');
    if (!viaGpc) confirmed(T.confirm_opted_out);
    fetch(API, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})
      .then(r => r.ok ? r.json() : {})
      .then(j => {
        if (j.opted_out && /^[\w.-]+$/.test(j.token) && getC(CHOICE) === 'out') setC(OUT, j.token);
      })
      // An unreachable service leaves the local opt-out in place: it fails safe.
      .catch(() => 0);
  };

  /** Accept (or OK): withdraw an earlier opt-out, then run what is allowed. */
  const accept = () => {
    const tok = getC(OUT);
    setC(CHOICE, 'ok');
    if (tok) {
      delC(OUT, []);
      fetch(API, {method: 'DELETE', headers: {'X-Consent-Token': tok}}).catch(() => 0);
    }
    gcm('granted');
    confirmed(T.confirm_accepted);
    activate();
  };

  /** Handle the notice's controls. */
  const onClick = e => {
    const b = e.target.closest('[' + ACT + ']'), a = b && b.getAttribute(ACT);
    if (a === 'opt-out') optOut();
    if (a === 'accept') accept();
    if (a === 'change') show(true, 1);
    if (a === 'hide') hide();
  };

  // Any [data-consent-open] element on the page reopens the notice.
  doc.addEventListener('click', e => {
    const o = e.target.closest && e.target.closest('[data-consent-open]');
    if (!o) return;
    e.preventDefault();
    opener = o;
    show(true, 1);
    gpcLine.hidden = true;
  });

  // A page element that gets focus under the banner is scrolled above it, or the banner moves to the top.
  doc.addEventListener('focusin', e => {
    const t = e.target, bottom = () => t.getBoundingClientRect().bottom;
    if (!host || host.hidden || t === host) return;
    // After the browser's own scroll into view (which honours our scroll-padding).
    requestAnimationFrame(() => {
      sec.removeAttribute(TOP);
      const top = sec.getBoundingClientRect().top;
      if (bottom() > top) W.scrollBy(0, bottom() - top + 8);
      // Transform, not top/bottom: moving the overlay this way is never a layout shift.
      if (bottom() > top) sec.setAttribute(TOP, '');
    });
  }, true);

  const c = choice();
  if (c === 'out') wipe();
  if (c) gcm(c === 'out' ? 'denied' : 'granted');
  // Global Privacy Control is an opt-out without a click; the notice says it was honoured.
  if (!c && nav.globalPrivacyControl === true) {
    optOut(1);
    show(true);
    gpcLine.hidden = false;
  } else if (!c) {
    show(true);
  }
  activate();
  // Inert trackers parsed or added after this script ran are handled as they appear.
  new MutationObserver(activate).observe(html, {childList: true, subtree: true});
})("__CONSENT_DATA__", "__CONSENT_CSS__");
