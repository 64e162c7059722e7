/**
 * consent-qa, isolated world (extension/page_world.py): the DOM helpers facts.js measures with (loaded first).
 *
 * Reading only, shadow roots included; no rule of rules.json is needed here, so these stay apart from the
 * notice measurements that use them.
 */
globalThis.consentQaDom = (() => {
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

  function deepContains(ancestor, el) {
    for (let node = el; node; node = parentOf(node)) {
      if (node === ancestor) {
        return true;
      }
    }
    return false;
  }

  return {
    deepElements, shadowRoots, parentOf, isVisible, matchesSafely, deepText, backgroundOf, rectOf, isTabbable,
    accessibleName, deepContains,
  };
})();
