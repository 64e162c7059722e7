"""Sign-in at /console/login, sign-out, and the console's landing page."""

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from server.auth import throttle
from server.auth.decorators import requires
from server.auth.forms import SignInForm
from server.auth.forms import SignOutForm
from server.auth.identity import SignInRefused
from server.auth.identity import current_user
from server.auth.identity import sign_in
from server.auth.identity import sign_out
from server.auth.oidc_client import VIA_DIRECTORY
from server.auth.oidc_client import VIA_KEY
from server.auth.oidc_client import directory
from server.auth.oidc_client import password_sign_in_allowed

bp = Blueprint("console_auth", __name__, url_prefix="/console", template_folder="templates")
CONSOLE_LINKS_KEY = "console_links"
# A view another module registers to be the landing page (the monitoring dashboard does).
CONSOLE_HOME_KEY = "console_home"


def safe_next(target):
    """Only a path inside the console: never another site (no open redirect)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console_auth.home")


PASSWORDS_OFF = ("Password sign-in is turned off here (CONSENT_PASSWORD_SIGN_IN): sign in through the directory.")
NEXT_LINE_BREAK = "next: the address to return to after sign-in may not contain a line break (CR or LF)."


def _has_line_break(target):
    """CR or LF in `next` would split the Location header: the request is refused, not cleaned."""
    return "\r" in (target or "") or "\n" in (target or "")


def _login_page(form, problem):
    """The sign-in page: the directory first when configured, the password form unless turned off."""
    return render_template("console/login.html", form=form, problem=problem, directory=directory() is not None,
                           passwords=password_sign_in_allowed())


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a wrong password or a locked account shows the form again with the reason."""
    form = SignInForm()
    if _has_line_break(request.args.get("next", "") if request.method == "GET" else form.next.data):
        form.next.data = ""
        return _login_page(form, NEXT_LINE_BREAK), 400
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user() is not None:
            return redirect(safe_next(form.next.data))
        return _login_page(form, None)
    if not password_sign_in_allowed():
        return _login_page(form, PASSWORDS_OFF), 403
    if not form.validate_on_submit():
        return _login_page(form, "Give your name and your password."), 422
    try:
        sign_in(form.name.data, form.password.data)
    except SignInRefused as refusal:
        status = 429 if refusal.locked else 401
        return _login_page(form, str(refusal)), status
    except throttle.Unavailable as outage:
        return _login_page(form, str(outage)), 503
    return redirect(safe_next(form.next.data), code=303)


@bp.post("/logout")
def logout():
    """Sign out (CSRF-checked like every console form); a directory session is also offered the provider's."""
    via_directory = session.get(VIA_KEY) == VIA_DIRECTORY
    sign_out()
    found = directory()
    if via_directory and found is not None:
        back = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("console_auth.login")
        provider_url = found.end_session_url(back)
        if provider_url:
            return render_template("console/signed_out.html", provider_url=provider_url)
    return redirect(url_for("console_auth.login"), code=303)


@bp.get("/")
@requires()
def home():
    """Where staff land after signing in: the monitoring dashboard when registered, else what they may open."""
    dashboard = current_app.extensions.get(CONSOLE_HOME_KEY)
    return dashboard() if dashboard is not None else render_template("console/home.html")


def template_globals():
    """What every console page's layout needs: the signed-in user and a sign-out form."""
    if not request.path.startswith("/console"):
        return {}
    user = current_user()
    # Other console modules add (label, endpoint) pairs here for the landing page.
    links = [{"label": label, "url": url_for(endpoint)}
             for label, endpoint in current_app.extensions.get(CONSOLE_LINKS_KEY, ())]
    return {"staff_user": user, "sign_out_form": SignOutForm() if user is not None else None,
            "console_links": links}
