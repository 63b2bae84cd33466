"""Filters in the query string (GET forms, no CSRF): desk, office, directory, maps."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    RadioField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from tisc.forms import ApplyField, Form, IntegerField, SelectField, SwitchField, options


class _GetForm(Form):
    one_line_fields = False

    class Meta:
        csrf = False

    submit = ApplyField(_l("Apply"))


class DeskFilterForm(_GetForm):
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=200)],
        description=_l("Reference, title, keywords, IPC class, inventor's name or e-mail"),
    )
    status = SelectField(_l("Status"), default="open", validators=[Optional()])
    service = SelectField(_l("Service"), default="", validators=[Optional()])
    assignee = SelectField(
        _l("Assignee"),
        default="any",
        choices=options(
            [("any", _l("Anyone")), ("me", _l("Me")), ("unassigned", _l("Unassigned"))]
        ),
        validators=[Optional()],
    )
    overdue = SwitchField(_l("Overdue only"))
    sort = SelectField(
        _l("Sort by"),
        default="due",
        choices=options([("due", _l("Due date")), ("age", _l("Oldest first"))]),
        validators=[Optional()],
    )


class OfficeFilterForm(_GetForm):
    q = StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "e.g. TISC-2026-00042, 2026-42 or 42: the office finds requests by reference only"
        ),
    )
    status = SelectField(_l("Status"), default="all", validators=[Optional()])
    service = SelectField(_l("Service"), default="", validators=[Optional()])
    centre = SelectField(_l("Centre"), default="", validators=[Optional()])
    region = SelectField(_l("Region"), default="", validators=[Optional()])
    overdue = SwitchField(_l("Overdue only"))


class RequestSearchForm(_GetForm):
    """An inventor's own requests."""

    q = StringField(
        _l("Search your requests"),
        validators=[Optional(), Length(max=200)],
        description=_l("Reference, title, keywords or IPC class"),
    )
    submit = ApplyField(_l("Search"))


class DirectoryForm(_GetForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    region = SelectField(_l("Region"), default="", validators=[Optional()])
    service = SelectField(_l("Service"), default="", validators=[Optional()])
    language = SelectField(_l("Language"), default="", validators=[Optional()])
    near = SelectField(_l("Distance from"), default="", validators=[Optional()])
    lat = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-180, 180)])
    page = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, 100_000)])

    def applied(self) -> int:
        """How many filters narrow the list or order it (the text counts as one; the
        visitor's position as one, like a region to measure from)."""
        return sum(map(bool, (
            self.q.data, self.region.data, self.service.data, self.language.data,
            self.near.data or self.lat.data is not None,
        )))  # fmt: skip


RADIUS_CHOICES = ("", "50", "100", "150", "200", "300")


class MapForm(_GetForm):
    radius = SelectField(
        _l("Coverage circles"),
        default="",
        choices=options(
            [("", _l("None"))] + [(km, _l("%(km)s km", km=km)) for km in RADIUS_CHOICES[1:]]
        ),
        validators=[Optional()],
    )


class CoverageForm(_GetForm):
    # Radio buttons, not a select: a closed select shows its choice on one line, and
    # Chromium cut the Kazakh and Russian ones off on a phone (review 10, finding 11).
    measure = RadioField(
        _l("Shade regions by"),
        default="requests_per_100k",
        choices=options(
            [
                ("requests_per_100k", _l("Requests per 100,000 people (12 months)")),
                ("distance_km", _l("Distance to the nearest centre, km")),
                ("open_per_centre", _l("Open requests per centre")),
            ]
        ),
    )
    radius = IntegerField(
        _l("Reach R, km"), default=150, validators=[Optional(), NumberRange(min=10, max=1000)]
    )
    proposals = IntegerField(
        _l("Centres to propose"), default=3, validators=[Optional(), NumberRange(min=0, max=20)]
    )


class AuditFilterForm(_GetForm):
    action = SelectField(_l("Action"), default="", validators=[Optional()])
    who = StringField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=254)])
    target = StringField(
        _l("On what"), validators=[Optional(), Length(max=120)],
        description=_l("Part of a centre's or a person's name, or a key such as centre:kbtu "
                       "or user:42"),
    )  # fmt: skip
    # Not the bare "From"/"To": those are an address's origin and an e-mail's recipient.
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])
    without_sign_ins = BooleanField(
        _l("Without sign-ins"), description=_l("Failed sign-ins are still listed.")
    )

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end comes before the start."))
