/* Consent notice banner (clauses 1.3.2, 1.3.3): shows the agency's notice, runs inert trackers only when allowed.
 * build.py fills in __CONSENT_DATA__ (notice per language) and __CONSENT_CSS__; comments and indentation are
 * stripped there, so keep "//" comments on lines of their own and never put comment markers inside strings. */
(function (D, CSS) {
  'use strict';
  var W = window, doc = document, nav = navigator, me = doc.currentScript;
  // A second copy of the script on the same page must not show a second notice.
  if (!me || W.__consentNotice) return;
  W.__consentNotice = 1;
  var API = new URL(me.src).origin + '/v1/' + D.id;
  var langs = D.l, base = langs[D.d];
  var N = Object.assign({}, base, langs[pickLang()]), T = N.text, MODE = N.mode;
  var OUT = 'consent_optout', CHOICE = 'consent_choice';
  var host, sec, main, done, gpcLine, opener, padSet, prevPad;

  /** The first supported language among data-lang, the page's lang and the browser's languages. */
  function pickLang() {
    var c = [me.getAttribute('data-lang'), doc.documentElement.lang].concat(nav.languages || [nav.language]);
    for (var i = 0; i < c.length; i++) {
      var p = (c[i] || '').toLowerCase().split(/[-_]/)[0];
      if (langs[p]) return p;
    }
    return D.d;
  }

  /** One first-party cookie's value, or null. */
  function getC(name) {
    var all = doc.cookie ? doc.cookie.split('; ') : [];
    for (var i = 0; i < all.length; i++) {
      var j = all[i].indexOf('=');
      if (all[i].slice(0, j) === name) return decodeURIComponent(all[i].slice(j + 1));
    }
    return null;
  }

  /** Session cookie only: no Expires, no Max-Age (DESIGN.md: nothing we set is persistent). */
  function setC(name, value) {
    doc.cookie = name + '=' + encodeURIComponent(value) + '; path=/; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  }

  /** Expire a cookie as set without a domain, and on every given domain with and without a leading dot. */
  function delC(name, domains) {
    var x = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    doc.cookie = x;
    for (var i = 0; i < domains.length; i++) {
      doc.cookie = x + '; domain=' + domains[i];
      doc.cookie = x + '; domain=.' + domains[i];
    }
  }

  /** Delete the declared trackers' cookies on this host and each parent domain (and the declared domain). */
  function wipe() {
    var parts = location.hostname.split('.'), doms = [];
    // Public suffixes and IP fragments are refused by the browser: harmless to try.
    for (var i = 0; i < parts.length; i++) doms.push(parts.slice(i).join('.'));
    (N.trackers || []).forEach(function (t) {
      (t.cookies || []).forEach(function (c) {
        var d = doms.concat(c.domain ? [c.domain.replace(/^\./, '')] : []);
        // Wildcard names (_ga_*) match every cookie of this page that fits the pattern.
        var names = c.name.indexOf('*') < 0 ? [c.name] : doc.cookie.split('; ').map(function (kv) {
          return kv.split('=')[0];
        }).filter(function (n) {
          return new RegExp('^' + c.name.split('*').map(function (s) {
            return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
          }).join('.*') + '$').test(n);
        });
        names.forEach(function (n) { delC(n, d); });
      });
    });
  }

  /** The visitor's choice this session: 'out', 'ok' (accepted) or null (not chosen yet). */
  function choice() {
    var c = getC(CHOICE);
    return getC(OUT) ? 'out' : c === 'out' || c === 'ok' ? c : null;
  }

  /** Whether inert trackers may run now, for this agency's mode. */
  function allowed() {
    var c = choice();
    return MODE === 'opt-in' ? c === 'ok' : c !== 'out';
  }

  /** Google Consent Mode v2: tell gtag/dataLayer the choice, when the page uses them. */
  function gcm(v) {
    if (!W.gtag && !W.dataLayer) return;
    var c = {analytics_storage: v, ad_storage: v, ad_user_data: v, ad_personalization: v};
    var g = typeof W.gtag === 'function' ? W.gtag : function () { W.dataLayer.push(arguments); };
    g('consent', 'update', c);
  }

  var policy;
  /** Trusted Types: wrap page-provided script values only where the page enforces them. */
  function tt(kind, v) {
    if (!W.trustedTypes) return v;
    if (policy === undefined) {
      try {
        // Only ever given the text and src of inert scripts already in the page's own markup.
        policy = W.trustedTypes.createPolicy('consent-banner', {
          createScript: function (s) { return s; }, createScriptURL: function (s) { return s; }
        });
      } catch (e) { policy = null; }
    }
    return policy ? policy[kind](v) : v;
  }

  /** Run each inert <script type="text/plain" data-tracker> once, as a real script that keeps its nonce. */
  function activate() {
    if (!allowed()) return;
    var list = doc.querySelectorAll('script[type="text/plain"][data-tracker]:not([data-consent-run])');
    for (var i = 0; i < list.length; i++) {
      var el = list[i], s = doc.createElement('script');
      el.setAttribute('data-consent-run', '');
      for (var j = 0; j < el.attributes.length; j++) {
        var a = el.attributes[j].name;
        if (a !== 'type' && a !== 'src' && a !== 'nonce' && a !== 'data-consent-run') s.setAttribute(a, el.attributes[j].value);
      }
      if (el.getAttribute('data-type')) s.type = el.getAttribute('data-type');
      s.nonce = el.nonce;
      try {
        if (el.src) s.src = tt('createScriptURL', el.src);
        else s.text = tt('createScript', el.text);
      } catch (e) { continue; }
      el.parentNode.insertBefore(s, el.nextSibling);
    }
  }

  /** Build an element with text set only through textContent. */
  function E(tag, parent, text, attrs) {
    var e = doc.createElement(tag);
    if (text != null) e.textContent = text;
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  /** A link to an http(s) URL; any other scheme (javascript:, data:) becomes plain text. */
  function link(parent, text, url, baseUrl) {
    var u;
    try { u = new URL(url, baseUrl || location.href); } catch (e) { u = null; }
    if (u && /^https?:$/.test(u.protocol)) return E('a', parent, text, {href: u.href});
    return E('span', parent, text);
  }

  /** How one declared cookie lives, in words. */
  function life(c) {
    return c.name + ' (' + (c.persistent ? T.persistent_cookie + ' ' + c.expiry_days + ' ' + T.days : T.session_cookie) + ')';
  }

  /** Create the notice once, in an open shadow root styled by a constructed stylesheet (no inline style for CSP). */
  function build() {
    host = doc.createElement('consent-notice');
    host.setAttribute('data-consent-notice', '');
    host.setAttribute('lang', N.lang);
    var root = host.attachShadow({mode: 'open'});
    try {
      var ss = new CSSStyleSheet();
      ss.replaceSync(CSS);
      root.adoptedStyleSheets = [ss];
    } catch (e) { E('style', root, CSS); }
    sec = E('section', root, null, {'aria-label': T.region_label, tabindex: '-1'});
    main = E('div', sec, null, {'class': 'm'});
    E('h2', main, T.title);
    E('p', main, T.intro);
    E('p', main, T.technologies + ' ' + T.purposes);
    gpcLine = E('p', main, T.gpc_honoured, {'class': 'g', role: 'status', hidden: ''});
    var det = E('details', main);
    E('summary', det, T.details, {'data-consent-action': 'details'});
    var ul = E('ul', det);
    N.trackers.forEach(function (t) {
      var li = E('li', ul);
      E('h3', li, t.vendor);
      E('p', li, T.tracker_purpose + ': ' + t.purpose);
      if (t.cookies.length) E('p', li, T.tracker_cookies + ': ' + t.cookies.map(life).join(', '));
      var p = E('p', li);
      link(p, T.tracker_license, t.license_url);
      p.appendChild(doc.createTextNode(' | '));
      link(p, T.tracker_privacy, t.privacy_url);
    });
    var links = E('p', main, null, {'class': 'l'});
    link(links, T.privacy_link, N.privacy_policy_url);
    link(links, T.terms_link, N.terms_url);
    var row = E('div', main, null, {'class': 'b'});
    E('button', row, T.opt_out, {type: 'button', 'data-consent-action': 'opt-out'});
    E('button', row, MODE === 'opt-in' ? T.accept : T.ok, {type: 'button', 'data-consent-action': 'accept'});
    done = E('div', sec, null, {'class': 'd', hidden: ''});
    E('p', done, null, {role: 'alert', tabindex: '-1'});
    E('button', done, T.change_settings, {type: 'button', 'data-consent-action': 'change'});
    E('button', done, T.hide || 'OK', {type: 'button', 'data-consent-action': 'hide'});
    root.addEventListener('click', onClick);
    (doc.body || doc.documentElement).appendChild(host);
    if (W.ResizeObserver) new ResizeObserver(pad).observe(sec);
  }

  /** Keep page content scrollable above the banner so it never hides a focused element (WCAG 2.4.11). */
  function pad() {
    var s = doc.documentElement.style, h = host && !host.hidden ? sec.offsetHeight : 0;
    if (!padSet) { prevPad = s.scrollPaddingBottom; padSet = 1; }
    s.scrollPaddingBottom = h ? h + 'px' : prevPad;
  }

  /** Show the notice (choices, or the confirmation of a choice). */
  function show(withChoices, focus) {
    if (!host) build();
    host.hidden = false;
    main.hidden = !withChoices;
    done.hidden = withChoices;
    pad();
    if (focus) sec.focus();
  }

  /** Hide the notice and give focus back to what opened it. */
  function hide() {
    host.hidden = true;
    sec.removeAttribute('data-top');
    pad();
    if (opener && opener.focus) opener.focus();
  }

  /** Show the confirmation of a choice and move focus to it (role="alert" announces it). */
  function confirmed(text) {
    show(false);
    var a = done.firstChild;
    a.textContent = text;
    a.focus();
  }

  /** Opt out: local first (never waits for the network), then ask the service for a signed token. */
  function optOut(viaGpc) {
    setC(CHOICE, 'out');
    wipe();
    gcm('denied');
    if (!viaGpc) confirmed(T.confirm_opted_out);
    fetch(API + '/opt-out', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (j) { if (j.opted_out && j.token && getC(CHOICE) === 'out') setC(OUT, j.token); })
      // An unreachable service leaves the local opt-out in place: it fails safe.
      .catch(function () {});
  }

  /** Accept (or OK): withdraw an earlier opt-out, then run what is allowed. */
  function accept() {
    var tok = getC(OUT);
    setC(CHOICE, 'ok');
    if (tok) {
      delC(OUT, []);
      fetch(API + '/opt-out', {method: 'DELETE', headers: {'X-Consent-Token': tok}}).catch(function () {});
    }
    gcm('granted');
    confirmed(T.confirm_accepted);
    activate();
  }

  /** Handle the notice's controls. */
  function onClick(e) {
    var b = e.target.closest && e.target.closest('[data-consent-action]'), a = b && b.getAttribute('data-consent-action');
    if (a === 'opt-out') optOut();
    else if (a === 'accept') accept();
    else if (a === 'change') show(true, 1);
    else if (a === 'hide') hide();
  }

  /** Any [data-consent-open] element on the page reopens the notice. */
  doc.addEventListener('click', function (e) {
    var o = e.target.closest && e.target.closest('[data-consent-open]');
    if (!o) return;
    e.preventDefault();
    opener = o;
    show(true, 1);
    gpcLine.hidden = true;
  });

  /** A page element that gets focus under the banner is scrolled above it, or the banner moves to the top. */
  doc.addEventListener('focusin', function (e) {
    if (!host || host.hidden || e.target === host) return;
    requestAnimationFrame(function () {
      var r = e.target.getBoundingClientRect(), top = sec.getBoundingClientRect().top;
      if (r.bottom <= top) return;
      W.scrollBy(0, r.bottom - top + 8);
      // Transform, not top/bottom: moving the overlay this way is never a layout shift.
      if (e.target.getBoundingClientRect().bottom > top) sec.setAttribute('data-top', '');
    });
  }, true);

  var c = choice();
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
  new MutationObserver(activate).observe(doc.documentElement, {childList: true, subtree: true});
})("__CONSENT_DATA__", "__CONSENT_CSS__");
