"""Forms of the request tracker: submission and one form per workflow action."""

from contextlib import suppress
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tisc.domain.policy import MAX_FILES
from tisc.domain.workflow import MAX_HOURS, MIN_HOURS, SPECS, Action
from tisc.extensions import policy
from tisc.forms import Form, IntegerField, SelectField, options

TITLE_MAX = 200


def _said_length(most: int) -> Length:
    """At most ``most`` characters, checked when sent, with no ``maxlength`` on the input:
    a longer text pasted is kept whole and refused with its length said, rather than cut
    without a word (a patent's title is often long)."""
    check = Length(
        max=most,
        message=_l("At most %(max)d characters; this one has %(length)d. Please shorten it."),
    )
    check.field_flags = {}
    return check


RATING_MEANINGS = {
    5: _l("5 — Excellent: it answered everything I needed"),
    4: _l("4 — Good: useful, with small gaps"),
    3: _l("3 — Acceptable: partly useful"),
    2: _l("2 — Poor: it helped little"),
    1: _l("1 — Very poor: it did not help"),
}


def _files_help() -> str:
    return gettext(
        "PDF, DOCX, PNG or JPEG; up to %(num)d files of at most %(mb)d MB each.",
        num=MAX_FILES,
        mb=policy().upload_max_bytes // (1024 * 1024),
    )


FILES_HELP = LazyString(_files_help)  # the deployment's limits, in the reader's language


def _hours_range() -> str:
    # The bounds written as the reader writes numbers ("0,25" in kk and ru); no placeholder
    # is left for WTForms to fill with Python's "0.25".
    return gettext(
        "Give the hours spent, from %(min)s to %(max)s.",
        min=format_decimal(MIN_HOURS),
        max=format_decimal(MAX_HOURS),
    )


HOURS_RANGE = LazyString(_hours_range)


def _not_a_number() -> str:
    # The example written as the reader writes numbers, as the bounds beside it are.
    return gettext("Give a number, e.g. %(example)s.", example=format_decimal(Decimal("6.5")))


NOT_A_NUMBER = LazyString(_not_a_number)


class FiniteDecimalField(DecimalField):
    """A decimal number, with a decimal point or a decimal comma (kk and ru pages show
    "1,5", and people type it so in any language); ``NaN``, ``sNaN`` and ``Infinity`` are
    not numbers here. A text box with a decimal keypad: a number box would drop a comma
    the browser's own locale does not expect. With ``places``, the number is rounded to
    them before it is checked, as the API's field and the database round it: "0.249"
    hours are 0.25 on either door."""

    def __init__(self, *args, **kwargs):
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        given = valuelist[0] if valuelist else None
        if isinstance(given, str) and given.count(",") == 1 and "." not in given:
            valuelist = [given.replace(",", "."), *valuelist[1:]]
        try:
            super().process_formdata(valuelist)
        except ValueError:  # "abc" is told what "NaN" is, not WTForms' "decimal value"
            raise ValueError(NOT_A_NUMBER) from None
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(NOT_A_NUMBER)
        if self.data is not None and self.places is not None:
            with suppress(InvalidOperation):  # too many digits to round: out of range anyway
                self.data = self.data.quantize(Decimal(1).scaleb(-self.places), self.rounding)


def _submit(action: Action) -> SubmitField:
    """An action's button, labelled by its spec."""
    return SubmitField(_l(SPECS[action].verb))


