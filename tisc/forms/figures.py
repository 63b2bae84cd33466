"""Forms of the figures: the dashboards' period and filters, the report year, training events."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tisc.domain.figures import PERIOD_KINDS
from tisc.forms import ApplyField, Form, IntegerField, SelectField, options
from tisc.forms.filters import _GetForm


class MonthField(StringField):
    """``YYYY-MM``, shown as the browser's month picker."""


class DashboardForm(_GetForm):
    period = SelectField(
        _l("Period"),
        default="this_year",
        choices=options((kind, _l(label)) for kind, label in PERIOD_KINDS.items()),
        validators=[Optional()],
    )
    first = MonthField(
        _l("From month"),
        validators=[Optional(), Length(max=7)],
        render_kw={"placeholder": "2026-01"},
    )
    last = MonthField(
        _l("To month"), validators=[Optional(), Length(max=7)], render_kw={"placeholder": "2026-12"}
    )
    centre = SelectField(_l("Centre"), default="", validators=[Optional()])
    service = SelectField(_l("Service"), default="", validators=[Optional()])
    region = SelectField(_l("Region"), default="", validators=[Optional()])
    category = SelectField(_l("Requester"), default="", validators=[Optional()])
    submit = ApplyField(_l("Show"))


class ReportYearForm(_GetForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1, 9999)])
    submit = ApplyField(_l("Show"))


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    format = SelectField(_l("Format"), validators=[DataRequired()])
    language = SelectField(_l("Language"), validators=[DataRequired()])
    audience = SelectField(_l("Audience"), validators=[DataRequired()])
    participants = IntegerField(
        _l("Participants"),
        validators=[Optional(), NumberRange(0, 100_000)],
        description=_l("Required once the event has taken place."),
    )
    link = URLField(
        _l("Link (optional)"),
        validators=[Optional(), Length(max=300)],
        description=_l("Registration or recording, e.g. https://…"),
    )
    submit = SubmitField(_l("Save event"))
