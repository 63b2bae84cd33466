"""The account page's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from tisc.forms import Form
from tisc.forms.auth import PASSWORD_RULE
from tisc.forms.centres import CheckboxListField
from tisc.services.accounts import MIN_PASSWORD


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language of pages and e-mails"), validators=[Optional()])
    requester_category = SelectField(_l("You are asking as"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=PASSWORD_RULE,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class EmailChangeForm(Form):
    email = EmailField(_l("New e-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change e-mail"))


class NotificationsForm(Form):
    enabled = CheckboxListField(_l("Which e-mails do you want to receive?"), validate_choice=True)
    submit = SubmitField(_l("Save e-mail choices"))
