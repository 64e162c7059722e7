"""Agency pages with embedded video, map and form (`<iframe data-tracker data-src>`), their stand-in providers,
and a consent service for the agency: for the banner's embed journeys and QA's equal access for embeds.

The site answers on http://localhost:PORT; the same server stands for the providers at
http://provider.test:PORT (the browser maps *.test to loopback), so embeds are cross-site as on mass.gov.
A path's "opted-out" variant is served when the request carries the banner's consent_choice=out cookie.
"""

import html
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from serving import AppServer
from serving import InThread

from server import create_app

AGENCY = "embeds"
# The same agency in opt-in mode: embeds wait for an accept.
OPT_IN_AGENCY = "embeds-opt-in"
# Each stand-in provider's trackers: the kind is declared for two, derived from the provider's address for YouTube.
TRACKERS = (
    ("video-co", "Example Video Co.", "video"),
    ("map-co", "Example Maps", "map"),
    ("form-co", "Example Forms", "form"),
    ("youtube", "YouTube (Google)", None),
    ("vimeo", "Vimeo", None),
    ("google-maps", "Google Maps", None),
    ("formstack", "Formstack", None),
)
VIDEO_TITLE = "Tour of the licensing office (video, 2 minutes)"
MAP_TITLE = "Map to the licensing office"
FORM_TITLE = "Ask us a question (form)"
SLOW_STYLES_SECONDS = 1.5
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Hostile title'


def agency_toml(origin, agency_id=AGENCY, mode="opt-out"):
    """The agency file: every tracker an embed, with its privacy and licence links."""
    lines = [f'id = "{agency_id}"', 'name = "Test Licensing Office"', f'origins = ["{origin}"]',
             f'privacy_policy_url = "{origin}/privacy"', f'terms_url = "{origin}/terms"', f'mode = "{mode}"',
             'commonwealth_domains = ["localhost"]', ""]
    for tracker_id, vendor, kind in TRACKERS:
        lines += ["[[trackers]]", f'id = "{tracker_id}"', f'vendor = "{vendor}"',
                  'purpose = "Shows embedded content on our pages."', f'license_url = "{origin}/license"',
                  f'privacy_url = "{origin}/privacy"', "contracted = true"]
        lines += [f'embed = "{kind}"'] if kind else []
        lines.append("")
    return "\n".join(lines)


