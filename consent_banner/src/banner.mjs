/**
 * Consent notice banner (policy clauses 1.3.2 and 1.3.3): shows the agency's notice and runs the page's inert
 * trackers only when the visitor's choice allows.
 *
 * build.mjs bundles this module with esbuild: BANNER_CSS becomes the minified banner.css, and the service puts
 * the agency's notice where the "__CONSENT_DATA__" string stands (consent_banner/build.py).
 */

/** @typedef {{name: string, domain: string, persistent: boolean, expiry_days: number}} Cookie */
/** @typedef {{vendor: string, purpose: string, license_url: string, privacy_url: string, cookies: Cookie[]}} Tracker */
/** @typedef {{text: Object<string, string>, privacy_policy_url: string, terms_url: string,
 *             trackers: Tracker[]}} Notice */
/** @typedef {{agency: string, mode: string, lang: string, languages: string[], notice: Notice}} BannerData */

/* global BANNER_CSS */

// Public names (README.md): the session cookies it sets and the hooks QA and agencies find it by.
const OPT_OUT_COOKIE = 'consent_optout'
const CHOICE_COOKIE = 'consent_choice'
const ACTION = 'data-consent-action'
const INITIALISED = 'data-consent-init'
const TRUSTED_TYPES_POLICY = 'consent-banner'

/** The notice's styles (banner.css, minified at build time). */
const STYLES = BANNER_CSS

/** Languages written right to left: the notice is mirrored for them. */
const RIGHT_TO_LEFT = Object.freeze(['ar'])

/** The page's root: its lang, its scroll padding while the notice shows, and the mark of a started banner. */
const $html = document.documentElement

/** Thrown when the embedded notice is missing or malformed: the script was not built by the service. */
class ConsentDataError extends Error {
  // Set by hand: a minifier renames the class, and the name is what a console reader needs.
  name = 'ConsentDataError'
}

/**
 * The supported language a BCP 47 tag asks for, or null (same rule as server/notice.py).
 * @param {string | null | undefined} tag
 * @param {string[]} languages - the supported codes
 * @returns {string | null}
 */
function supportedLanguage (tag, languages) {
  tag = (tag || '').toLowerCase()
  let code = tag.split(/[-_]/)[0]
  // Chinese is offered in two scripts: Traditional for Taiwan, Hong Kong and Macao, Simplified otherwise.
  if (code === 'zh') code = /hant|[-_](tw|hk|mo)/.test(tag) ? 'zh-Hant' : 'zh-Hans'
  if (code === 'pt') code = 'pt-BR'
  return languages.includes(code) ? code : null
}

/**
 * One first-party cookie's value, or null.
 * @param {string} name
 * @returns {string | null}
 */
function readCookie (name) {
  const found = document.cookie.match(`(?:^|; )${name}=([^;]*)`)
  return found && found[1]
}

/**
 * Set a session cookie: no Expires, no Max-Age (nothing the service or the banner sets is persistent).
 * @param {string} name
 * @param {string} value - 'out', 'ok' or a URL-safe signed token: nothing to encode
 */
function writeSessionCookie (name, value) {
  const secure = location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${name}=${value}; path=/; SameSite=Lax${secure}`
}

/**
 * Expire a cookie as set without a domain, and on every given domain with and without a leading dot.
 * @param {string} name
 * @param {string[]} domains
 */
function expireCookie (name, domains) {
  // A configured name with cookie syntax in it could set a cookie instead of deleting one.
  if (/[\s;,=]/.test(name)) return
  const expired = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  document.cookie = expired
  for (const domain of domains) {
    document.cookie = `${expired}; domain=${domain}`
    document.cookie = `${expired}; domain=.${domain}`
  }
}

/**
 * A cookie name pattern (`_ga_*`) as a regular expression matching whole names.
 * @param {string} pattern
 * @returns {RegExp}
 */
function cookiePattern (pattern) {
  // Every character stands for itself but "*", which stands for any run of characters.
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`)
}

/**
 * Create an element, with text set only through textContent (configured text is never parsed as HTML).
 * @param {string} tag
 * @param {Node} parent
 * @param {string | null} [text]
 * @param {Object<string, string>} [attributes]
 * @returns {HTMLElement}
 */
