"""A hostile agency site that sends the browser elsewhere, and the "internal service" it sends it to (issue 19.2).

The internal service stands for what a worker can reach and visitors cannot (a metadata service, an admin
console): every answer carries SECRET_TEXT and sets SECRET_COOKIE, so a test can look for either in what was
stored. The hostile site leaves by a redirect, by script after load, or through the link the journey follows
next; its plain pages stay home, so the same site shows a well-behaved page still works.
"""

import socket
import threading
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import redirect
from flask import request

from serving import AppServer

SECRET_TEXT = "SECRET-INTERNAL-PAGE-7f3a"
SECRET_COOKIE = "internal_admin_session"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><main><h1>{title}</h1><p>The office renews licenses and answers questions, nine to five.</p>{body}</main>
</body></html>"""


def _html(title, body="", head=""):
    return Response(PAGE.format(title=title, body=body, head=head), mimetype="text/html")


def secret_app():
    """The internal service: counts its visitors, shows its secret, hands out an admin session cookie."""
    app = Flask("internal")
    app.config["hits"] = []
    lock = threading.Lock()

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def secret(path):
        with lock:
            app.config["hits"].append("/" + path)
        response = _html("Secret internal page", f"<p>{SECRET_TEXT}</p>")
        response.set_cookie(SECRET_COOKIE, SECRET_TEXT, httponly=True, samesite="Lax")
        return response

    return app


def closed_port():
    """A loopback port nothing listens on (an internal service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hostile_app(secret_url, closed_url):
    """The agency's site: /plain stays home; /redirect, /script and /next each end up at secret_url."""
    app = Flask("hostile")
    target = f"{secret_url}/admin?token=abc"

    @app.get("/redirect-closed")
    def to_closed():
        # Where nothing answers: the failure must still name the place, not call the agency's page unreachable.
        return redirect(f"{closed_url}/admin", 302)

    @app.get("/plain")
    def plain():
        return _html("A plain page", '<p><a href="/plain/more">More about this service</a></p>')

    @app.get("/plain/more")
    def plain_more():
        return _html("More about this service")

    @app.get("/redirect")
    def to_secret():
        return redirect(target, 302)

    @app.get("/script")
    def script():
        leave = f'<script>addEventListener("load", () => setTimeout(() => {{ location.href = "{target}"; }}, 150));'
        return _html("A page that leaves by script", head=leave + "</script>")

    @app.get("/next")
    def next_page():
        return _html("A page whose next link leaves", '<p><a href="/next/more">More about this service</a></p>')

    @app.get("/next/more")
    def next_more():
        return redirect(target, 302)

    @app.get("/to-sibling")
    def to_sibling():
        # a.example.test -> b.example.test: another host of the same registrable domain.
        parts = urlsplit(request.host_url)
        return redirect(f"{parts.scheme}://b.{parts.netloc.split('.', 1)[1]}/plain", 302)

    return app


class OffsiteSites:
    """The internal service and the hostile site, each on its own loopback port, started and stopped together."""

    def __init__(self):
        self.secret = AppServer(secret_app(), quiet=True)
        self.closed_url = f"http://127.0.0.1:{closed_port()}"
        self.hostile = AppServer(hostile_app(self.secret.url, self.closed_url), quiet=True)

    def start(self):
        self.secret.start()
        self.hostile.start()
        return self

    def stop(self):
        self.hostile.stop()
        self.secret.stop()

    @property
    def secret_hits(self):
        """The paths the internal service was asked for, oldest first."""
        return list(self.secret.app.config["hits"])