class RequestSubmitForm(Form):
    service = SelectField(_l("Service"), validators=[DataRequired()])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), _said_length(TITLE_MAX)],
        description=_l("At most %(num)d characters.", num=TITLE_MAX),
    )
    description = TextAreaField(
        _l("Description of the invention or question"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l(
            "Only the centre's staff handling your request will read it. "
            "At most 20,000 characters; attach a longer text as a file."
        ),
        render_kw={"rows": 8},
    )
    technical_field = StringField(_l("Technical field"), validators=[Length(max=200)])
    keywords = StringField(
        _l("Keywords"), validators=[Length(max=500)], description=_l("Separated by commas.")
    )
    ipc_classes = StringField(
        _l("IPC classes"),
        validators=[Length(max=500)],
        description=_l("Optional, e.g. A61K 31/00; G06F 16/30."),
    )
    region_code = SelectField(_l("Your region"), validators=[DataRequired()])
    preferred_language = SelectField(_l("Preferred language"), validators=[DataRequired()])
    requester_category = SelectField(
        _l("You are asking as"),
        validators=[Optional()],
        description=_l("Asked once, for the network's statistics; change it on your account page."),
    )
    preferred_centre = SelectField(
        _l("Preferred centre"),
        validators=[Optional()],
        description=_l(
            "Keep “Any centre” and we will route your request to the best centre for the "
            "service and your region."
        ),
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    confidentiality_ack = BooleanField(
        _l(
            "I understand that my description is shared only with the staff of the centre "
            "handling my request, and that I should not disclose what I do not want to share "
            "before filing."
        ),
        validators=[DataRequired(message=_l("Please confirm that you have read this."))],
    )
    short_names = {"confidentiality_ack": _l("Confidentiality")}
    # Shown, and needed, only when the inventor already has a similar open request.
    send_anyway = BooleanField(_l("This is a different request: send it anyway."))
    once = HiddenField()  # one token per form shown: sending it twice makes one request
    submit = _submit(Action.SUBMIT)


class ActionForm(Form):
    """Base of the workflow forms: the version the person saw, for optimistic locking."""

    action: Action
    version = HiddenField(validators=[DataRequired()])
    # Far-reaching actions (``ActionSpec.confirm``) are taken once this is set, on the
    # confirmation step that says what will happen.
    confirmed = HiddenField()
    # Said instead of the form when its list has nobody or nowhere to choose.
    nothing_to_choose = ""


class AssignForm(ActionForm):
    action = Action.ASSIGN
    assignee = SelectField(_l("Assign to"), coerce=int, validators=[InputRequired()])
    submit = _submit(Action.ASSIGN)


class TransferForm(ActionForm):
    action = Action.TRANSFER
    centre = SelectField(_l("Transfer to centre"), coerce=int, validators=[InputRequired()])
    text = TextAreaField(
        _l("Reason for the transfer"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.TRANSFER)


class StartForm(ActionForm):
    action = Action.START
    submit = _submit(Action.START)


class AskForm(ActionForm):
    action = Action.ASK
    text = TextAreaField(
        _l("Question to the inventor"),
        validators=[DataRequired(), Length(max=10000)],
        render_kw={"rows": 3},
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.ASK)


class ReplyForm(ActionForm):
    action = Action.REPLY
    text = TextAreaField(
        _l("Your reply"), validators=[DataRequired(), Length(max=10000)], render_kw={"rows": 4}
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.REPLY)


class MessageForm(ActionForm):
    action = Action.MESSAGE
    text = TextAreaField(
        _l("Message"), validators=[DataRequired(), Length(max=10000)], render_kw={"rows": 3}
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.MESSAGE)


class NoteForm(ActionForm):
    action = Action.NOTE
    text = TextAreaField(
        _l("Internal note (never shown to the inventor)"),
        validators=[DataRequired(), Length(max=10000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.NOTE)


class CompleteForm(ActionForm):
    action = Action.COMPLETE
    outcome = SelectField(_l("Outcome"), validators=[DataRequired()])
    summary = TextAreaField(
        _l("Summary of the result for the inventor"),
        validators=[DataRequired(), Length(max=10000)],
        render_kw={"rows": 4},
    )
    hours_spent = FiniteDecimalField(
        _l("Hours spent"),
        places=2,
        validators=[
            InputRequired(),
            NumberRange(min=MIN_HOURS, max=MAX_HOURS, message=HOURS_RANGE),
        ],
    )
    documents_cited = IntegerField(
        _l("Documents cited"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
    )
    files = MultipleFileField(_l("Report file"), description=FILES_HELP)
    submit = _submit(Action.COMPLETE)


class DeclineForm(ActionForm):
    action = Action.DECLINE
    text = TextAreaField(
        _l("Reason for declining"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.DECLINE)


class WithdrawForm(ActionForm):
    action = Action.WITHDRAW
    text = TextAreaField(
        _l("Why are you withdrawing? (optional)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.WITHDRAW)


class ReopenForm(ActionForm):
    action = Action.REOPEN
    text = TextAreaField(
        _l("Reason for reopening"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.REOPEN)


_CHOOSE_A_RATING = _l("Choose a rating from 1 to 5.")


class RateForm(ActionForm):
    action = Action.RATE
    rating = RadioField(
        _l("Your rating"),
        coerce=int,
        choices=options((n, RATING_MEANINGS[n]) for n in range(5, 0, -1)),
        validators=[InputRequired(message=_CHOOSE_A_RATING)],
        # A crafted post ("abc", "9"): the same words, not WTForms' "could not coerce".
        invalid_value_message=_CHOOSE_A_RATING,
        invalid_choice_message=_CHOOSE_A_RATING,
    )
    text = TextAreaField(
        _l("Comment (optional)"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    submit = _submit(Action.RATE)


class RecordFilingForm(ActionForm):
    action = Action.RECORD_FILING
    ip_right = SelectField(_l("IP right"), validators=[DataRequired()])
    office = SelectField(_l("Office"), validators=[DataRequired()])
    application_number = StringField(
        _l("Application number"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("As the office gave it, e.g. 2026/0123.1."),
    )
    filed_on = DateField(_l("Filing date"), validators=[InputRequired()])
    submit = _submit(Action.RECORD_FILING)


class CloseNoAnswerForm(ActionForm):
    action = Action.CLOSE_NO_ANSWER
    text = TextAreaField(
        _l("Reason, for the inventor"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The inventor is told how to reopen the request by answering."),
        render_kw={"rows": 2},
    )
    submit = _submit(Action.CLOSE_NO_ANSWER)


class ResumeForm(ActionForm):
    action = Action.RESUME
    text = TextAreaField(
        _l("Your answer to the centre's question"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l(
            "Your request goes back to the centre. The time spent waiting for your answer "
            "does not count against its deadline."
        ),
        render_kw={"rows": 4},
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.RESUME)


class FollowUpForm(ActionForm):
    action = Action.FOLLOW_UP
    text = TextAreaField(
        _l("Your question about the result"),
        validators=[DataRequired(), Length(max=10000)],
        render_kw={"rows": 3},
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.FOLLOW_UP)


class AnswerForm(ActionForm):
    action = Action.ANSWER
    text = TextAreaField(
        _l("Answer to the inventor's question"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("To do more work instead, reopen the request."),
        render_kw={"rows": 4},
    )
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    submit = _submit(Action.ANSWER)


class ResolveForm(ActionForm):
    action = Action.RESOLVE
    submit = _submit(Action.RESOLVE)


class LinkDuplicateForm(ActionForm):
    action = Action.LINK_DUPLICATE
    flag = HiddenField(validators=[DataRequired()])
    text = TextAreaField(
        _l("Note for the inventor (optional)"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    submit = _submit(Action.LINK_DUPLICATE)


class DismissDuplicateForm(ActionForm):
    action = Action.DISMISS_DUPLICATE
    flag = HiddenField(validators=[DataRequired()])
    text = TextAreaField(
        _l("Why they differ (internal, optional)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = _submit(Action.DISMISS_DUPLICATE)


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        AssignForm, TransferForm, StartForm, AskForm, ReplyForm, MessageForm, NoteForm,
        CompleteForm, DeclineForm, WithdrawForm, ReopenForm, RateForm, RecordFilingForm,
        CloseNoAnswerForm, ResumeForm, FollowUpForm, AnswerForm, ResolveForm,
        LinkDuplicateForm, DismissDuplicateForm,
    )
}  # fmt: skip

# Forms decided from a request's duplicate flags, shown with each flag rather than
# among the other actions.
FLAG_FORMS = frozenset({Action.LINK_DUPLICATE, Action.DISMISS_DUPLICATE})

# Where a saved reply may be inserted: the action and the field that takes it.
REPLY_FIELDS: dict[Action, str] = {
    Action.ASK: "text",
    Action.MESSAGE: "text",
    Action.ANSWER: "text",
    Action.COMPLETE: "summary",
}
