/**
 * consent-qa recorder, isolated world: measures the cookie notice (loaded before content.js).
 *
 * Measuring only: nothing on the page is changed. Defines globalThis.consentQaFacts(rules) in the
 * extension's isolated world, which the page's own scripts cannot see; content.js calls it with
 * rules.json (the same file extension/rules.py reads), so Python and JavaScript share every rule.
 */
globalThis.consentQaFacts = (rules) => {
  const NOTICE_HOOK = rules.hooks.notice;
  const ACTION = rules.hooks.action_attribute;
  const CONTROL_SELECTOR = `${rules.controls}, [${ACTION}]`;
  const BANNER_LABEL = new RegExp(rules.banner_like.label, "i");
  const BANNER_TEXT = new RegExp(rules.banner_like.text, "i");
  const OPT_OUT_NAME = new RegExp(rules.names.opt_out, "i");
  const NEXT_LINK_SKIP = new RegExp(rules.next_link_skip, "i");
  const MAX_TEXT = 4000;

  /** Every element under root (and root's own shadow tree), open shadow roots included, in document order. */
  function deepElements(root) {
    const found = [];
    const walk = (node) => {
      for (const child of node.children || []) {
        found.push(child);
        if (child.shadowRoot) {
          walk(child.shadowRoot);
        }
        walk(child);
      }
    };
    if (root.shadowRoot) {
      walk(root.shadowRoot);
    }
    walk(root);
    return found;
  }

  /** Every open shadow root on the page (focus moves inside one are not seen from the document). */
  function shadowRoots() {
    return deepElements(document).filter((el) => el.shadowRoot).map((el) => el.shadowRoot);
  }

  /** The element's parent, stepping out of a shadow root to its host. */
  function parentOf(el) {
    if (el.parentElement) {
      return el.parentElement;
    }
    const root = el.getRootNode();
    return root && root.host ? root.host : null;
  }

  function isVisible(el) {
    if (!el.isConnected) {
      return false;
    }
    const rect = el.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) {
      return false;
    }
    for (let node = el; node; node = parentOf(node)) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse" ||
          Number(style.opacity) < 0.05) {
        return false;
      }
    }
    return true;
  }

  /** A platform's selector comes from autoconsent's rules: one this browser cannot parse matches nothing. */
  function matchesSafely(el, selector) {
    try {
      return el.matches(selector);
    } catch (e) {
      return false;
    }
  }

  /**
   * The contract's hook first; then a consent platform's own interface (platform: the selectors of the
   * platform autoconsent recognised, a shown one first); else the outermost element that looks like a banner.
   */
  function findNotice(platform) {
    const all = deepElements(document);
    const hooked = all.find((el) => el.matches(NOTICE_HOOK));
    if (hooked) {
      return { el: hooked, hook: "data-consent-notice" };
    }
    if (platform && platform.length) {
      const ours = all.filter((el) => platform.some((selector) => matchesSafely(el, selector)));
      const shown = ours.find((el) => isVisible(noticeBox(el))) || ours[0];
      if (shown) {
        return { el: shown, hook: "platform" };
      }
    }
    const candidates = all.filter((el) => {
      const label = `${el.id} ${el.className} ${el.getAttribute("aria-label") || ""}`;
      return BANNER_LABEL.test(label) && BANNER_TEXT.test(deepText(el, false)) && isVisible(el);
    });
    const outermost = candidates.find((el) => !candidates.some((other) => other !== el && other.contains(el)));
    return outermost ? { el: outermost, hook: "heuristic" } : null;
  }

  /** Text under el, through open shadow roots; visibleOnly skips what is not rendered. */
  function deepText(el, visibleOnly) {
    const parts = [];
    const walk = (node) => {
      const kids = node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
      for (const child of kids) {
        if (child.nodeType === Node.TEXT_NODE) {
          parts.push(child.data);
        } else if (child.nodeType === Node.ELEMENT_NODE && !/^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/.test(child.tagName)) {
          if (visibleOnly && child.getClientRects().length === 0) {
            continue;
          }
          walk(child);
        }
      }
    };
    walk(el);
    return parts.join(" ").replace(/\s+/g, " ").trim().slice(0, MAX_TEXT);
  }

  /** The colour behind el: its own and its ancestors' backgrounds down to the first opaque one. */
  function backgroundOf(el) {
    const layers = [];
    let image = false;
    for (let node = el; node; node = parentOf(node)) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") {
        image = true;
      }
      const color = style.backgroundColor;
      if (color && color !== "transparent" && !/,\s*0\)$/.test(color)) {
        layers.push(color);
        if (!/rgba/.test(color) || /,\s*1\)$/.test(color)) {
          break;
        }
      }
    }
    return { layers, image };
  }

  function rectOf(el) {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }

  /**
   * The element that actually shows the notice: a shadow host or a wrapper may have no box of its
   * own (display: contents, or only fixed-position children), so take its largest visible descendant.
   */
  function noticeBox(el) {
    const own = el.getBoundingClientRect();
    if (own.width >= 1 && own.height >= 1) {
      return el;
    }
    let best = null;
    let bestArea = 0;
    for (const child of deepElements(el)) {
      const r = child.getBoundingClientRect();
      if (r.width * r.height > bestArea && isVisible(child)) {
        best = child;
        bestArea = r.width * r.height;
      }
    }
    return best || el;
  }

  /** Style facts for contrast and readability. */
  function styleFacts(el) {
    const style = getComputedStyle(el);
    return {
      fontSize: parseFloat(style.fontSize),
      fontWeight: Number(style.fontWeight) || 400,
      color: style.color,
      background: backgroundOf(el),
      position: style.position,
    };
  }

  function isTabbable(el) {
    if (el.disabled || el.closest("[inert]") || el.tabIndex < 0) {
      return false;
    }
    return isVisible(el);
  }

  function accessibleName(el) {
    const label = el.getAttribute("aria-label");
    if (label) {
      return label.trim();
    }
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const root = el.getRootNode();
      const names = by.split(/\s+/).map((id) => root.getElementById && root.getElementById(id)).filter(Boolean);
      if (names.length) {
        return names.map((n) => n.textContent.trim()).join(" ");
      }
    }
    return (el.value && el.tagName === "INPUT" ? el.value : deepText(el, false)).trim();
  }

  function controlFacts(el) {
    return {
      action: el.getAttribute(ACTION),
      name: accessibleName(el).slice(0, 200),
      tag: el.tagName.toLowerCase(),
      rect: rectOf(el),
      visible: isVisible(el),
      tabbable: isTabbable(el),
      ...styleFacts(el),
    };
  }

  /** Text-bearing elements of the notice with their size and colours (for readability and contrast). */
  function textFacts(notice) {
    const found = [];
    for (const el of [notice, ...deepElements(notice)]) {
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.data)
        .join("")
        .trim();
      if (own && isVisible(el)) {
        found.push({ chars: own.length, text: own.slice(0, 80), ...styleFacts(el) });
      }
      if (found.length >= 200) {
        break;
      }
    }
    return found;
  }

  /** Opt-out controls anywhere on the page (some sites put them outside the notice). */
  function pageControls(notice) {
    return deepElements(document)
      .filter((el) => el.matches(CONTROL_SELECTOR) && !(notice && (notice === el || deepContains(notice, el))))
      .map(controlFacts)
      .filter((c) => c.action || OPT_OUT_NAME.test(c.name))
      .slice(0, 20);
  }

  function deepContains(ancestor, el) {
    for (let node = el; node; node = parentOf(node)) {
      if (node === ancestor) {
        return true;
      }
    }
    return false;
  }

  function facts(platform) {
    const found = findNotice(platform);
    const base = {
      url: location.href,
      title: document.title,
      readyState: document.readyState,
      viewport: { width: innerWidth, height: innerHeight, scrollX, scrollY },
      // How many Tab presses can reach everything (the driver presses a few more).
      tabbable: deepElements(document).filter(
        (el) => el.tabIndex >= 0 && el.matches("a[href], button, input, select, textarea, summary, [tabindex]"),
      ).length,
      pageControls: [],
    };
    if (!found) {
      return { ...base, notice: null, pageControls: pageControls(null) };
    }
    const el = found.el;
    const box = noticeBox(el);
    const controls = deepElements(el).filter((c) => c.matches(CONTROL_SELECTOR));
    const links = deepElements(el)
      .filter((a) => a.matches("a[href]"))
      .map((a) => ({ href: a.href, text: deepText(a, false).slice(0, 200), visible: isVisible(a) }));
    return {
      ...base,
      pageControls: pageControls(el),
      notice: {
        hook: found.hook,
        shadow: el.getRootNode() !== document,
        visible: isVisible(box),
        rect: rectOf(box),
        ...styleFacts(box),
        role: el.getAttribute("role"),
        label: el.getAttribute("aria-label"),
        text: deepText(el, true),
        fullText: deepText(el, false),
        texts: textFacts(el),
        links,
        controls: controls.map(controlFacts),
      },
    };
  }

  /**
   * The page's DOM as HTML without the notice, for the equal-access comparison: banners without
   * the contract's hook are only known here. The page itself is not touched (a clone is edited).
   */
  function snapshot(platform) {
    const found = findNotice(platform);
    const clone = document.documentElement.cloneNode(true);
    if (found && found.el.getRootNode() === document && document.documentElement.contains(found.el)) {
      const path = [];
      for (let node = found.el; node !== document.documentElement; node = node.parentElement) {
        path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
      }
      let copy = clone;
      for (const index of path) {
        copy = copy.children[index];
      }
      copy.remove();
    }
    // After the notice (its path counts the page as it is): a consent platform's whole interface goes,
    // shown or not, since its own text changes with the choice.
    for (const el of Array.from(clone.querySelectorAll("*")).filter((e) => (platform || []).some((s) => matchesSafely(e, s)))) {
      el.remove();
    }
    return { html: clone.outerHTML, notice: found ? found.hook : null };
  }

  /**
   * The opt-out control a visitor would use: the contract's hook in the notice, then anywhere, then a
   * control named like one (rules.names.opt_out) in the notice, then anywhere; a shown one first.
   */
  function optOutControl(platform) {
    const found = findNotice(platform);
    const all = deepElements(document);
    const inNotice = found ? [found.el, ...deepElements(found.el)] : [];
    const hooked = (els) => els.filter((el) => el.matches(rules.hooks.opt_out));
    const named = (els) => els.filter((el) => el.matches(rules.controls) && OPT_OUT_NAME.test(accessibleName(el)));
    const tries = [
      [hooked(inNotice), "notice", ACTION],
      [hooked(all), "page", ACTION],
      [named(inNotice), "notice", "accessible name"],
      [named(all), "page", "accessible name"],
    ];
    for (const [els, where, by] of tries) {
      const el = els.find(isVisible) || els[0];
      if (el) {
        return { el, info: { where, by, name: accessibleName(el).slice(0, 100), shown: isVisible(el) } };
      }
    }
    return null;
  }

  /** Whether a link sits in the notice or is the control that reopens it (following it proves nothing). */
  function inConsentUi(el) {
    for (let node = el; node; node = parentOf(node)) {
      if (node.matches && (node.matches(NOTICE_HOOK) || node.matches(rules.hooks.reopen))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first link to another page of the same origin that a visitor would follow next: not in the
   * notice, not a tracker's (prefixes: absolute request prefixes), not a download or a log-out.
   */
  function nextLink(prefixes) {
    const here = location.href.split("#")[0];
    for (const a of document.querySelectorAll("a[href]")) {
      let url;
      try {
        url = new URL(a.href);
      } catch (e) {
        continue;
      }
      const target = url.href.split("#")[0];
      if (url.origin !== location.origin || target === here || inConsentUi(a) || NEXT_LINK_SKIP.test(url.pathname)) {
        continue;
      }
      if (!prefixes.some((p) => url.href.startsWith(p))) {
        return target;
      }
    }
    return null;
  }

  return { facts, snapshot, accessibleName, shadowRoots, optOutControl, nextLink };
};
