"""What each e-mail says, rendered in its recipient's language.

Every kind of message (:class:`~tisc.domain.notifications.Kind`) has a
composer here; :func:`render` fills an outbox row's subject and bodies from
``templates/emails/message.{txt,html}`` inside the recipient's locale. Nothing
here sends anything: :mod:`tisc.mail.delivery` does.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext

from tisc.domain.catalogue import N_, CentreKind
from tisc.domain.notifications import Kind
from tisc.domain.text import as_one_line
from tisc.domain.workflow import is_overdue
from tisc.extensions import db, policy
from tisc.formatting import (
    day,
    due,
    in_locale,
    one_full_stop,
    outcome_label,
    service_label,
    status_label,
)
from tisc.models import Centre, OutboxMessage, ServiceRequest, User
from tisc.tokens import make_token


@dataclass
class Email:
    subject: str
    paragraphs: list[str]
    quote: str = ""
    items: list[str] = field(default_factory=list)
    action_label: str = ""
    action_url: str = ""

    def __post_init__(self) -> None:
        # One line, whatever the names in it hold: a mail server refuses a line break there.
        self.subject = as_one_line(self.subject)


def link(endpoint: str, **values) -> str:
    """An absolute URL on the configured site (``TISC_BASE_URL``), outside any request."""
    base = urlsplit(current_app.config["TISC_BASE_URL"])
    urls = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return urls.build(endpoint, values, force_external=True)


def render(message: OutboxMessage) -> None:
    """Fill the message's subject and bodies in its recipient's language."""
    recipient = db.session.get(User, message.recipient_id)
    locale = _locale_of(recipient)
    service_request = (
        db.session.get(ServiceRequest, message.request_id) if message.request_id else None
    )
    with force_locale(locale):
        email = COMPOSERS[Kind(message.kind)](message, recipient, service_request)
        email.paragraphs = [one_full_stop(paragraph) for paragraph in email.paragraphs]
        email.items = [one_full_stop(item) for item in email.items]
        values = {"email": email, "recipient": recipient, "locale": locale}
        message.locale = locale
        message.subject = email.subject
        message.body_text = render_template("emails/message.txt", **values)
        message.body_html = render_template("emails/message.html", **values)


def said_alike(message: OutboxMessage) -> str | None:
    """What the messages that say the same word for word have in common - a notice to
    staff about a request, in one language - so that a batch renders it once (a new
    request tells every staff member of its centre); None for a message of its
    recipient's own."""
    if Kind(message.kind) not in SAME_FOR_EVERY_RECIPIENT:
        return None
    locale = _locale_of(db.session.get(User, message.recipient_id))
    return json.dumps([message.kind, message.request_id, locale, message.context], sort_keys=True)


