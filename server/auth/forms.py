"""The sign-in and sign-out forms (Flask-WTF: every form carries its CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class SignInForm(FlaskForm):
    """Name and password; `next` is where to go afterwards (a console path only)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class SignOutForm(FlaskForm):
    """Only its CSRF token: signing out is a POST, so no other site can sign staff out."""
