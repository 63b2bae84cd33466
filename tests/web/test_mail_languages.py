"""Every kind of e-mail, in Kazakh, Russian and English: subject, recipient, language,
link, and no confidential text where it must not be."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from babel.support import Translations

from tests.factories import COMPLETION
from tests.mail import link_in, outbox, path_of
from tisc.domain.notifications import Kind
from tisc.extensions import db
from tisc.mail.compose import SAME_FOR_EVERY_RECIPIENT, render
from tisc.models import DuplicateFlag, OutboxMessage, ServiceRequest
from tisc.services import accounts, filing_followups, followups, notifications

SECRET = "SECRET-DESCRIPTION-OF-THE-INVENTION"
ENGLISH_SUBJECT_WORDS = re.compile(r"\b(your|request|the|password|address|invited)\b", re.I)


def every_kind_of_message(make, locale: str) -> dict:
    """Cause every notification and account message, with everyone speaking ``locale``."""
    people = {
        "inventor": make.user("inventor", locale=locale),
        "staff": make.user("staff", centre="kbtu", locale=locale),
        "colleague": make.user("staff", centre="kbtu", locale=locale),
        "nu": make.user("staff", centre="nazarbayev-university", locale=locale),
    }
    inventor, staff, colleague = people["inventor"], people["staff"], people["colleague"]
    first = make.request(inventor, description=SECRET, title="Тақырып ә ғ қ")
    make.act(staff, first, "assign", assignee_id=colleague.id)
    make.act(colleague, first, "start")
    make.act(colleague, first, "ask", text="Сұрақ?")
    make.act(inventor, first, "reply", text="Жауап.")
    make.act(colleague, first, "message", text="Хабар.")
    make.act(colleague, first, "complete", **COMPLETION)
    make.act(colleague, first, "reopen", text="Қайта.")
    second = make.request(inventor, description=SECRET)
    make.act(staff, second, "transfer", centre_id=make.centre_id("nazarbayev-university"),
             text="Мамандар.")  # fmt: skip
    third = make.request(inventor, description=SECRET)
    make.act(staff, third, "decline", text="Жоқ.")
    fourth = make.request(inventor, description=SECRET)
    make.act(staff, fourth, "assign", assignee_id=colleague.id)
    make.act(inventor, fourth, "withdraw")
    references = [first, second, third, fourth] + loose_ends(make, people)
    with make.app.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == first)
            .values(due_at=datetime.now(UTC) - timedelta(days=1))
        )
        db.session.commit()
        notifications.queue_digests(datetime.now(UTC).date())
        accounts.request_password_reset(inventor.email)
        unconfirmed = db.session.get(accounts.User, inventor.id)
        unconfirmed.email_verified_at = None  # as after registering
        db.session.commit()
        accounts.resend_confirmation(unconfirmed)
        invited = accounts.create_user(
            "Дана", f"dana.{locale}@tisc-test.kz", accounts.Role.STAFF, "pbkdf2:sha256:1000",
            centre_slug="kbtu", locale=locale,
        ).id  # fmt: skip
        accounts.request_email_change(
            db.session.get(accounts.User, inventor.id),
            inventor.password,
            f"new.{locale}@tisc-test.kz",
        )
        accounts.request_email_change(
            db.session.get(accounts.User, inventor.id), inventor.password, colleague.email
        )
    fifth = make.request_in("completed", inventor, staff)
    with make.app.app_context():
        later = datetime.now(UTC) + timedelta(days=93)  # three months after completion
        filing_followups.queue_filing_followups(later.date(), later)
        db.session.commit()
    references.append(fifth)
    return {"people": people, "invited_id": invited, "references": references}


def loose_ends(make, people) -> list[str]:
    """Issue 14's messages: reminder, closed unanswered, reopened by the inventor, question
    and answer after completion, closed as a duplicate, invitation to rate."""
    inventor, staff = people["inventor"], people["staff"]
    waiting = make.request_in("awaiting_inventor", inventor, staff, description=SECRET)
    abandoned = make.request_in("awaiting_inventor", inventor, staff, description=SECRET)
    make.act(staff, abandoned, "close_no_answer", text="Жауап жоқ.")
    make.act(inventor, abandoned, "resume", text="Міне жауап.")
    done = make.request_in("completed", inventor, staff, description=SECRET)
    make.act(inventor, done, "follow_up", text="Неге?")
    make.act(staff, done, "answer", text="Себебі.")
    duplicate = make.request(inventor, title="Жылу сақтайтын кірпіш", description=SECRET)
    kept = make.request(inventor, title="Кірпіштің жылу сақтауы", description=SECRET)
    now = datetime.now(UTC)
    with make.app.app_context():
        flag = db.session.scalar(sa.select(DuplicateFlag.id))
        long_ago = now - timedelta(days=40)
        for reference, values in ((waiting, {"awaiting_since": long_ago}),
                                  (done, {"closed_at": now - timedelta(days=5)})):  # fmt: skip
            db.session.execute(
                sa.update(ServiceRequest)
                .where(ServiceRequest.reference == reference)
                .values(**values)
            )
        db.session.commit()
        followups.chase_unanswered(now.date(), now, make.policy)  # the reminder
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == waiting)
            .values(reminded_at=long_ago)
        )
        followups.chase_unanswered(now.date(), now, make.policy)  # closed unanswered
        followups.invite_ratings(now.date(), now)
        db.session.commit()
    make.act(staff, duplicate, "link_duplicate", flag_id=flag)
    return [waiting, abandoned, done, duplicate, kept]


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_every_message_in_every_language(make, locale):
    world = every_kind_of_message(make, locale)
    messages = outbox(make.app)
    kinds = {m.kind for m in messages}
    missing = {k.value for k in Kind} - kinds - {Kind.EMAIL_CHANGED.value}  # needs the link opened
    assert not missing, missing
    translations = Translations.load("tisc/translations", [locale])
    for message in messages:
        assert message.locale == locale, message.kind
        assert f'<html lang="{locale}">' in message.body_html
        assert SECRET not in message.body_text and SECRET not in message.body_html, message.kind
        # A date that ends in an abbreviation ends the sentence with one full stop.
        assert not re.search(r"\w\.\.(\s|$)", message.body_text), (message.kind, message.body_text)
        link = link_in(message)
        assert link.startswith("http://127.0.0.1:5000/"), message.kind
        if message.request_id:
            reference = next(r for r in world["references"] if r in message.subject)
            assert path_of(link).split("?")[0] == f"/requests/{reference}", message.kind
        if locale != "en":
            assert not ENGLISH_SUBJECT_WORDS.search(message.subject), (
                message.kind,
                message.subject,
            )
            footer = translations.gettext(
                "You can choose which e-mails you receive on your account page."
            )
            assert footer in message.body_text
        else:
            assert "You can choose which e-mails you receive" in message.body_text


def test_what_is_said_alike_reads_the_same_whoever_receives_it(make):
    """A batch renders a notice to a centre's staff once per language: each kind so
    rendered must read the same to anyone else - of another centre, another name - which
    a message of one's own does not."""
    every_kind_of_message(make, "kk")
    someone_else = make.user(
        "staff", centre="atyrau-university", locale="kk", name="Басқа Қызметкер"
    )
    shared, own = set(), set()
    with make.app.app_context(), db.session.no_autoflush:
        for message in outbox(make.app):
            to_someone_else = OutboxMessage(
                kind=message.kind, recipient_id=someone_else.id, to_address=someone_else.email,
                request_id=message.request_id, context=message.context,
            )  # fmt: skip
            render(to_someone_else)
            texts = [(m.subject, m.body_text, m.body_html) for m in (message, to_someone_else)]
            if Kind(message.kind) in SAME_FOR_EVERY_RECIPIENT:
                assert texts[0] == texts[1], message.kind
                shared.add(Kind(message.kind))
            elif texts[0] != texts[1]:
                own.add(Kind(message.kind))
    assert shared == SAME_FOR_EVERY_RECIPIENT
    assert {Kind.PASSWORD_RESET, Kind.VERIFY_EMAIL, Kind.INVITATION} <= own  # the person
    assert {Kind.NEW_COLLEAGUE, Kind.DAILY_DIGEST} <= own  # the person's centre


def test_staff_never_get_the_description_and_coordinators_get_no_request_mail(make):
    coordinator = make.user("coordinator")
    every_kind_of_message(make, "kk")
    for message in outbox(make.app):
        assert message.to_address != coordinator.email
        assert SECRET not in message.body_text


def test_links_in_account_messages_work(make, app):
    world = every_kind_of_message(make, "ru")
    client = app.test_client()
    (invitation,) = outbox(app, kind="invitation")
    assert client.get(path_of(link_in(invitation))).status_code == 200
    reset = outbox(app, kind="password_reset")[0]
    assert client.get(path_of(link_in(reset))).status_code == 200
    confirmation = outbox(app, kind="verify_email")[-1]
    assert client.get(path_of(link_in(confirmation))).status_code == 302
    change = outbox(app, kind="confirm_email_change")[0]
    assert change.to_address == "new.ru@tisc-test.kz"
    assert client.get(path_of(link_in(change))).status_code == 302
    (changed,) = outbox(app, kind="email_changed")
    assert changed.to_address == world["people"]["inventor"].email
    assert "new.ru@tisc-test.kz" in changed.body_text