function createElement (tag, parent, text, attributes = {}) {
  const element = document.createElement(tag)
  if (text != null) element.textContent = text
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  parent.append(element)
  return element
}

/**
 * A link to an http(s) URL; any other scheme (javascript:, data:) becomes plain text.
 * @param {Node} parent
 * @param {string} text
 * @param {string} url
 */
function createLink (parent, text, url) {
  let href = ''
  try {
    href = new URL(url, location).href
  } catch {
    // Not a URL at all: shown as text below.
  }
  if (/^https?:/.test(href)) createElement('a', parent, text, { href })
  else createElement('span', parent, text)
}

/**
 * A button with its QA hook.
 * @param {HTMLElement} parent
 * @param {string} text
 * @param {string} action
 */
function createButton (parent, text, action) {
  // Not in a form: the default type submits nothing.
  createElement('button', parent, text, { [ACTION]: action })
}

/**
 * Google Consent Mode v2: tell gtag or dataLayer the choice, when the page uses them.
 * @param {'granted' | 'denied'} value
 */
function updateConsentMode (value) {
  // Pages without Google tags get nothing added to window.
  const gtag = typeof window.gtag === 'function'
    ? window.gtag
    : window.dataLayer && function () { window.dataLayer.push(arguments) }
  gtag?.('consent', 'update', { analytics_storage: value, ad_storage: value, ad_user_data: value, ad_personalization: value })
}

/** The notice on one page: renders it, records the visitor's choice and runs the trackers it allows. */
class ConsentBanner {
  /** @type {HTMLScriptElement} */ #$script
  /** @type {BannerData} */ #data
  /** @type {string} */ #serviceUrl
  /** @type {Notice} the notice in the language shown */ #notice
  /** @type {string} */ #lang
  #waitingForScript = false
  /** @type {TrustedTypePolicy | null | undefined} undefined until first needed */ #trustedTypesPolicy
  /** @type {CSSStyleSheet | undefined} one sheet shared by both shadow roots */ #styleSheet
  /** @type {HTMLElement | null} the notice's host: the box a visitor sees */ #$notice = null
  /** @type {HTMLElement} */ #$region
  /** @type {HTMLElement} the confirmation's host, shown after a choice */ #$confirmation
  /** @type {HTMLElement} */ #$alert
  /** @type {HTMLElement} room at the end of the page */ #$spacer
  /** @type {HTMLElement | undefined} what reopened the notice: focus returns there */ #$opener

  /**
   * @param {HTMLScriptElement} $script - this script's own tag (its origin is the service's)
   * @param {BannerData} data
   */
  constructor ($script, data) {
    this.#$script = $script
    this.#data = data
    this.#serviceUrl = `${new URL($script.src).origin}/v1/${data.agency}`
    this.#notice = data.notice
    this.#lang = data.lang
  }

