"""GET /console/api/me: who is signed in (session or token), as the directory and the console know them."""

from flask import Blueprint
from flask import jsonify
from marshmallow import Schema
from marshmallow import fields

from server.auth.decorators import requires
from server.auth.identity import current_user
from server.openapi import documented
from server.openapi import errors
from server.openapi import ok

bp = Blueprint("console_me", __name__, url_prefix="/console/api")


class MeSchema(Schema):
    """The caller: name and e-mail from the directory (a local account: its name, no e-mail), roles and agencies."""

    name = fields.String(dump_only=True)
    account = fields.String(dump_only=True, metadata={"description": "the console account's name (trail, tokens)"})
    email = fields.String(dump_only=True, allow_none=True)
    subject = fields.String(dump_only=True, allow_none=True, metadata={"description": "the directory's subject id"})
    issuer = fields.String(dump_only=True, allow_none=True)
    directory = fields.Boolean(dump_only=True, metadata={"description": "true: signs in through the directory"})
    roles = fields.List(fields.String(), dump_only=True)
    agencies = fields.List(fields.String(), dump_only=True, metadata={"description": "empty: every agency"})


ME = MeSchema()


def who(user):
    """The fields of MeSchema for a user record (the directory's name when it gave one)."""
    return {"name": user.display_name or user.name, "account": user.name, "email": user.email,
            "subject": user.subject, "issuer": user.issuer, "directory": user.subject is not None,
            "roles": sorted(user.role_names), "agencies": sorted(user.agency_ids)}
SHOW_ME = {"summary": "Who is signed in (session or bearer token): name, e-mail, roles, agencies",
           "responses": {**ok(MeSchema), **errors(401, 503)}}


@bp.get("/me")
@requires()
@documented(get=SHOW_ME)
def me():
    """The signed-in person or the token's owner."""
    return jsonify(ME.dump(who(current_user())))
