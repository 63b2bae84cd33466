"""The coordinator's forms: a centre, a staff account."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from tisc.forms import Form, options


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CentreForm(Form):
    slug = StringField(
        _l("Short name for links"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lower-case Latin letters, digits and hyphens, e.g. atyrau-university."),
    )
    name_kk = StringField(_l("Name in Kazakh"), validators=[Length(max=200)])
    name_ru = StringField(_l("Name in Russian"), validators=[Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=200)])
    status = SelectField(_l("Status"), validators=[DataRequired()])
    host_institution = StringField(_l("Host institution"), validators=[Length(max=200)])
    city_id = SelectField(_l("City"), coerce=int, validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), NumberRange(min=-180, max=180)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    opening_hours = StringField(_l("Opening hours"), validators=[Length(max=200)])
    services = CheckboxListField(_l("Services offered"))
    languages = CheckboxListField(_l("Languages spoken"))
    joined_on = DateField(_l("Joined the network on"), validators=[Optional()])
    description_kk = TextAreaField(_l("Description in Kazakh"), validators=[Length(max=5000)])
    description_ru = TextAreaField(_l("Description in Russian"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save centre"))


class StaffCreateForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=options([("staff", _l("Centre staff")), ("coordinator", _l("Coordinator"))]),
        validators=[DataRequired()],
    )
    centre = SelectField(_l("Centre"), validators=[Optional()])
    submit = SubmitField(_l("Create account"))


class StaffMoveForm(Form):
    centre = SelectField(_l("Move to centre"), validators=[DataRequired()])
    submit = SubmitField(_l("Move"))
