"""Forms about centres: the coordinator's (a centre, its suspension, a staff account) and
the staff's own (their centre's public profile, its saved replies)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    FloatField,
    RadioField,
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

from tisc.domain.catalogue import ROLE_LABELS, Role
from tisc.forms import Form, SelectField, options
from tisc.services.accounts import NOT_JOINABLE
from tisc.services.suspension import NO_REASON


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _texts(label: str, length: int, area: bool = False):
    """One field per language, e.g. ``address_kk``, ``address_ru``, ``address_en``."""
    kind = TextAreaField if area else StringField
    names = {
        "kk": _l("%(what)s in Kazakh", what=label),
        "ru": _l("%(what)s in Russian", what=label),
        "en": _l("%(what)s in English", what=label),
    }
    return {
        code: kind(names[code], validators=[Length(max=length)], render_kw={"lang": code})
        for code in names
    }


class CentreProfileForm(Form):
    """What a centre's staff keep on its public page."""

    description_kk, description_ru, description_en = _texts(_l("Description"), 5000, True).values()
    host_institution_kk, host_institution_ru, host_institution_en = _texts(
        _l("Host institution"), 200
    ).values()
    address_kk, address_ru, address_en = _texts(_l("Address"), 300).values()
    opening_hours_kk, opening_hours_ru, opening_hours_en = _texts(_l("Opening hours"), 200).values()
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    services = CheckboxListField(_l("Services offered"))
    languages = CheckboxListField(_l("Languages spoken"))
    submit = SubmitField(_l("Save our page"))


def _town_id(value) -> int | None:
    """A town's id; none for a new centre's "Choose a city" (InputRequired says so)."""
    return None if value in ("", None) else int(value)


class CentreForm(Form):
    slug = StringField(
        _l("Short name for links"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lower-case Latin letters, digits and hyphens, e.g. atyrau-university."),
    )
    name_kk = StringField(
        _l("Name in Kazakh"), validators=[Length(max=200)], render_kw={"lang": "kk"},
        # Said before it is sent: no one of the three is required, one of them is.
        description=_l("Give the centre's name in at least one language."),
    )  # fmt: skip
    name_ru = StringField(
        _l("Name in Russian"), validators=[Length(max=200)], render_kw={"lang": "ru"}
    )
    name_en = StringField(
        _l("Name in English"), validators=[Length(max=200)], render_kw={"lang": "en"}
    )
    status = SelectField(_l("Status"), validators=[DataRequired()])
    host_institution_kk = CentreProfileForm.host_institution_kk
    host_institution_ru = CentreProfileForm.host_institution_ru
    host_institution_en = CentreProfileForm.host_institution_en
    city_id = SelectField(_l("City"), coerce=_town_id, validators=[InputRequired()])
    address_kk = CentreProfileForm.address_kk
    address_ru = CentreProfileForm.address_ru
    address_en = CentreProfileForm.address_en
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), NumberRange(min=-180, max=180)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    opening_hours_kk = CentreProfileForm.opening_hours_kk
    opening_hours_ru = CentreProfileForm.opening_hours_ru
    opening_hours_en = CentreProfileForm.opening_hours_en
    services = CheckboxListField(_l("Services offered"))
    languages = CheckboxListField(_l("Languages spoken"))
    joined_on = DateField(_l("Joined the network on"), validators=[Optional()])
    description_kk = CentreProfileForm.description_kk
    description_ru = CentreProfileForm.description_ru
    description_en = CentreProfileForm.description_en
    submit = SubmitField(_l("Save centre"))


class CentreSuspendForm(Form):
    mode = RadioField(
        _l("Where its open requests go"),
        choices=options(
            [
                ("route", _l("Each to the centre routing would choose now")),
                (
                    "centre",
                    _l("To a centre I choose (routing's choice where it lacks the service)"),
                ),
            ]
        ),
        default="route",
        validators=[DataRequired()],
    )
    centre = SelectField(_l("Chosen centre"), validators=[Optional()])
    text = TextAreaField(
        _l("Reason given to the inventors"),
        # Marked required as the service requires it, in its words.
        validators=[
            DataRequired(_l(NO_REASON)),
            Length(max=2000),
        ],
        description=_l("Each inventor is told that their request moved, where, and why."),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Move the requests and suspend"))

    def validate(self, extra_validators=None) -> bool:
        # Not an inline validator: Optional() ends the field's checks when it is empty.
        valid = super().validate(extra_validators)
        if self.mode.data == "centre" and not self.centre.data:
            self.centre.errors.append(_l("Choose the centre, or let routing choose for each."))
            return False
        return valid


class SavedReplyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    text_kk = TextAreaField(
        _l("Text in Kazakh"), validators=[Length(max=10000)], render_kw={"rows": 5, "lang": "kk"}
    )
    text_ru = TextAreaField(
        _l("Text in Russian"), validators=[Length(max=10000)], render_kw={"rows": 5, "lang": "ru"}
    )
    text_en = TextAreaField(
        _l("Text in English"), validators=[Length(max=10000)], render_kw={"rows": 5, "lang": "en"}
    )
    submit = SubmitField(_l("Save reply"))


class StaffCreateForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=options(
            [(role.value, _l(ROLE_LABELS[role])) for role in (Role.STAFF, Role.COORDINATOR)]
        ),
        validators=[DataRequired()],
    )
    # Its choices are the centres staff may join: a suspended one sent is refused, saying why.
    centre = SelectField(
        _l("Centre"), validators=[Optional()], invalid_choice_message=_l(NOT_JOINABLE)
    )
    # The invitation is the person's first e-mail: in their language, not the site's default.
    locale = SelectField(
        _l("Language"),
        validators=[Optional()],  # none sent: the office's own
        description=_l("The invitation and their e-mails are written in it; they can change it."),
    )
    submit = SubmitField(_l("Create account"))


class StaffMoveForm(Form):
    centre = SelectField(
        _l("Move to centre"),
        validators=[DataRequired()],
        description=_l(
            "Their open requests stay with the centre they leave, back in its queue, unassigned."
        ),
        invalid_choice_message=_l(NOT_JOINABLE),
    )
    submit = SubmitField(_l("Move"))
