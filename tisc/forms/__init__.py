"""WTForms forms: every label lazily translated, every field validated."""

import contextlib
import gettext

import wtforms
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as translated
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import SelectChoice, ValidationError
from wtforms.i18n import messages_path

from tisc.caching import Cache
from tisc.domain.catalogue import LANGUAGE_NAMES
from tisc.domain.text import ONE_LINE, UNSTORABLE, as_one_line, is_blank, is_one_line

_wtforms_messages: Cache[gettext.NullTranslations] = Cache(size=8)


class Form(FlaskForm):
    """The base of our forms: WTForms' own messages in the page's language, read once per
    language (Flask-WTF would parse WTForms' catalogue again on every request)."""

    # Fields whose label is a whole sentence (a checkbox's statement), by a short name in
    # the list of a form's problems at its top.
    short_names: dict = {}

    class Meta:
        def wrap_formdata(self, form, formdata):
            """The request's fields, with its files only under the names of the form's file
            fields: a file sent in place of a text (a crafted multipart post) would reach
            that field's validators as a file, not a text, and fail them."""
            wrapped = super().wrap_formdata(form, formdata)
            if not isinstance(wrapped, CombinedMultiDict):
                return wrapped
            names = {f.name for f in form if isinstance(f, wtforms.FileField)}
            files = [(k, v) for k, v in request.files.items(multi=True) if k in names]
            return CombinedMultiDict((MultiDict(files), request.form))

        def get_translations(self, form):
            locale = str(get_locale())
            return _wtforms_messages.get(
                locale,
                lambda: gettext.translation("wtforms", messages_path(), [locale], fallback=True),
            )

    # A one-line field's text has its tabs and line breaks made spaces, and any other control
    # character refused. Off for a filter form: what a search holds is written nowhere.
    one_line_fields = True

    def validate(self, extra_validators=None) -> bool:
        for field in self:  # only invisible characters: nothing written (DataRequired sees it)
            if _text(field) and isinstance(field.data, str) and is_blank(field.data):
                field.data, field.raw_data = "", [""]  # Optional() reads what was sent
        checking = self.one_line_fields
        one_line = [f for f in self if checking and _one_line(f) and isinstance(f.data, str)]
        for field in one_line:
            field.data = as_one_line(field.data)
        valid = super().validate(extra_validators)
        for field in one_line:
            if not is_one_line(field.data):
                field.errors.append(translated(ONE_LINE))
                valid = False
        # Fields that held a NUL, shown as U+FFFD (tisc.web.inputs): refused on the field.
        unstorable = getattr(request, "unstorable_fields", ())
        for field in self:
            if field.name in unstorable:
                field.errors.append(translated(UNSTORABLE))
                valid = False
        return valid

    def use_choices(self, choices) -> None:
        """Each select's choices from a kept set: a dataclass whose fields are named after
        the form's (built once per language and network version by the page)."""
        for name, values in vars(choices).items():
            self[name].choices = values


def _text(field) -> bool:
    """A field people write in (a password is whatever it is)."""
    hidden = (wtforms.PasswordField, wtforms.HiddenField)
    return isinstance(field, wtforms.StringField) and not isinstance(field, hidden)


def _one_line(field) -> bool:
    return _text(field) and not isinstance(field, wtforms.TextAreaField)


class Options(list[SelectChoice]):
    """A select field's choices that know their values, so that :class:`SelectField` looks
    a submitted value up instead of searching the list for it."""

    def __init__(self, choices=()):
        super().__init__(choices)
        self._values: dict = {}

    def values_as(self, coerce) -> frozenset:
        """The choices' values as the field coerces them (those it cannot are left out:
        nothing submitted can equal them)."""
        if coerce not in self._values:
            values = set()
            for choice in self:
                with contextlib.suppress(TypeError, ValueError):
                    values.add(coerce(choice.value))
            self._values[coerce] = frozenset(values)
        return self._values[coerce]


def options(pairs) -> Options:
    """A select field's choices from ``(value, label)`` pairs."""
    return Options(SelectChoice(value, label) for value, label in pairs)


def language_options(first: tuple[str, str] | None = None) -> Options:
    """The three languages as choices, each named in itself and marked so (``lang``): a
    screen reader reads "Қазақша" with a Kazakh voice on an English page. ``first``: a
    ``(value, label)`` choice before them ("Any language")."""
    languages = [
        SelectChoice(code.value, name, render_kw={"lang": code.value})
        for code, name in LANGUAGE_NAMES.items()
    ]
    return Options(([SelectChoice(*first)] if first else []) + languages)


# WTForms' own messages, translated by its catalogue (not ours).
WTFORMS_INVALID_CHOICE = "Not a valid choice."
WTFORMS_NOT_AN_INTEGER = "Not a valid integer value."


class SelectField(wtforms.SelectField):
    """WTForms' select, checking a submitted value against its :class:`Options` by lookup.

    WTForms walks every choice and builds a tuple for each: with a network's 2,000 centres
    in a list that was 8 ms of every submission. The lookup set is made once per list, and
    lists are cached (per language and network version) by the pages that build them.
    """

    def process_formdata(self, valuelist):
        # A choice's value never has spaces around it. Kept, " " would pass Optional(),
        # which takes a blank for nothing given and forgets the not-a-choice error, and
        # reach the page as a choice; stripped, it is nothing given.
        stripped = [v.strip() if isinstance(v, str) else v for v in valuelist]
        super().process_formdata(stripped)

    def pre_validate(self, form):
        choices = self.choices
        if not isinstance(choices, Options) or self.process_errors or not self.validate_choice:
            super().pre_validate(form)
        elif self.data not in choices.values_as(self.coerce):
            message = self.invalid_choice_message or self.gettext(WTFORMS_INVALID_CHOICE)
            raise ValidationError(message)


class ApplyField(wtforms.SubmitField):
    """A filter form's button, rendered without a name: the filters' URL (one to share)
    carries no button label, and no control named ``submit`` hides the form's own
    ``submit()`` from a script that sends it."""


class IntegerField(wtforms.IntegerField):
    """WTForms' integer, refusing a number of more digits than any of ours has:
    ``NumberRange`` compares a number as a float too, which fails beyond 10³⁰⁸."""

    LONGEST = 18

    def process_formdata(self, valuelist):
        given = valuelist[0] if valuelist else None
        if isinstance(given, str) and len(given.strip().lstrip("+-")) > self.LONGEST:
            self.data = None
            raise ValueError(self.gettext(WTFORMS_NOT_AN_INTEGER))
        super().process_formdata(valuelist)


class SwitchField(wtforms.BooleanField):
    """A filter's checkbox in a query string: on as the box sends it ("y") or as a link
    may write it; off absent or written as off; anything else refused, as every filter's
    wrong value is: "overdue=no" once meant "overdue only". Drawn as a checkbox, as
    WTForms' own (templates/macros/forms.html)."""

    ON = frozenset({"y", "yes", "1", "true", "on"})
    OFF = frozenset({"", "n", "no", "0", "false", "off"})

    def process_formdata(self, valuelist):
        given = valuelist[0].strip().lower() if valuelist else ""
        self.data = given in self.ON
        if given not in self.ON | self.OFF:
            raise ValueError(self.gettext(WTFORMS_INVALID_CHOICE))
