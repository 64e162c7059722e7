"""Wires staff sign-in into the app: the console session cookie, CSRF, same-origin checks, the 401 answer."""

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from server.auth import me
from server.auth import oidc_client
from server.auth import oidc_views
from server.auth import throttle
from server.auth import views
from server.auth.decorators import NotSignedIn
from server.auth.identity import bearer_token
from server.auth.origin import check_same_origin
from server.errors import error_response

CONSOLE_PREFIX = "/console"
SESSION_COOKIE = "consent_console"
SESSION_HOURS = 12
CONSOLE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGN_IN_ENDPOINT = "console_auth.login"

csrf = CSRFProtect()



class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, read and written only under /console: visitors never get one."""

    def open_session(self, app, request):
        if not request.path.startswith(CONSOLE_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app):
        # Secure whenever the console is reached over https; plain http stays usable on loopback.
        return request.is_secure

    def save_session(self, app, session, response):
        if not session and session.modified:
            # Signed out: overwrite with an empty session cookie rather than an expiry date, so no cookie
            # the service sends ever carries Expires or Max-Age (and the old value is gone all the same).
            if self.get_cookie_name(app) not in request.cookies:
                return
            response.set_cookie(self.get_cookie_name(app), "", path=self.get_cookie_path(app),
                                secure=self.get_cookie_secure(app), httponly=True,
                                samesite=self.get_cookie_samesite(app))
            return
        super().save_session(app, session, response)


def _protect_console_forms():
    """CSRF for every state change made with the session cookie; a bearer request needs none."""
    if (request.method in UNSAFE_METHODS and request.path.startswith(CONSOLE_PREFIX)
            and request.routing_exception is None and bearer_token() is None
            and (SESSION_COOKIE in request.cookies or request.endpoint == SIGN_IN_ENDPOINT)):
        # Routing answers an unknown address or method first (404/405); with no credentials at all the
        # view answers 401. What remains rides on the session cookie, which a forged form would carry.
        check_same_origin()
        csrf.protect()


def _console_headers(response):
    if request.path.startswith(CONSOLE_PREFIX):
        # Staff pages hold who-did-what: never cached, never framed, styles and scripts only from here.
        response.headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CONSOLE_CSP
    return response


def init_app(app):
    """Session and CSRF keys from the signing keys (own salts), the sign-in views and the 401 answer."""
    keys = app.config["SECRET_KEYS"]
    app.secret_key = keys[0]
    app.config["SECRET_KEY_FALLBACKS"] = list(keys[1:])
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_PATH=CONSOLE_PREFIX, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        # Checked by hand for console state changes only: visitors' opt-out POSTs carry no form token.
        WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
        # Flask-WTF's https referrer check judges by the Host a proxy rewrites; check_same_origin (run first)
        # holds every console form to the service's public origin instead, and refuses one naming none.
        WTF_CSRF_SSL_STRICT=False,
    )
    app.session_interface = ConsoleSessionInterface()
    csrf.init_app(app)
    throttle.init_app(app)
    app.before_request(_protect_console_forms)
    app.after_request(_console_headers)
    app.context_processor(views.template_globals)
    app.register_blueprint(views.bp)
    oidc_client.init_app(app)
    app.register_blueprint(oidc_views.bp)
    app.register_blueprint(me.bp)

    @app.errorhandler(NotSignedIn)
    def _not_signed_in(error):
        response = error_response(error.status, error.code, error.message)
        response.headers["WWW-Authenticate"] = 'Bearer realm="consent-console"'
        return response