def _locale_of(recipient: User | None) -> str:
    return (recipient.locale if recipient else None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def load_for_rendering(messages: list[OutboxMessage]) -> list:
    """Read the recipients, requests and centres of a batch of messages, one query each,
    so that rendering each message finds them in the session. Keep the returned list
    while rendering: the session holds unchanged objects only as long as someone does."""
    recipients = {m.recipient_id for m in messages if m.recipient_id}
    requests = {m.request_id for m in messages if m.request_id}
    loaded: list = [*_all(User, recipients), *_all(ServiceRequest, requests)]
    centres = {r.centre_id for r in loaded if isinstance(r, ServiceRequest)}
    centres |= {m.context.get("to_centre_id") for m in messages} - {None}
    return loaded + _all(Centre, centres)


def _all(model, ids: set[int]) -> list:
    return db.session.scalars(sa.select(model).where(model.id.in_(ids))).all() if ids else []


# --- what each kind of message says -------------------------------------------------


def _request_link(service_request: ServiceRequest) -> str:
    return link("requests.detail", reference=service_request.reference)


def _centre(centre_id: int | None) -> str:
    return in_locale(db.session.get(Centre, centre_id)) if centre_id else ""


def _about(service_request: ServiceRequest) -> str:
    return gettext(
        "Request %(reference)s, “%(title)s” (%(service)s).",
        reference=service_request.reference,
        title=service_request.title,
        service=service_label(service_request.service),
    )


def _inventor_message(subject: str, lead: str, quote_key: str | None = None):
    def compose(message, recipient, service_request):
        context = message.context
        subject_text = gettext(
            subject,
            reference=service_request.reference,
            centre=_centre(context.get("to_centre_id") or service_request.centre_id),
        )
        lead_text = gettext(
            lead,
            centre=_centre(context.get("to_centre_id") or service_request.centre_id),
            due=due(service_request.due_at),
        )
        quote = context.get("text", "") if quote_key == "text" else ""
        if quote_key == "outcome":
            quote = f"{outcome_label(service_request.outcome)}\n\n{service_request.outcome_summary}"
        label = gettext("Open your request")
        if message.kind == Kind.COMPLETED:
            label = gettext("See the result and rate the service")
        return Email(
            subject_text,
            [_about(service_request), lead_text],
            quote,
            action_label=label,
            action_url=_request_link(service_request),
        )

    return compose


def _staff_message(subject: str, lead: str, with_text: bool = False):
    def compose(message, recipient, service_request):
        centre = _centre(service_request.centre_id)
        return Email(
            gettext(subject, reference=service_request.reference, centre=centre),
            [
                _about(service_request),
                gettext(lead, centre=centre, due=due(service_request.due_at)),
            ],
            message.context.get("text", "") if with_text else "",
            action_label=gettext("Open the request"),
            action_url=_request_link(service_request),
        )

    return compose


def _reminder(message, recipient, service_request):
    paragraphs = [
        _about(service_request),
        gettext(
            "%(centre)s asked you a question and cannot go on without your answer.",
            centre=_centre(service_request.centre_id),
        ),
    ]
    if service_request.reminded_at is not None:
        paragraphs.append(
            gettext(
                "Without an answer by %(date)s the request will be closed; you could still "
                "reopen it afterwards.",
                date=due(policy().closing_due(service_request.reminded_at)),
            )
        )
    return Email(
        gettext("%(reference)s: the centre is still waiting for your answer",
                reference=service_request.reference),
        paragraphs,
        action_label=gettext("Answer the question"),
        action_url=_request_link(service_request),
    )  # fmt: skip


def _closed_no_answer(message, recipient, service_request):
    paragraphs = [
        _about(service_request),
        gettext(
            "%(centre)s has closed your request: the question it asked you was not answered.",
            centre=_centre(service_request.centre_id),
        ),
    ]
    if service_request.closed_at is not None:
        paragraphs.append(
            gettext(
                "To reopen it, answer the question on the request's page by %(date)s: it goes "
                "back to the centre, and the time spent waiting for your answer does not "
                "count against its deadline.",
                date=day(policy().reopen_until(service_request.closed_at)),
            )
        )
    return Email(
        gettext("%(reference)s: closed without your answer", reference=service_request.reference),
        paragraphs,
        message.context.get("text", ""),
        action_label=gettext("Answer and reopen"),
        action_url=_request_link(service_request),
    )


def _closed_as_duplicate(message, recipient, service_request):
    kept = service_request.duplicate_of
    other = kept.reference if kept is not None else ""
    return Email(
        gettext("%(reference)s: closed as a duplicate of %(other)s",
                reference=service_request.reference, other=other),
        [
            _about(service_request),
            gettext(
                "The same invention is handled in your request %(other)s at %(centre)s; the "
                "centres go on with that one only.",
                other=other, centre=_centre(kept.centre_id if kept else None),
            ),
        ],
        message.context.get("text", ""),
        action_label=gettext("Open your request"),
        action_url=_request_link(service_request),
    )  # fmt: skip


def _rating_invitation(message, recipient, service_request):
    return Email(
        gettext("%(reference)s: please rate the service", reference=service_request.reference),
        [
            _about(service_request),
            gettext(
                "%(centre)s completed your request on %(date)s. A rating from one to five stars "
                "helps the centre and the national office improve the service; it takes a minute.",
                centre=_centre(service_request.centre_id),
                date=day(service_request.closed_at),
            ),
        ],
        action_label=gettext("Rate the service"),
        action_url=_request_link(service_request),
    )


def _digest(message, recipient, service_request):
    ids = message.context.get("request_ids", [])
    now = datetime.fromisoformat(message.context["now"])
    rows = db.session.scalars(
        sa.select(ServiceRequest).where(ServiceRequest.id.in_(ids)).order_by(ServiceRequest.due_at)
    ).all()
    overdue = [r for r in rows if is_overdue(r.status, r.due_at, now)]
    items = [
        gettext(
            "%(reference)s — %(title)s — %(status)s — due %(due)s",
            reference=r.reference,
            title=r.title,
            status=status_label(r.status),
            due=due(r.due_at),
        )
        + (" — " + gettext("OVERDUE") if r in overdue else "")
        for r in rows
    ]
    centre = in_locale(recipient.centre)
    when = day(date.fromisoformat(message.context["day"]))
    return Email(
        gettext("%(centre)s: overdue and soon-due requests, %(day)s", centre=centre, day=when),
        [
            ngettext("%(num)d request is overdue.", "%(num)d requests are overdue.", len(overdue)),
            ngettext(
                "%(num)d request is due within two days.",
                "%(num)d requests are due within two days.",
                len(rows) - len(overdue),
            ),
        ],
        items=items,
        action_label=gettext("Open the desk"),
        action_url=link("desk.queue", overdue="y") if overdue else link("desk.queue"),
    )


def _filing_followup(message, recipient, service_request):
    months = message.context.get("months", 3)
    return Email(
        gettext("%(reference)s: did you file an application?", reference=service_request.reference),
        [
            _about(service_request),
            ngettext(
                "%(num)d month ago %(centre)s completed your request.",
                "%(num)d months ago %(centre)s completed your request.",
                months,
                centre=_centre(service_request.centre_id),
            ),
            gettext(
                "Have you filed an application for a patent, a utility model, an industrial "
                "design or a trademark since? Tell us with the link below: it takes a minute "
                "and shows what the network's help achieves."
            ),
            gettext(
                "We ask at most three times. To stop these reminders, switch them off on your "
                "account page."
            ),
        ],
        action_label=gettext("Report a filing"),
        action_url=link("requests.detail", reference=service_request.reference, do="record_filing")
        + "#action-record_filing",
    )


def _verify(message, recipient, service_request):
    token = make_token("verify", {"user": recipient.id, "email": recipient.email})
    return Email(
        gettext("Confirm your e-mail address"),
        [
            gettext("Welcome to TISC Network, %(name)s.", name=recipient.name),
            gettext("Please confirm that this address is yours. The link is valid for 7 days."),
        ],
        action_label=gettext("Confirm my address"),
        action_url=link("auth.verify_email", token=token),
    )


def _reset(message, recipient, service_request):
    token = make_token("reset", {"user": recipient.id, "version": recipient.session_version})
    return Email(
        gettext("Reset your password"),
        [
            gettext(
                "Someone, hopefully you, asked to reset the password of your TISC Network account."
            ),
            gettext(
                "The link is valid for one hour and works once. "
                "If you did not ask, ignore this message."
            ),
        ],
        action_label=gettext("Choose a new password"),
        action_url=link("auth.reset_password", token=token),
    )


def _invitation(message, recipient, service_request):
    token = make_token("invite", {"user": recipient.id, "version": recipient.session_version})
    where = (
        in_locale(recipient.centre)
        if recipient.centre
        else gettext("the National Institute of Intellectual Property")
    )
    return Email(
        gettext("You are invited to TISC Network"),
        [
            gettext(
                "Hello %(name)s, an account has been created for you at %(centre)s. Choose "
                "your own password to sign in; the link is valid for 7 days.",
                name=recipient.name,
                centre=where,
            ),
        ],
        action_label=gettext("Choose my password"),
        action_url=link("auth.accept_invitation", token=token),
    )


def _confirm_change(message, recipient, service_request):
    token = make_token(
        "email",
        {"user": recipient.id, "old": recipient.email, "new": message.context["new_email"]},
    )
    return Email(
        gettext("Confirm your new e-mail address"),
        [
            gettext(
                "You asked to use this address for your TISC Network account. "
                "The link is valid for one day."
            )
        ],
        action_label=gettext("Confirm the new address"),
        action_url=link("auth.confirm_email", token=token),
    )


def _changed(message, recipient, service_request):
    return Email(
        gettext("Your e-mail address was changed"),
        [
            gettext(
                "The address of your TISC Network account is now %(email)s.",
                email=message.context["new_email"],
            ),
            # Not "reset your password": a reset now goes to the new address, whoever's it is.
            gettext(
                "If you did not make this change, someone else may be using your account: "
                "tell the national office at once. Its contacts are on its page."
            ),
        ],
        action_label=gettext("Contact the national office"),
        action_url=_office_page(),
    )


def _office_page() -> str:
    slug = db.session.scalar(sa.select(Centre.slug).where(Centre.kind == CentreKind.COORDINATOR))
    return link("public.centre", slug=slug) if slug else link("public.home")


def _new_colleague(message, recipient, service_request):
    centre = in_locale(recipient.centre) if recipient.centre else ""
    return Email(
        gettext("A new colleague at %(centre)s", centre=centre),
        [
            gettext(
                "The national office has moved %(name)s to %(centre)s. "
                "They will see the centre's requests as you do.",
                name=message.context.get("name", ""),
                centre=centre,
            )
            if message.context.get("moved")
            else gettext(
                "The national office has created an account for %(name)s at %(centre)s. "
                "They will see the centre's requests as you do.",
                name=message.context.get("name", ""),
                centre=centre,
            ),
            gettext("If you do not know this person, tell the national office."),
        ],
        action_label=gettext("Open the desk"),
        action_url=link("desk.queue"),
    )


def _in_use(message, recipient, service_request):
    return Email(
        gettext("Someone tried to use your e-mail address"),
        [
            gettext(
                "Someone asked to move another TISC Network account to this address, which "
                "your account already uses. Nothing has changed."
            ),
            gettext(
                "If it was you, sign in with this address instead. If not, you need do "
                "nothing; you may want to choose a new password."
            ),
        ],
        action_label=gettext("Sign in"),
        action_url=link("auth.login"),
    )


COMPOSERS = {
    Kind.REQUEST_RECEIVED: _inventor_message(
        N_("%(reference)s: your request has been received"),
        N_("%(centre)s will handle it. The answer is due by %(due)s."),
    ),
    Kind.QUESTION: _inventor_message(
        N_("%(reference)s: the centre has a question for you"),
        N_("%(centre)s needs your answer to go on; the clock is paused until you reply."),
        "text",
    ),
    Kind.MESSAGE_FROM_CENTRE: _inventor_message(
        N_("%(reference)s: a new message from the centre"),
        N_("%(centre)s has written to you."),
        "text",
    ),
    Kind.TRANSFERRED: _inventor_message(
        N_("%(reference)s: your request has moved to %(centre)s"),
        N_("Your request is now handled by %(centre)s. The reason given:"),
        "text",
    ),
    Kind.COMPLETED: _inventor_message(
        N_("%(reference)s: your request is completed"),
        N_("%(centre)s has completed your request:"),
        "outcome",
    ),
    Kind.DECLINED: _inventor_message(
        N_("%(reference)s: your request was declined"),
        N_("%(centre)s could not take on your request. The reason given:"),
        "text",
    ),
    Kind.REOPENED: _inventor_message(
        N_("%(reference)s: your request is reopened"),
        # No due date: a reopened request keeps its own, moved by the time it was closed
        # (possibly passed already), not a fresh one.
        N_("%(centre)s has reopened your request to work on it again. The reason given:"),
        "text",
    ),
    Kind.REMINDER: _reminder,
    Kind.CLOSED_NO_ANSWER: _closed_no_answer,
    Kind.CLOSED_AS_DUPLICATE: _closed_as_duplicate,
    Kind.ANSWERED: _inventor_message(
        N_("%(reference)s: the centre has answered your question"),
        N_("%(centre)s has answered your question about the result:"),
        "text",
    ),
    Kind.RATING_INVITATION: _rating_invitation,
    Kind.RESUMED: _staff_message(
        N_("%(reference)s: the inventor reopened the request"),
        N_(
            "The inventor answered after the request was closed; it is back in the queue of "
            "%(centre)s, due by %(due)s. The inventor wrote:"
        ),
        with_text=True,
    ),
    Kind.QUESTION_AFTER_COMPLETION: _staff_message(
        N_("%(reference)s: a question about the result"),
        N_("The inventor asks about the completed request:"),
        with_text=True,
    ),
    Kind.NEW_REQUEST: _staff_message(
        N_("%(reference)s: a new request for %(centre)s"),
        N_("It is waiting in the queue of %(centre)s, due by %(due)s."),
    ),
    Kind.INVENTOR_REPLIED: _staff_message(
        N_("%(reference)s: the inventor has answered"),
        N_("The inventor wrote:"),
        with_text=True,
    ),
    Kind.ASSIGNED_TO_YOU: _staff_message(
        N_("%(reference)s: assigned to you"),
        N_("A colleague has assigned this request to you. It is due by %(due)s."),
    ),
    Kind.WITHDRAWN: _staff_message(
        N_("%(reference)s: the inventor withdrew the request"),
        N_("No more work is needed on it."),
        with_text=True,
    ),
    Kind.DAILY_DIGEST: _digest,
    Kind.FILING_FOLLOWUP: _filing_followup,
    Kind.VERIFY_EMAIL: _verify,
    Kind.PASSWORD_RESET: _reset,
    Kind.INVITATION: _invitation,
    Kind.CONFIRM_EMAIL_CHANGE: _confirm_change,
    Kind.EMAIL_CHANGED: _changed,
    Kind.EMAIL_IN_USE: _in_use,
    Kind.NEW_COLLEAGUE: _new_colleague,
}


# Their composers read the request, the event and the language, never the recipient (a
# test renders each for someone else and compares).
SAME_FOR_EVERY_RECIPIENT = frozenset(
    {
        Kind.RESUMED,
        Kind.QUESTION_AFTER_COMPLETION,
        Kind.NEW_REQUEST,
        Kind.INVENTOR_REPLIED,
        Kind.ASSIGNED_TO_YOU,
        Kind.WITHDRAWN,
    }
)
