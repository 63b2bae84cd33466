"""The account page's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from tisc.forms import Form, SelectField, options
from tisc.forms.auth import NEW_PASSWORD, PASSWORD_RULE
from tisc.forms.centres import CheckboxListField


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language of pages and e-mails"), validators=[Optional()])
    requester_category = SelectField(_l("You are asking as"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )  # fmt: skip
    new_password = PasswordField(
        _l("New password"),
        validators=NEW_PASSWORD,
        description=PASSWORD_RULE, render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class EmailChangeForm(Form):
    email = EmailField(
        _l("New e-mail address"), validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )  # fmt: skip
    password = PasswordField(
        _l("Current password"), validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )  # fmt: skip
    submit = SubmitField(_l("Change e-mail"))


class NotificationsForm(Form):
    enabled = CheckboxListField(_l("Which e-mails do you want to receive?"), validate_choice=True)
    submit = SubmitField(_l("Save e-mail choices"))


class ApiTokenForm(Form):
    name = StringField(
        _l("Token name"),  # not "Name": a person's full name in kk and ru
        validators=[DataRequired(), Length(max=80)],
        description=_l("What it is for, e.g. “University CRM”."),
    )
    scope = SelectField(
        _l("It may"),
        choices=options(
            [("read", _l("Read only")), ("write", _l("Read and act (submit, workflow actions)"))]
        ),
        default="read",
    )
    days = SelectField(
        _l("Valid for"),
        coerce=int,
        choices=options([(30, _l("30 days")), (90, _l("90 days")), (365, _l("One year"))]),
        default=90,
    )
    submit = SubmitField(_l("Make a token"))
