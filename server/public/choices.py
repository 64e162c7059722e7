"""The no-JavaScript way to opt out: a plain page and form (DESIGN.md "Embedding", last line)."""

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request

from server.cookies import OPT_OUT_COOKIE
from server.cookies import set_opt_out_cookie
from server.errors import ApiError
from server.openapi import HTML_PAGE
from server.openapi import documented
from server.openapi import errors
from server.notice import build_notice
from server.notice import text_direction
from server.registry import get_agency_or_404
from server.static_delivery.negotiation import lang_for
from server.tokens import FORM_SALT
from server.tokens import get_tokens

bp = Blueprint("choices", __name__, url_prefix="/v1/<agency_id>")

CHOICES_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")


def _render(agency, opted_out, message=None, status=200):
    tokens = get_tokens()
    lang = lang_for(request.args.get("lang"), request.headers.get("Accept-Language", ""))
    body = render_template(
        "choices.html",
        notice=build_notice(agency, lang),
        direction=text_direction(lang),
        opted_out=opted_out,
        message=message,
        form_token=tokens.issue(agency.id, salt=FORM_SALT),
    )
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CHOICES_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/choices")
@documented(get={"summary": "HTML page with a plain opt-out form, for visitors without JavaScript",
                 "responses": {**HTML_PAGE, **errors(404)}})
def show(agency_id):
    """The notice and the current choice, with a form that works without scripts."""
    agency = get_agency_or_404(agency_id)
    tokens = get_tokens()
    opted_out = tokens.verify(request.cookies.get(OPT_OUT_COOKIE, ""), agency.id).valid
    return _render(agency, opted_out)


@bp.post("/choices")
@documented(post={
    "summary": "The form's submission: records the choice in a session cookie",
    "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["form_token", "choice"],
        "properties": {"form_token": {"type": "string"},
                       "choice": {"type": "string", "enum": ["opt-out", "opt-in"]}}}}}},
    "responses": {**HTML_PAGE, **errors(403, 404, 413, 422)}})
def choose(agency_id):
    """Record the choice from the form; a form token proves the form came from this service."""
    agency = get_agency_or_404(agency_id)
    tokens = get_tokens()
    if request.headers.get("Sec-Fetch-Site") not in (None, "same-origin", "none"):
        raise ApiError(403, "cross_site", "The choices form must be sent from this service's own page.", "Origin")
    if not tokens.verify(request.form.get("form_token", ""), agency.id, salt=FORM_SALT).valid:
        raise ApiError(403, "form_expired", "The form has expired or was not issued here. Reload the page.",
                       "form_token")
    choice = request.form.get("choice", "")
    if choice == "opt-out":
        response = _render(agency, True, "opted_out")
        return set_opt_out_cookie(response, tokens.issue(agency.id))
    if choice == "opt-in":
        return set_opt_out_cookie(_render(agency, False, "opted_in"), "")
    raise ApiError(422, "invalid", "choice must be opt-out or opt-in.", "choice")