  /** Run on this page: apply an earlier choice, show the notice if none was made, start the trackers. */
  start () {
    const choice = this.#choice()
    if (choice === 'out') this.#deleteTrackerCookies()
    if (choice) updateConsentMode(choice === 'out' ? 'denied' : 'granted')
    // Global Privacy Control is an opt-out without a click; the notice says that it was honoured.
    const gpc = !choice && navigator.globalPrivacyControl === true
    if (gpc) this.#optOut(false)
    if (!choice) this.#whenNoticeReady(() => this.#show({ gpc }))
    document.addEventListener('click', event => this.#onPageClick(event))
    this.#activateTrackers()
    // Inert trackers parsed or added after this script ran are handled as they appear.
    new MutationObserver(() => this.#activateTrackers()).observe($html, { childList: true, subtree: true })
  }

  /**
   * Call back once the notice is in the visitor's language: built in, or fetched from the service.
   * @param {() => void} callback
   */
  #whenNoticeReady (callback) {
    // Not amid a page still being parsed: the notice goes after all of it, last in the tab order too.
    if (document.readyState === 'loading') {
      return addEventListener('DOMContentLoaded', () => this.#whenNoticeReady(callback))
    }
    const wanted = this.#pickLanguage()
    // Built once, in one language: a reopened notice keeps it.
    if (this.#$notice || wanted === this.#lang) return callback()
    fetch(`${this.#serviceUrl}/notice?lang=${wanted}`)
      .then(response => response.json())
      .then(notice => {
        // An error answer has no text: keep the built-in language.
        if (notice.text) [this.#notice, this.#lang] = [notice, wanted]
      })
      // The service is unreachable: the built-in language is better than no notice.
      .catch(() => {})
      .then(callback)
  }

  /**
   * The visitor's language: the script's data-lang, the page's <html lang>, then the browser's languages
   * (what Accept-Language says), then the built-in one.
   * @returns {string}
   */
  #pickLanguage () {
    const candidates = [this.#$script.dataset.lang, $html.lang, ...navigator.languages]
    return candidates.map(tag => supportedLanguage(tag, this.#data.languages)).find(Boolean) || this.#data.lang
  }

  /**
   * The visitor's choice this session: 'out', 'ok' (accepted) or null (not chosen yet).
   * @returns {'out' | 'ok' | null}
   */
  #choice () {
    if (readCookie(OPT_OUT_COOKIE)) return 'out'
    const choice = readCookie(CHOICE_COOKIE)
    return choice === 'out' || choice === 'ok' ? choice : null
  }

  /** @returns {boolean} whether inert trackers may run now, in this agency's mode */
  #trackersAllowed () {
    return this.#data.mode === 'opt-in' ? this.#choice() === 'ok' : this.#choice() !== 'out'
  }

  /** Delete the declared trackers' cookies on this host, each parent domain and the declared domain. */
  #deleteTrackerCookies () {
    // Public suffixes and IP fragments are refused by the browser: harmless to try.
    const labels = location.hostname.split('.')
    const domains = labels.map((_, index) => labels.slice(index).join('.'))
    for (const tracker of this.#notice.trackers) {
      for (const cookie of tracker.cookies) {
        const pattern = cookiePattern(cookie.name)
        const names = document.cookie.split('; ').map(pair => pair.split('=')[0]).concat(cookie.name)
        for (const name of names.filter(name => pattern.test(name))) {
          expireCookie(name, domains.concat(cookie.domain.replace(/^\./, '')))
        }
      }
    }
  }

  /**
   * Trusted Types: wrap a value taken from the page's own markup (a pass-through policy, created once).
   * @param {'createScript' | 'createScriptURL'} kind
   * @param {string} value
   */
  #trusted (kind, value) {
    if (this.#trustedTypesPolicy === undefined) {
      try {
        // Null where the browser has no Trusted Types: plain strings are then accepted.
        this.#trustedTypesPolicy = window.trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY, { createScript: s => s, createScriptURL: s => s }) || null
      } catch {
        // The page's CSP does not list our policy name: the browser then blocks the tracker, which fails safe.
        this.#trustedTypesPolicy = null
      }
    }
    return this.#trustedTypesPolicy ? this.#trustedTypesPolicy[kind](value) : value
  }

  /** Run each inert <script type="text/plain" data-tracker> once, as a real script that keeps its nonce. */
  #activateTrackers () {
    // Not allowed, or an external tracker is still loading and what follows it must wait for it.
    if (!this.#trackersAllowed() || this.#waitingForScript) return
    for (const $inert of document.querySelectorAll('script[type="text/plain"][data-tracker]:not([data-consent-run])')) {
      const $script = document.createElement('script')
      $inert.setAttribute('data-consent-run', '')
      for (const { name, value } of $inert.attributes) {
        if (!/^(type|src|nonce|data-consent-run)$/.test(name)) $script.setAttribute(name, value)
      }
      if ($inert.dataset.type) $script.type = $inert.dataset.type
      $script.nonce = $inert.nonce
      try {
        if ($inert.src) $script.src = this.#trusted('createScriptURL', $inert.src)
        else $script.text = this.#trusted('createScript', $inert.text)
      } catch {
        continue
      }
      $inert.after($script)
      // Keep the page's order: what follows an external script (its init code, say) waits until it has run.
      if ($inert.src && !$inert.hasAttribute('async')) {
        this.#waitingForScript = true
        $script.onload = $script.onerror = () => {
          this.#waitingForScript = false
          this.#activateTrackers()
        }
        return
      }
    }
  }

  /**
   * An open shadow root on a new fixed box in the page, styled by a constructed stylesheet (no inline style).
   * @param {string} hook - the attribute QA finds it by
   * @returns {[HTMLElement, ShadowRoot]}
   */
  #createHost (hook) {
    const $host = createElement('consent-notice', document.body, null, { [hook]: '', hidden: '' })
    $host.lang = this.#lang
    $host.dir = RIGHT_TO_LEFT.includes(this.#lang) ? 'rtl' : 'ltr'
    const shadowRoot = $host.attachShadow({ mode: 'open' })
    if (!this.#styleSheet) {
      this.#styleSheet = new CSSStyleSheet()
      this.#styleSheet.replaceSync(STYLES)
    }
    shadowRoot.adoptedStyleSheets = [this.#styleSheet]
    shadowRoot.addEventListener('click', event => this.#onNoticeClick(event))
    new ResizeObserver(() => this.#reserveSpace()).observe($host)
    return [$host, shadowRoot]
  }

  /**
   * Build the notice once, in the visitor's language.
   * @param {boolean} gpc - say that the browser's Global Privacy Control signal was honoured
   */
  #render (gpc) {
    const text = this.#notice.text
    const [$notice, noticeRoot] = this.#createHost('data-consent-notice')
    const $region = createElement('section', noticeRoot, null, { 'aria-label': text.region_label, tabindex: '-1' })
    createElement('h2', $region, text.title)
    createElement('p', $region, text.intro)
    if (gpc) createElement('p', $region, text.gpc_honoured, { role: 'status' })
    // The choices come before the details: they stay in view when the details open and the notice scrolls.
    const $buttons = createElement('div', $region)
    createButton($buttons, text.opt_out, 'opt-out')
    createButton($buttons, this.#data.mode === 'opt-in' ? text.accept : text.ok, 'accept')
    const $links = createElement('p', $region)
    createLink($links, text.privacy_link, this.#notice.privacy_policy_url)
    createLink($links, text.terms_link, this.#notice.terms_url)
    const $details = createElement('details', $region)
    createElement('summary', $details, text.details, { [ACTION]: 'details' })
    createElement('p', $details, `${text.technologies} ${text.purposes}`)
    const $trackers = createElement('ul', $details)
    for (const tracker of this.#notice.trackers) this.#renderTracker($trackers, tracker, text)
    this.#$notice = $notice
    this.#$region = $region
    // Room at the end of the page, so its last line can scroll above the notice (WCAG 2.4.11).
    this.#$spacer = createElement('div', document.body)
  }

  /** Build the confirmation of a choice, when the first choice is made (not before: the notice shows sooner). */
  #renderConfirmation () {
    const text = this.#notice.text
    const [$confirmation, confirmationRoot] = this.#createHost('data-consent-confirmation')
    const $done = createElement('section', confirmationRoot)
    this.#$alert = createElement('p', $done, null, { role: 'alert', tabindex: '-1' })
    const $choices = createElement('div', $done)
    createButton($choices, text.change_settings, 'change')
    createButton($choices, text.hide, 'hide')
    this.#$confirmation = $confirmation
  }

  /**
   * One tracker's vendor, purpose, cookies and links (clause 1.3.1).
   * @param {HTMLElement} $list
   * @param {Tracker} tracker
   * @param {Object<string, string>} text
   */
  #renderTracker ($list, tracker, text) {
    const $item = createElement('li', $list)
    createElement('h3', $item, tracker.vendor)
    createElement('p', $item, `${text.tracker_purpose}: ${tracker.purpose}`)
    if (tracker.cookies.length) {
      const lifetimes = tracker.cookies.map(cookie => `${cookie.name} (${cookie.persistent
        ? `${text.persistent_cookie} ${cookie.expiry_days} ${text.days}`
        : text.session_cookie})`)
      createElement('p', $item, `${text.tracker_cookies}: ${lifetimes.join(', ')}`)
    }
    const $links = createElement('p', $item)
    createLink($links, text.tracker_license, tracker.license_url)
    createLink($links, text.tracker_privacy, tracker.privacy_url)
  }

  /**
   * Show the notice with its choices (focus moves into it when the visitor asked for it).
   * @param {{gpc?: boolean, focus?: boolean}} options
   */
  #show ({ gpc = false, focus = false } = {}) {
    if (!this.#$notice) this.#render(gpc)
    if (this.#$confirmation) this.#$confirmation.hidden = true
    this.#$notice.hidden = false
    this.#reserveSpace()
    if (focus) this.#$region.focus()
  }

  /**
   * Replace the notice by the confirmation of a choice and move focus to it (role="alert" announces it).
   * @param {string} message
   */
  #confirm (message) {
    if (!this.#$confirmation) this.#renderConfirmation()
    this.#$notice.hidden = true
    this.#$confirmation.hidden = false
    this.#$alert.textContent = message
    this.#reserveSpace()
    this.#$alert.focus()
  }

  /** Hide the confirmation and give focus back to what opened the notice. */
  #hide () {
    this.#$confirmation.hidden = true
    this.#reserveSpace()
    this.#$opener?.focus()
  }

  /** Keep the page's end and any focused element scrollable above the notice (WCAG 2.4.11). */
  #reserveSpace () {
    const $shown = [this.#$notice, this.#$confirmation].find($host => $host && !$host.hidden)
    const height = $shown ? `${$shown.offsetHeight}px` : ''
    // Set through the CSSOM, which a strict style-src allows (a style attribute in markup it would not).
    $html.style.scrollPaddingBottom = height
    this.#$spacer.style.height = height
  }

  /**
   * Opt out: locally first (never waits for the network), then ask the service for a signed token.
   * @param {boolean} confirm - show the confirmation (not for Global Privacy Control, which shows the notice)
   */
  #optOut (confirm) {
    writeSessionCookie(CHOICE_COOKIE, 'out')
    this.#deleteTrackerCookies()
    updateConsentMode('denied')
    if (confirm) this.#confirm(this.#notice.text.confirm_opted_out)
    // No body: a plain POST needs no CORS preflight, and the service reads nothing from it.
    fetch(`${this.#serviceUrl}/opt-out`, { method: 'POST' })
      .then(response => response.ok ? response.json() : {})
      .then(answer => {
        // The visitor may have changed their mind while the request was out: keep the newest choice.
        if (answer.opted_out && /^[\w.-]+$/.test(answer.token) && readCookie(CHOICE_COOKIE) === 'out') {
          writeSessionCookie(OPT_OUT_COOKIE, answer.token)
        }
      })
      // An unreachable service leaves the local opt-out in place: it fails safe.
      .catch(() => {})
  }

  /** Accept (or OK): withdraw an earlier opt-out, then run what is allowed. */
  #accept () {
    const token = readCookie(OPT_OUT_COOKIE)
    writeSessionCookie(CHOICE_COOKIE, 'ok')
    if (token) {
      expireCookie(OPT_OUT_COOKIE, [])
      fetch(`${this.#serviceUrl}/opt-out`, { method: 'DELETE', headers: { 'X-Consent-Token': token } }).catch(() => {})
    }
    updateConsentMode('granted')
    this.#confirm(this.#notice.text.confirm_accepted)
    this.#activateTrackers()
  }

  /**
   * The notice's and the confirmation's controls.
   * @param {MouseEvent} event
   */
  #onNoticeClick (event) {
    const $control = event.target.closest(`[${ACTION}]`)
    const action = $control?.getAttribute(ACTION)
    if (action === 'opt-out') this.#optOut(true)
    if (action === 'accept') this.#accept()
    if (action === 'change') this.#show({ focus: true })
    if (action === 'hide') this.#hide()
  }

  /**
   * Any [data-consent-open] element on the page reopens the notice.
   * @param {MouseEvent} event
   */
  #onPageClick (event) {
    const $opener = event.target.closest?.('[data-consent-open]')
    if (!$opener) return
    event.preventDefault()
    this.#$opener = $opener
    this.#whenNoticeReady(() => this.#show({ focus: true }))
  }
}

/**
 * Start the banner for the script tag running this code.
 * @param {BannerData} data
 */
function initialise (data) {
  const $script = document.currentScript
  // Without its own tag the script cannot know the service's origin (it was not loaded by a <script src>).
  if (!$script?.src) return
  // A second copy of the script on the same page must not show a second notice.
  if ($html.hasAttribute(INITIALISED)) return
  if (!data.notice) throw new ConsentDataError('no notice')
  $html.setAttribute(INITIALISED, '')
  new ConsentBanner($script, data).start()
}

initialise('__CONSENT_DATA__')
