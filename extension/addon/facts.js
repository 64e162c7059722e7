/**
 * consent-qa, isolated world: measures the cookie notice (after dom.js, before injected/page_agent.js).
 *
 * Measuring only: nothing on the page is changed. Defines globalThis.consentQaFacts(rules) in a
 * DevTools isolated world the driver creates (extension/page_world.py), which the page's own scripts
 * cannot see; page_agent.js calls it with rules.json as extension/rules.py reads it, so Python and
 * JavaScript share every rule.
 */
globalThis.consentQaFacts = (rules) => {
  const {
    deepElements, shadowRoots, parentOf, isVisible, matchesSafely, deepText, backgroundOf, rectOf, isTabbable,
    accessibleName, deepContains,
  } = globalThis.consentQaDom;
  const NOTICE_HOOK = rules.hooks.notice;
  const ACTION = rules.hooks.action_attribute;
  const CONTROL_SELECTOR = `${rules.controls}, [${ACTION}]`;
  const BANNER_LABEL = new RegExp(rules.banner_like.label, "i");
  const BANNER_TEXT = new RegExp(rules.banner_like.text, "i");
  const OPT_OUT_NAME = new RegExp(rules.names.opt_out, "i");

  /** The page itself is never the notice: a platform may put its classes on <body> (issue 21, class 5). */
  function isPageItself(el) {
    return el === document.documentElement || el === document.body || el === document.head;
  }

  /** The area of what shows an element (its own box, or its largest visible descendant's). */
  function shownArea(el) {
    const r = noticeBox(el).getBoundingClientRect();
    return r.width * r.height;
  }

  /**
   * The smallest visible element holding the platform's interface: among the elements its selectors match,
   * a shown one with a control and text about cookies (a backdrop or a whole-page wrapper holds it too, but
   * is larger); else the smallest shown one; else the first.
   */
  function platformNotice(ours) {
    const shown = ours.filter((el) => isVisible(noticeBox(el)));
    const holding = shown.filter(
      (el) => deepElements(el).some((c) => c.matches(CONTROL_SELECTOR)) && BANNER_TEXT.test(deepText(el, true)),
    );
    const smallest = (els) => els.reduce((best, el) => (best && shownArea(best) <= shownArea(el) ? best : el), null);
    return smallest(holding) || smallest(shown) || ours[0] || null;
  }

  /**
   * The contract's hook first; then a consent platform's own interface (platform: the selectors of the
   * platform autoconsent recognised); else the outermost element that looks like a banner. Never <html>,
   * <head> or <body>: equal access must not compare the page minus itself.
   */
  function findNotice(platform) {
    const all = deepElements(document);
    const hooked = all.find((el) => el.matches(NOTICE_HOOK));
    if (hooked) {
      return { el: hooked, hook: "data-consent-notice" };
    }
    if (platform && platform.length) {
      const ours = all.filter((el) => !isPageItself(el) && platform.some((selector) => matchesSafely(el, selector)));
      const chosen = platformNotice(ours);
      if (chosen) {
        return { el: chosen, hook: "platform" };
      }
    }
    const candidates = all.filter((el) => {
      const label = `${el.id} ${el.className} ${el.getAttribute("aria-label") || ""}`;
      return !isPageItself(el) && BANNER_LABEL.test(label) && BANNER_TEXT.test(deepText(el, false)) && isVisible(el);
    });
    const outermost = candidates.find((el) => !candidates.some((other) => other !== el && other.contains(el)));
    return outermost ? { el: outermost, hook: "heuristic" } : null;
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

  /** The index among the top document's frames of the notice element, or of the first frame inside it; else null. */
  function noticeFrameIndex(el) {
    const frame = el.matches("iframe, frame") ? el : el.querySelector("iframe, frame");
    if (!frame) {
      return null;
    }
    const index = Array.from(document.querySelectorAll("iframe, frame")).indexOf(frame);
    return index >= 0 ? index : null;
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

  /** Whether a colour is painted at all (not transparent). */
  function painted(color) {
    return Boolean(color) && color !== "transparent" && !/,\s*0\)$/.test(color);
  }

  /**
   * Whether a control shows a box of its own (a background unlike what is behind it, or a border), as a
   * button does; a control without one reads as a text link, whose width is then part of its prominence.
   */
  function isBoxed(el) {
    const style = getComputedStyle(el);
    const parent = parentOf(el);
    const behind = parent && parent.nodeType === Node.ELEMENT_NODE ? backgroundOf(parent).layers[0] : undefined;
    const fill = painted(style.backgroundColor) && style.backgroundColor !== (behind || "rgb(255, 255, 255)");
    const border = ["Top", "Right", "Bottom", "Left"].every(
      (side) => parseFloat(style[`border${side}Width`]) >= 1 && style[`border${side}Style`] !== "none" &&
        painted(style[`border${side}Color`]),
    );
    return fill || border;
  }

  function controlFacts(el) {
    return {
      action: el.getAttribute(ACTION),
      name: accessibleName(el).slice(0, 200),
      id: el.id || null,
      tag: el.tagName.toLowerCase(),
      rect: rectOf(el),
      visible: isVisible(el),
      tabbable: isTabbable(el),
      boxed: isBoxed(el),
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
        // The frame holding the notice (the element itself or its first), as WebDriver counts the top's frames.
        frameIndex: noticeFrameIndex(el),
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
   * control named like one (rules.names.opt_out) in the notice, then anywhere; the largest shown one first
   * (a "Deny" button before a small "Opt-out preferences" link: clause 1.3.3 judges the one used).
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
      const area = (c) => rectOf(c).width * rectOf(c).height;
      const el = els.filter(isVisible).sort((a, b) => area(b) - area(a))[0] || els[0];
      if (el) {
        return { el, info: { where, by, name: accessibleName(el).slice(0, 100), shown: isVisible(el) } };
      }
    }
    return null;
  }

  /**
   * Inside a frame that holds a platform's notice (the driver runs this there): the frame's document is the
   * notice's content; where it sits on the page is measured from the top document.
   */
  function frameFacts() {
    const el = document.body || document.documentElement;
    const controls = deepElements(el).filter((c) => c.matches(CONTROL_SELECTOR));
    return {
      url: location.href,
      text: deepText(el, true),
      fullText: deepText(el, false),
      texts: textFacts(el),
      links: deepElements(el)
        .filter((a) => a.matches("a[href]"))
        .map((a) => ({ href: a.href, text: deepText(a, false).slice(0, 200), visible: isVisible(a) })),
      controls: controls.map(controlFacts),
    };
  }

  return { facts, snapshot, accessibleName, shadowRoots, optOutControl, frameFacts };
};
