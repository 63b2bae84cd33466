"""Filters of the staff desk and the office overview (GET forms, no CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import Optional

from tisc.forms import options


class _GetForm(FlaskForm):
    class Meta:
        csrf = False

    submit = SubmitField(_l("Apply"))


class DeskFilterForm(_GetForm):
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
    overdue = BooleanField(_l("Overdue only"))
    sort = SelectField(
        _l("Sort by"),
        default="due",
        choices=options([("due", _l("Due date")), ("age", _l("Oldest first"))]),
        validators=[Optional()],
    )


class OfficeFilterForm(_GetForm):
    status = SelectField(_l("Status"), default="all", validators=[Optional()])
    service = SelectField(_l("Service"), default="", validators=[Optional()])
    centre = SelectField(_l("Centre"), default="", validators=[Optional()])
    region = SelectField(_l("Region"), default="", validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