def serve_agency(folder, origin, keys):
    """A consent service on loopback for the agency file of a site at origin (written into folder)."""
    (folder / f"{AGENCY}.toml").write_text(agency_toml(origin), encoding="utf-8")
    (folder / f"{OPT_IN_AGENCY}.toml").write_text(agency_toml(origin, OPT_IN_AGENCY, "opt-in"), encoding="utf-8")
    return AppServer(create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": list(keys)}), quiet=True).start()


def frame(tracker, src, title, width, height, **data):
    """One embed as an agency declares it."""
    extra = "".join(f' data-{name}="{html.escape(value)}"' for name, value in data.items())
    return (f'<iframe data-tracker="{tracker}" data-src="{html.escape(src)}" title="{html.escape(title)}" '
            f'width="{width}" height="{height}"{extra}></iframe>')


class EmbedSite(InThread):
    """The agency's pages (path -> (lang, body, body for opted-out visitors or None)) and the providers' frames."""

    def __init__(self):
        self.service = None
        self.hits = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                host = (self.headers.get("Host") or "").split(":")[0]
                site.record(host, self.path)
                if host == "provider.test":
                    body = f"<!doctype html><title>{path}</title><p>Provider content at {path}</p>".encode()
                    self.reply(200, "text/html; charset=utf-8", body)
                    return
                if path == "/site.css" and "slow=1" in self.path:
                    # A stylesheet that arrives after the async scripts ran: the frames' own border comes late.
                    time.sleep(SLOW_STYLES_SECONDS)
                    self.reply(200, "text/css", b"main iframe { border: 1px solid rgb(51, 51, 51) }")
                    return
                if path == "/site.css":
                    # Like many sites: frames shown as blocks (which would override a plain `hidden`).
                    self.reply(200, "text/css", b"main iframe { display: block; margin: 8px 0 }")
                    return
                page = site.pages().get(path)
                if page is None:
                    self.reply(404, "text/plain", b"not here")
                    return
                opted_out = "consent_choice=out" in (self.headers.get("Cookie") or "")
                body = site.render(path, page, opted_out)
                self.reply(200, "text/html; charset=utf-8", body.encode(), {"Content-Security-Policy": site.csp()})

            def reply(self, status, mimetype, body, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", mimetype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        self.origin = f"http://localhost:{self.port}"
        self.provider = f"http://provider.test:{self.port}"

    def record(self, host, path):
        with self._lock:
            self.hits.append((host, path))

    def provider_hits(self):
        """Paths the providers served (each a loaded embed)."""
        with self._lock:
            return [path for host, path in self.hits if host == "provider.test"]

    def forget(self):
        with self._lock:
            self.hits.clear()

    def csp(self):
        """Strict: scripts only from this site and the service, frames only from the providers, Trusted Types on."""
        service = self.service
        return (f"default-src 'none'; script-src 'self' {service}; style-src 'self' {service}; "
                f"connect-src 'self' {service}; frame-src {self.provider}; img-src 'self'; base-uri 'none'; "
                "object-src 'none'; require-trusted-types-for 'script'; trusted-types consent-banner")

    def embeds(self):
        """The video, map and form of the main page."""
        provider = self.provider
        return [frame("video-co", f"{provider}/player/tour", VIDEO_TITLE, 480, 270, href=f"{provider}/watch/tour",
                      alternative="/tour-transcript"),
                frame("map-co", f"{provider}/map/office", MAP_TITLE, 400, 300, href=f"{provider}/maps/office"),
                frame("form-co", f"{provider}/form/question", FORM_TITLE, 500, 400)]

    def pages(self):
        video, map_, form = self.embeds()
        main = f"""<h1>Visit the licensing office</h1>
<p>Watch the tour, find the office, or send us a question.</p>
{video}
<p id="after-video">Office hours: Monday to Friday, 9 to 5.</p>
<div>{map_}</div>
<div>{form}</div>
<p id="end">End of page.</p>"""
        known = "\n".join([
            frame("youtube", "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?start=42", "Video sobre la oficina",
                  320, 180),
            frame("vimeo", "https://player.vimeo.com/video/76979871", "Otro video", 320, 180),
            frame("google-maps", "https://www.google.com/maps/embed/v1/place?key=K&q=1 Ashburton Pl, Boston",
                  "Mapa", 320, 240),
            frame("formstack", "https://mass.formstack.com/forms/contact_us", "Formulario", 320, 240),
            frame("video-co", f"{self.provider}/player/hostile", HOSTILE_TITLE, 320, 180,
                  href="javascript:window.pwned=1", alternative="data:text/html,x"),
        ])
        return {
            "/embeds": ("en", main, None),
            "/opt-in": ("en", main, None, OPT_IN_AGENCY),
            "/known": ("es", f"<h1>Oficina</h1>\n{known}", None),
            "/slow-styles": ("en", video, None),
            # QA's fixtures: what a visitor who opted out gets, served by the site itself.
            "/qa/disappears": ("en", main, main.replace(video, "")),
            "/qa/dead-end": ("en", main, main.replace(video, (
                f'<div data-consent-placeholder="video-co"><figure><figcaption>{VIDEO_TITLE}</figcaption>'
                '<p>Accept cookies to watch this video.</p><p><a href="/cookie-settings">Cookie settings</a></p>'
                "</figure></div>"))),
        }

    def render(self, path, page, opted_out):
        lang, main, opted_out_main, *agency = page
        if opted_out and opted_out_main is not None:
            main = opted_out_main
        service = f"{self.service}/v1/{agency[0] if agency else AGENCY}"
        styles = "/site.css?slow=1" if path == "/slow-styles" else "/site.css"
        return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Licensing office</title>
<link rel="stylesheet" href="{styles}">
<script src="{service}/banner.js" async></script>
<script src="{service}/embeds.js" async></script>
</head>
<body>
<main>
{main}
<p><a href="#" data-consent-open>Cookie settings</a></p>
</main>
</body>
</html>
"""
