"""Sign-in and registration forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from tisc.forms import Form, SelectField
from tisc.services.accounts import MIN_PASSWORD

# Said under every new-password field, before anyone can get it wrong.
PASSWORD_RULE = lazy_ngettext(
    "At least %(num)d character, and not easy to guess: a few unrelated words work well.",
    "At least %(num)d characters, and not easy to guess: a few unrelated words work well.",
    MIN_PASSWORD,
)
PASSWORD_LENGTH = _l("Use between %(min)d and %(max)d characters.")
# A new password, wherever one is chosen (sign-up, a link, the account page): one rule.
NEW_PASSWORD = [DataRequired(), Length(min=MIN_PASSWORD, max=200, message=PASSWORD_LENGTH)]


class LoginForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )  # fmt: skip
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )  # fmt: skip
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class RegisterForm(Form):
    name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )  # fmt: skip
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )  # fmt: skip
    password = PasswordField(
        _l("Password"),
        validators=NEW_PASSWORD,
        description=PASSWORD_RULE, render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    requester_category = SelectField(
        _l("You are asking as"),
        validators=[DataRequired(message=_l("Tell us who you are asking as."))],
        description=_l(
            "Counted in the network's yearly figures, which name nobody; the centre handling "
            "your request sees it too."
        ),
    )
    submit = SubmitField(_l("Create account"))


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )  # fmt: skip
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=NEW_PASSWORD,
        description=PASSWORD_RULE, render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save password"))
