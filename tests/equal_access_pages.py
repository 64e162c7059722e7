"""The equal-access test pages: one agency page, and what a visitor who opted out gets instead, per path.

Each response gets fresh volatile values (nonce, CSRF token, timestamps, request id) and trackers only for
visitors who did not opt out; the core's comparison tests render them directly, the server's site serves them.
"""

import time
import uuid
from datetime import datetime
from datetime import UTC
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "equal_access"
PAGE = (FIXTURES / "page.html").read_text(encoding="utf-8")
TRACKERS = (FIXTURES / "trackers.html").read_text(encoding="utf-8")
FEES = '<p id="fees">A resident licence costs $27.50 a year; residents over 70 fish free.</p>'
FORM_START = '<form id="apply"'
DOWNLOAD = "/files/fishing-licence-application.pdf"
VIDEO_START = '<iframe id="video"'
VIDEO_PLACEHOLDER = ('<div class="video-placeholder"><p>This video is available to visitors who accept '
                     "cookies.</p></div>")


def _without_form(page):
    start = page.index(FORM_START)
    end = page.index("</form>", start) + len("</form>")
    return page[:start] + page[end:]


def _video_placeholder(page):
    start = page.index(VIDEO_START)
    end = page.index("</iframe>", start) + len("</iframe>")
    return page[:start] + VIDEO_PLACEHOLDER + page[end:]


# What a visitor who opted out gets instead of the page, per path (None: the same page).
OPTED_OUT_VARIANTS = {
    "/equal": None,
    "/paragraph": lambda page: page.replace(FEES, ""),
    "/wall": lambda page: (FIXTURES / "wall.html").read_text(encoding="utf-8"),
    "/form": _without_form,
    "/download": lambda page: page.replace(DOWNLOAD, "/files/opted-out-notice.pdf"),
    "/video": _video_placeholder,
}


def fill(template, opted_out):
    """Fresh volatile values for one response; trackers only for visitors who did not opt out."""
    now = datetime.now(UTC)
    page = template.replace("{{trackers}}", "" if opted_out else TRACKERS)
    values = {
        "nonce": uuid.uuid4().hex,
        "csrf": uuid.uuid4().hex + uuid.uuid4().hex,
        "cachebust": str(time.time_ns()),
        "epoch": str(int(now.timestamp())),
        "generated": now.isoformat(),
        "clock": now.strftime("%H:%M:%S"),
        "request_id": str(uuid.uuid4()),
        "consent_state": "You opted out." if opted_out else "",
    }
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", value)
    return page


def render(path, opted_out):
    """The HTML the site serves at `path` to a visitor who did (or did not) opt out."""
    variant = OPTED_OUT_VARIANTS[path]
    page = variant(PAGE) if (opted_out and variant is not None) else PAGE
    return fill(page, opted_out)
