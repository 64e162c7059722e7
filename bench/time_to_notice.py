"""Time until the notice is on screen, ours vs vanilla-cookieconsent v3, on the same page in the same browser run.

Both pages are served from one loopback server and are identical but for the banner; loads alternate, with the
HTTP cache off and cookies cleared, so every load is a first visit. Run: python bench/time_to_notice.py [-n 21]

--baseline FILE adds an A/B of two builds of our banner.js in the same run: FILE (an earlier build, saved from
/v1/demo/banner.js) and this checkout's, both served as static files by the page server, so only the script
differs. A loaded machine moves every figure; the A/B ratio is what says whether a change made it slower.
"""

import argparse
import json
import logging
import statistics
import sys
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from banner_size import fetch  # noqa: E402
from extension.browser import launch_chrome  # noqa: E402
from server import create_app  # noqa: E402

CONTENT = """<h1>Renew your license</h1><p>You can renew online in a few minutes. Have your license number ready.</p>
<p>Most renewals are done the same day. Call 555-0100 for help.</p>"""
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title>{head}</head>
<body><main>{content}</main></body></html>"""
OURS_HEAD = '<script src="{service}/v1/demo/banner.js" async></script>'
# vanilla-cookieconsent's documented set-up: its CSS, its UMD build, then CookieConsent.run(config).
THEIRS_HEAD = ('<link rel="stylesheet" href="/cc/cookieconsent.css">'
               '<script defer src="/cc/cookieconsent.umd.js"></script><script defer src="/cc/config.js"></script>')
# hideFromBots: false, or it hides itself from a WebDriver-driven browser (ours never does: QA must see it).
THEIRS_CONFIG = """CookieConsent.run({
  hideFromBots: false,
  categories: {necessary: {enabled: true, readOnly: true}, analytics: {}},
  language: {default: 'en', translations: {en: {
    consentModal: {title: 'Cookies on this site', description: 'We use cookies to count visits.',
                   acceptAllBtn: 'Accept', acceptNecessaryBtn: 'Opt out'},
    preferencesModal: {title: 'Cookie settings', acceptAllBtn: 'Accept', acceptNecessaryBtn: 'Opt out',
                       savePreferencesBtn: 'Save', sections: [{title: 'Analytics', linkedCategory: 'analytics'}]}
  }}}
});"""
# Installed before any page script: notes the first moment a notice is visible (DOM change or frame).
PROBE = """
(() => {
  const visible = el => el && el.checkVisibility({opacityProperty: true, visibilityProperty: true}) &&
                        el.getBoundingClientRect().height > 0;
  const check = () => {
    if (window.__noticeAt) return true;
    const host = document.querySelector('[data-consent-notice]');
    if (visible(host && host.shadowRoot && host.shadowRoot.querySelector('[data-consent-action=opt-out]')) ||
        visible(document.querySelector('#cc-main .cm'))) {
      window.__noticeAt = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: true});
  const frame = () => { if (!check()) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
"""
RESULT = """
const script = performance.getEntriesByType('resource').find(e => e.name.includes(arguments[0]));
return window.__noticeAt ? [window.__noticeAt, script ? script.responseEnd : null] : null;
"""


class PageServer:
    """Serves the bench pages and cookieconsent's files on a loopback port (and two builds of ours, for an A/B)."""

    def __init__(self, service, cc_dir, builds=None):
        files = {
            "/ours.html": ("text/html", PAGE.format(head=OURS_HEAD.format(service=service), content=CONTENT)),
            "/theirs.html": ("text/html", PAGE.format(head=THEIRS_HEAD, content=CONTENT)),
            "/cc/cookieconsent.css": ("text/css", (cc_dir / "dist/cookieconsent.css").read_text()),
            "/cc/cookieconsent.umd.js": ("text/javascript", (cc_dir / "dist/cookieconsent.umd.js").read_text()),
            "/cc/config.js": ("text/javascript", THEIRS_CONFIG),
        }
        for name, body in (builds or {}).items():
            head = f'<script src="/{name}/banner.js" async></script>'
            files[f"/{name}.html"] = ("text/html", PAGE.format(head=head, content=CONTENT))
            files[f"/{name}/banner.js"] = ("text/javascript", body)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                mimetype, text = files.get(self.path, ("text/plain", None))
                body = (text or "not found").encode("utf-8")
                self.send_response(200 if text is not None else 404)
                self.send_header("Content-Type", f"{mimetype}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def serve_app(app):
    """The consent service (demo on) on another loopback port, as agencies would load it."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{server.server_port}"


def measure(driver, url, script_name):
    """One first visit: (ms from navigation start to visible notice, ms from script downloaded to visible)."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(url)
    found = WebDriverWait(driver, 10, poll_frequency=0.02).until(
        lambda d: d.execute_script(RESULT, script_name), f"no notice became visible on {url}")
    visible_at, script_end = found
    return visible_at, visible_at - script_end


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--loads", type=int, default=21, help="loads per banner (default 21)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--baseline", type=Path, help="an earlier build of the demo banner.js, for an A/B")
    args = parser.parse_args(argv)
    cc_dir, cc_version = fetch("vanilla-cookieconsent@3")
    app = create_app({"DEMO": True, "SECRET_KEYS": ["bench-key-0123456789abcdef0123"]})
    service, service_url = serve_app(app)
    builds = {}
    if args.baseline:
        builds = {"baseline": args.baseline.read_text(encoding="utf-8"),
                  "current": app.test_client().get("/v1/demo/banner.js").get_data(as_text=True)}
    pages = PageServer(service_url, cc_dir, builds)
    browser = launch_chrome(extension=False)
    driver = browser.driver
    samples = {"ours": [], "theirs": [], **{name: [] for name in builds}}
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
        # One unmeasured load of each warms the browser and both servers.
        measure(driver, f"{pages.url}/ours.html", "/banner.js")
        measure(driver, f"{pages.url}/theirs.html", "cookieconsent.umd.js")
        for name in builds:
            measure(driver, f"{pages.url}/{name}.html", "/banner.js")
        for _ in range(args.loads):
            samples["ours"].append(measure(driver, f"{pages.url}/ours.html", "/banner.js"))
            samples["theirs"].append(measure(driver, f"{pages.url}/theirs.html", "cookieconsent.umd.js"))
            for name in builds:
                samples[name].append(measure(driver, f"{pages.url}/{name}.html", "/banner.js"))
    finally:
        browser.quit()
        pages.server.shutdown()
        service.shutdown()
    result = {"loads": args.loads, "cookieconsent_version": cc_version}
    for who, rows in samples.items():
        result[who] = {"navigation_to_visible_ms": round(statistics.median(r[0] for r in rows), 1),
                       "script_loaded_to_visible_ms": round(statistics.median(r[1] for r in rows), 1)}
    result["ratio_navigation"] = round(result["ours"]["navigation_to_visible_ms"]
                                       / result["theirs"]["navigation_to_visible_ms"], 2)
    result["ratio_script"] = round(result["ours"]["script_loaded_to_visible_ms"]
                                   / max(result["theirs"]["script_loaded_to_visible_ms"], 0.1), 2)
    if builds:
        result["current_vs_baseline"] = {
            key: round(result["current"][key] / max(result["baseline"][key], 0.1), 2)
            for key in ("navigation_to_visible_ms", "script_loaded_to_visible_ms")}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"median of {args.loads} first visits each, HTTP cache off, headless Chromium")
        for who in samples:
            row = result[who]
            print(f"{who:>7}: navigation start to notice visible {row['navigation_to_visible_ms']} ms; "
                  f"script downloaded to notice visible {row['script_loaded_to_visible_ms']} ms")
        print(f"ratio ours/theirs: {result['ratio_navigation']} (from navigation), "
              f"{result['ratio_script']} (from script downloaded)")
        if builds:
            ab = result["current_vs_baseline"]
            print(f"current/baseline build: {ab['navigation_to_visible_ms']} (from navigation), "
                  f"{ab['script_loaded_to_visible_ms']} (from script downloaded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
