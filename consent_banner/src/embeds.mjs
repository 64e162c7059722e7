/**
 * Embeds (policy clause 1.3.3, access without tracking): each `<iframe data-tracker data-src>` on the page loads
 * only while the visitor's choice lets trackers run, as the banner runs inert scripts. When it does not (opted out,
 * Global Privacy Control, or opt-in mode before an accept), the frame stays unloaded and a box of the same size says
 * what it is and who provides it, links to the content on the provider's site and to the agency's alternative, and
 * offers a button that loads this one embed for this page view only. The choice itself never changes here.
 *
 * A module of its own, added by the agency on pages with embeds (README.md "Embeds"): banner.js stays within its
 * size goal and pages without embeds never load this. It reads the banner's session cookies and follows the
 * visitor's clicks on the notice, so a choice made on the page applies at once.
 *
 * build.mjs bundles this module with esbuild: EMBEDS_CSS becomes the minified embeds.css, and the service puts
 * the agency's data where the "__CONSENT_EMBEDS__" string stands (consent_banner/build.py).
 */

/** @typedef {{vendor: string, kind: string | null}} EmbedTracker */
/** @typedef {{mode: string, lang: string, texts: Object<string, Object<string, string>>,
 *             trackers: Object<string, EmbedTracker>}} EmbedsData */

/* global EMBEDS_CSS */

// The banner's public names (README.md): its session cookies; and how a page declares an embed.
const OPT_OUT_COOKIE = 'consent_optout'
const CHOICE_COOKIE = 'consent_choice'
const EMBEDS = 'iframe[data-tracker][data-src]'
// Marks a frame the visitor loaded with the button: it stays loaded for this page view.
const LOADED = 'data-consent-loaded'
const PLACEHOLDER = 'data-consent-placeholder'
// The longest a placeholder waits for the page's stylesheets (the frame's box is only final once they apply).
const STYLES_WAIT_MS = 3000
// The notice's host carries the language it was shown in: placeholders speak the same.
const NOTICE = 'consent-notice[lang]'

/** Known providers: their name, their kind of content and the page that shows an embed's content on their site. */
const PROVIDERS = Object.freeze([
  { host: /(^|\.)youtube(-nocookie)?\.com$/, name: 'YouTube', kind: 'video', page: youtubePage },
  { host: /^player\.vimeo\.com$/, name: 'Vimeo', kind: 'video', page: vimeoPage },
  { host: /(^|\.)google\.[a-z.]+$/, path: /^\/maps/, name: 'Google Maps', kind: 'map', page: mapsPage },
  { host: /(^|\.)formstack\.com$/, name: 'Formstack', kind: 'form', page: url => url.href },
])
const KINDS = Object.freeze(['video', 'map', 'form'])

/**
 * The watch page of a YouTube embed (youtube.com/embed/ID, or youtube-nocookie.com), keeping its start time.
 * @param {URL} url
 * @returns {string | null}
 */
function youtubePage (url) {
  const id = url.pathname.match(/^\/embed\/([\w-]+)/)?.[1]
  if (!id) return null
  const start = url.searchParams.get('start')
  return `https://www.youtube.com/watch?v=${id}${/^\d+$/.test(start) ? `&t=${start}s` : ''}`
}

/**
 * The vimeo.com page of a player.vimeo.com/video/ID embed.
 * @param {URL} url
 * @returns {string | null}
 */
function vimeoPage (url) {
  const id = url.pathname.match(/^\/video\/(\d+)/)?.[1]
  return id ? `https://vimeo.com/${id}` : null
}

/**
 * A Google Maps page for a maps embed: a search for its place (q=), else the embed's own address (it opens full size).
 * @param {URL} url
 * @returns {string}
 */
