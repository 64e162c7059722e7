"""The base of every console form."""

from flask_wtf import FlaskForm


class ConsoleForm(FlaskForm):
    """A form whose CSRF token is checked before the view runs (server.auth), for session requests only.

    A bearer request carries no token and needs none (browsers never add the header by themselves), so the
    form does not check it a second time; templates put `csrf_token()` in every POST form.
    """

    class Meta:
        csrf = False
