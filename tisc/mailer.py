"""Rendering and sending the outbox, after the transaction that queued it.

Each message is rendered once, in its recipient's language, from
``templates/emails/message.{txt,html}``, then sent through Flask-Mail when a
mail server is configured, or kept in the outbox when none is (the
``/account/mailbox`` page shows it). A mail server that fails leaves the
message ``failed`` for ``flask --app wsgi tisc send-mail`` to retry; the
action that queued it is already committed and stays done.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request
from flask_babel import force_locale, gettext, ngettext
from flask_mail import Message

from tisc.domain.catalogue import N_
from tisc.domain.notifications import Kind
from tisc.extensions import db, mail
from tisc.models import Centre, Delivery, OutboxMessage, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case
from tisc.tokens import make_token
from tisc.web.templating import day, in_locale, outcome_label, service_label, status_label

log = logging.getLogger(__name__)
BATCH = 50
STUCK_AFTER = timedelta(minutes=10)  # a "sending" message older than this was interrupted


@dataclass
class Email:
    subject: str
    paragraphs: list[str]
    quote: str = ""
    items: list[str] = field(default_factory=list)
    action_label: str = ""
    action_url: str = ""


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    failed: int = 0


def init_app(app: Flask) -> None:
    """After a successful POST, deliver what it queued once the response has gone out."""

    @app.after_request
    def _deliver_after_response(response):
        if request.method == "POST" and response.status_code < 400:
            response.call_on_close(partial(_deliver_quietly, app))
        return response


def _deliver_quietly(app: Flask) -> None:
    with app.app_context():
        try:
            deliver()
        except Exception:  # the user's action is done; the CLI retries what is left
            log.exception("delivering the outbox after a response failed")


def link(endpoint: str, **values) -> str:
    """An absolute URL on the configured site (``TISC_BASE_URL``), outside any request."""
    base = urlsplit(current_app.config["TISC_BASE_URL"])
    urls = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return urls.build(endpoint, values, force_external=True)


def deliver(*, retry: bool = False, limit: int = BATCH) -> DeliveryReport:
    """Render and send queued messages; with ``retry``, failed and interrupted ones too."""
    ready = _deliverable(retry)
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(ready).order_by(OutboxMessage.id).limit(limit)
        )
    )
    db.session.commit()  # end the read before the writes below
    outcomes = Counter(_deliver_one(message_id, retry) for message_id in ids)
    return DeliveryReport(
        sent=outcomes[Delivery.SENT], kept=outcomes[Delivery.KEPT], failed=outcomes[Delivery.FAILED]
    )


def _deliverable(retry: bool):
    condition = OutboxMessage.delivery == Delivery.QUEUED
    if retry:
        interrupted = sa.and_(
            OutboxMessage.delivery == Delivery.SENDING,
            OutboxMessage.claimed_at < utcnow() - STUCK_AFTER,
        )
        condition = condition | (OutboxMessage.delivery == Delivery.FAILED) | interrupted
    return condition


@use_case
def _claim(message_id: int, retry: bool) -> bool:
    """Mark the message as being sent, unless another worker got there first."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _deliverable(retry))
        .values(delivery=Delivery.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


@use_case
def _rendered(message_id: int) -> Message:
    """The message ready for Flask-Mail, rendered now if it was not yet."""
    message = db.session.get(OutboxMessage, message_id)
    if message.subject is None:
        render(message)
    return Message(
        subject=message.subject,
        recipients=[message.to_address],
        body=message.body_text,
        html=message.body_html,
    )


@use_case
def _record(message_id: int, delivery: Delivery, error: str = "") -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.delivery = delivery
    message.last_error = error[:2000]
    if delivery is Delivery.SENT:
        message.sent_at = utcnow()


def _deliver_one(message_id: int, retry: bool) -> Delivery | None:
    if not _claim(message_id, retry):
        return None
    email = _rendered(message_id)
    if not current_app.config.get("MAIL_SERVER"):
        outcome, error = Delivery.KEPT, ""
    else:
        try:
            mail.send(email)
        except Exception as failure:  # any failure of the mail server leaves it for a retry
            log.warning("sending outbox message %s failed: %s", message_id, failure)
            outcome, error = Delivery.FAILED, f"{type(failure).__name__}: {failure}"
        else:
            outcome, error = Delivery.SENT, ""
    _record(message_id, outcome, error)
    return outcome


def render(message: OutboxMessage) -> None:
    """Fill the message's subject and bodies in its recipient's language."""
    recipient = db.session.get(User, message.recipient_id)
    locale = (recipient.locale if recipient else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    service_request = (
        db.session.get(ServiceRequest, message.request_id) if message.request_id else None
    )
    with force_locale(locale):
        email = COMPOSERS[Kind(message.kind)](message, recipient, service_request)
        values = {"email": email, "recipient": recipient, "locale": locale}
        message.locale = locale
        message.subject = email.subject
        message.body_text = render_template("emails/message.txt", **values)
        message.body_html = render_template("emails/message.html", **values)


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
            due=day(service_request.due_at),
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
                gettext(lead, centre=centre, due=day(service_request.due_at)),
            ],
            message.context.get("text", "") if with_text else "",
            action_label=gettext("Open the request"),
            action_url=_request_link(service_request),
        )

    return compose


def _digest(message, recipient, service_request):
    ids = message.context.get("request_ids", [])
    now = datetime.fromisoformat(message.context["now"])
    rows = db.session.scalars(
        sa.select(ServiceRequest).where(ServiceRequest.id.in_(ids)).order_by(ServiceRequest.due_at)
    ).all()
    overdue = [r for r in rows if r.due_at < now]
    items = [
        gettext(
            "%(reference)s — %(title)s — %(status)s — due %(due)s",
            reference=r.reference,
            title=r.title,
            status=status_label(r.status),
            due=day(r.due_at),
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
            gettext("If you did not do this, reset your password at once and contact us."),
        ],
        action_label=gettext("Reset my password"),
        action_url=link("auth.forgot_password"),
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
        N_("%(centre)s has reopened your request. The answer is now due by %(due)s."),
        "text",
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
    Kind.VERIFY_EMAIL: _verify,
    Kind.PASSWORD_RESET: _reset,
    Kind.INVITATION: _invitation,
    Kind.CONFIRM_EMAIL_CHANGE: _confirm_change,
    Kind.EMAIL_CHANGED: _changed,
}