function mapsPage (url) {
  const place = url.searchParams.get('q')
  if (place) return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(place)}`
  url.searchParams.delete('output')
  return url.href
}

/**
 * An http(s) URL resolved against the page, or null (javascript:, data: and unparsable values are no links).
 * @param {string | undefined} value
 * @returns {URL | null}
 */
function webUrl (value) {
  // An attribute left out is no address (new URL would read "undefined" as a relative path).
  if (!value) return null
  try {
    const url = new URL(value, location)
    return /^https?:$/.test(url.protocol) ? url : null
  } catch {
    return null
  }
}

/**
 * The supported language a BCP 47 tag asks for, or null (the banner's rule, and server/notice.py's).
 * @param {string | null | undefined} tag
 * @param {string[]} languages - the supported codes
 * @returns {string | null}
 */
function supportedLanguage (tag, languages) {
  tag = (tag || '').toLowerCase()
  let code = tag.split(/[-_]/)[0]
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
  return document.cookie.match(`(?:^|; )${name}=([^;]*)`)?.[1] ?? null
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

/** The embeds of one page: loaded when the visitor's choice allows, else held back behind placeholders. */
class Embeds {
  /** @type {EmbedsData} */ #data
  /** @type {Object<string, string>} the wording in the notice's language */ #text
  /** @type {string} */ #lang
  /** @type {CSSStyleSheet | undefined} the placeholders' styles, adopted by the document on first use */ #styleSheet
  /** @type {Map<HTMLIFrameElement, HTMLElement>} each held-back frame and its placeholder */ #held = new Map()
  /** @type {boolean | null} waiting for the page's stylesheets; null once waited */ #waitingForStyles = false

  /**
   * @param {EmbedsData} data
   * @param {string | undefined} lang - the page's data-lang on this script, if any
   */
  constructor (data, lang) {
    this.#data = data
    const languages = Object.keys(data.texts)
    const $html = document.documentElement
    const candidates = [document.querySelector(NOTICE)?.lang, lang, $html.lang, ...navigator.languages]
    this.#lang = candidates.map(tag => supportedLanguage(tag, languages)).find(Boolean) || data.lang
    this.#text = data.texts[this.#lang]
  }

  /** Load or hold back every embed now, as they appear, and again after each click (a choice on the notice). */
  start () {
    this.#update()
    new MutationObserver(() => this.#update()).observe(document.documentElement, { childList: true, subtree: true })
    // The notice's buttons write the choice in their own listener, before the click reaches the document.
    document.addEventListener('click', () => this.#update())
  }

  /** @returns {boolean} whether the visitor's choice keeps trackers off (the banner's rule, read from its cookies) */
  #heldBack () {
    let choice = readCookie(OPT_OUT_COOKIE) ? 'out' : readCookie(CHOICE_COOKIE)
    // Global Privacy Control is an opt-out without a click (the banner records it as one when it runs).
    if (!choice && navigator.globalPrivacyControl === true) choice = 'out'
    return this.#data.mode === 'opt-in' ? choice !== 'ok' : choice === 'out'
  }

  /** Match the page to the choice: placeholders for embeds held back, the embeds themselves loaded otherwise. */
  #update () {
    const heldBack = this.#heldBack()
    for (const [$frame, $host] of this.#held) {
      // Gone from the page, or allowed now (an accept): the placeholder goes and the frame loads.
      if (!$frame.isConnected || !heldBack) this.#release($frame, $host)
    }
    if (!heldBack) {
      for (const $frame of document.querySelectorAll(`${EMBEDS}:not([src])`)) $frame.src = $frame.dataset.src
      return
    }
    // This script is async: it may run before the page's stylesheets apply, when a frame's box is not yet its own.
    if (this.#stylesPending()) return
    for (let $frame of document.querySelectorAll(`${EMBEDS}:not([${LOADED}])`)) {
      if (this.#held.has($frame)) continue
      if ($frame.hasAttribute('src')) {
        // Loaded before the visitor opted out on this page: a copy without src unloads it.
        const $unloaded = $frame.cloneNode(true)
        $unloaded.removeAttribute('src')
        $frame.replaceWith($unloaded)
        $frame = $unloaded
      }
      this.#hold($frame)
    }
  }

  /**
   * Whether a stylesheet of the page is still loading; if so, update again once all have loaded or failed (at most
   * STYLES_WAIT_MS: a sheet that never loads must not keep the placeholders away). The frames show no content meanwhile.
   * @returns {boolean}
   */
  #stylesPending () {
    const pending = [...document.querySelectorAll('link[rel~="stylesheet"]')]
      .filter($link => !$link.sheet && !$link.disabled)
    if (!pending.length || this.#waitingForStyles === null) return false
    if (!this.#waitingForStyles) {
      this.#waitingForStyles = true
      const loaded = pending.map($link => new Promise(resolve => {
        $link.addEventListener('load', resolve, { once: true })
        $link.addEventListener('error', resolve, { once: true })
      }))
      Promise.race([Promise.all(loaded), new Promise(resolve => setTimeout(resolve, STYLES_WAIT_MS))]).then(() => {
        this.#waitingForStyles = null // waited once: from now on, hold frames as they come
        this.#update()
      })
    }
    return true
  }

  /**
   * Put a placeholder where the frame is, in its box, and hide the frame.
   * @param {HTMLIFrameElement} $frame
   */
  #hold ($frame) {
    const $host = document.createElement('consent-embed')
    $host.setAttribute(PLACEHOLDER, $frame.dataset.tracker)
    $host.lang = this.#lang
    // Arabic is the one supported language written right to left.
    $host.dir = this.#lang === 'ar' ? 'rtl' : 'ltr'
    if (!this.#styleSheet) {
      this.#styleSheet = new CSSStyleSheet()
      this.#styleSheet.replaceSync(EMBEDS_CSS)
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.#styleSheet]
    }
    this.#takeBox($host, $frame)
    this.#render($host, $frame)
    // Set before the frame is hidden and the host shown: both in one layout, so nothing moves.
    $frame.before($host)
    $frame.hidden = true
    // A page rule such as `.video iframe { display: block }` would show it again despite `hidden`.
    $frame.style.setProperty('display', 'none', 'important')
    this.#held.set($frame, $host)
  }

  /**
   * Give the host the frame's box: its size, margins, display and position, through the CSSOM (strict CSP allows it).
   * @param {HTMLElement} $host
   * @param {HTMLIFrameElement} $frame
   */
  #takeBox ($host, $frame) {
    const style = getComputedStyle($frame)
    for (const name of ['display', 'position', 'top', 'right', 'bottom', 'left', 'float', 'vertical-align',
      'margin-top', 'margin-right', 'margin-bottom', 'margin-left']) {
      $host.style.setProperty(name, style.getPropertyValue(name))
    }
    // An inline iframe sits on the baseline by its bottom edge, as an inline-block that clips its overflow does.
    if (style.display === 'inline') $host.style.display = 'inline-block'
    const box = $frame.getBoundingClientRect()
    $host.style.width = `${box.width}px`
    $host.style.height = `${box.height}px`
  }

  /**
   * What the placeholder says and offers: title, provider, a link to the content, the alternative, the button.
   * @param {HTMLElement} $host
   * @param {HTMLIFrameElement} $frame
   */
  #render ($host, $frame) {
    const text = this.#text
    const source = webUrl($frame.dataset.src)
    const known = source && PROVIDERS.find(provider => provider.host.test(source.hostname) &&
      (!provider.path || provider.path.test(source.pathname)))
    const tracker = this.#data.trackers[$frame.dataset.tracker]
    const provider = tracker?.vendor || known?.name || source?.hostname || $frame.dataset.tracker
    const kind = [tracker?.kind, known?.kind].find(value => KINDS.includes(value)) || 'content'
    const say = template => template.replaceAll('{provider}', provider)
    const $figure = createElement('figure', $host)
    createElement('figcaption', $figure, $frame.title || provider)
    createElement('p', $figure, say(text.blocked))
    const $links = createElement('p', $figure)
    // The content on the provider's site: the page's link, else the known provider's page, else the embed's address.
    const page = webUrl($frame.dataset.href) || webUrl(source && known?.page(new URL(source))) || source
    if (page) createElement('a', $links, say(text.open), { href: page.href })
    const alternative = webUrl($frame.dataset.alternative)
    if (alternative) createElement('a', $links, text.alternative, { href: alternative.href })
    const $load = createElement('button', $figure, text[`load_${kind}`], { type: 'button' })
    createElement('p', $figure, say(text.load_note))
    $load.addEventListener('click', () => this.#load($frame))
  }

  /**
   * The visitor asked for this one embed: load it for this page view, and move focus to it.
   * @param {HTMLIFrameElement} $frame
   */
  #load ($frame) {
    $frame.setAttribute(LOADED, '')
    this.#release($frame, this.#held.get($frame))
    $frame.src = $frame.dataset.src
    $frame.focus()
  }

  /**
   * Show the frame again in place of its placeholder.
   * @param {HTMLIFrameElement} $frame
   * @param {HTMLElement} $host
   */
  #release ($frame, $host) {
    this.#held.delete($frame)
    $frame.hidden = false
    $frame.style.removeProperty('display')
    $host.remove()
  }
}

new Embeds('__CONSENT_EMBEDS__', document.currentScript?.dataset.lang).start()
