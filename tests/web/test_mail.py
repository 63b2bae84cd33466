"""E-mail through the pages: delivery after the response, languages, failures, account links."""

import re

import itsdangerous
import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION, login
from tests.mail import link_in, outbox, path_of
from tisc.domain.notifications import KIND_NAMES, Kind
from tisc.extensions import db
from tisc.mail.smtp import mail
from tisc.models import Delivery, OutboxMessage, User

SECRET = "SECRET-DESCRIPTION"


@pytest.fixture
def smtp(app, monkeypatch):
    """A configured mail server; Flask-Mail records instead of sending (TESTING)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.tisc-test.kz")
    with mail.record_messages() as sent:
        yield sent


def test_a_post_delivers_its_messages_after_the_response(world, as_, smtp):
    version = world.make.row(world.reference)["version"]
    response = as_("staff").post(
        f"/requests/{world.reference}/message",
        data={"message-version": version, "message-text": "Сәлеметсіз бе!"},
    )
    assert response.status_code == 302
    response.close()
    delivered = [m for m in smtp if "a new message from the centre" in m.subject]
    assert len(delivered) == 1
    assert delivered[0].recipients == [world.people["inventor"].email]
    assert "Сәлеметсіз бе!" in delivered[0].body
    assert f"http://127.0.0.1:5000/requests/{world.reference}" in delivered[0].body
    assert delivered[0].html and "Сәлеметсіз бе!" in delivered[0].html


def test_without_a_mail_server_messages_are_kept_and_readable_in_the_mailbox(world, as_, make):
    make.act(world.people["staff"], world.reference, "message", text="Hello from KBTU")
    messages = outbox(make.app, kind="message_from_centre")
    assert [m.delivery for m in messages] == [Delivery.KEPT]
    page = as_("inventor").get("/account/mailbox").get_data(as_text=True)
    assert "Hello from KBTU" in page
    # Each message marked with its own language, whatever the page's.
    assert re.search(r'<div class="card-body" lang="(kk|ru|en)">', page)
    assert world.reference in page
    assert as_("staff").get("/account/mailbox").get_data(as_text=True).count("Hello from KBTU") == 0


def test_the_mailbox_page_is_gone_when_a_mail_server_is_configured(world, as_, smtp):
    assert as_("inventor").get("/account/mailbox").status_code == 404


def test_a_failing_mail_server_leaves_the_action_done_and_the_message_queued(
    world, as_, app, monkeypatch, smtp
):
    def refuse(message):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "send", refuse)
    version = world.make.row(world.reference)["version"]
    response = as_("staff").post(
        f"/requests/{world.reference}/decline",
        data={"decline-version": version, "decline-text": "Out of scope", "decline-confirmed": "y"},
    )
    response.close()
    assert response.status_code == 302
    assert world.make.row(world.reference)["status"] == "declined"
    declined = outbox(app, kind="declined")
    assert [(m.delivery, m.attempts) for m in declined] == [(Delivery.FAILED, 1)]
    assert "smtp down" in declined[0].last_error

    monkeypatch.undo()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.tisc-test.kz")
    with mail.record_messages() as sent:
        result = app.test_cli_runner().invoke(args=["tisc", "send-mail"])
    assert result.output.startswith("Sent 3,") and "failed 0" in result.output
    assert [world.people["inventor"].email] in [m.recipients for m in sent]
    assert outbox(app, kind="declined")[0].delivery == Delivery.SENT


@pytest.mark.parametrize(
    ("locale", "subject"),
    [("en", "your request has been received"), ("kk", None), ("ru", None)],
)
def test_messages_are_rendered_in_the_recipients_language(make, locale, subject):
    inventor = make.user(locale=locale)
    reference = make.request(inventor)
    (received,) = outbox(make.app, kind="request_received")
    assert received.locale == locale
    assert received.subject.startswith(reference)
    assert f'<html lang="{locale}">' in received.body_html
    if subject:
        assert subject in received.subject


def test_no_message_carries_the_description_and_the_coordinator_gets_no_request_mail(world, make):
    staff, inventor = world.people["staff"], world.people["inventor"]
    reference = make.request_in("in_progress", inventor, staff, description=SECRET)
    make.act(staff, reference, "ask", text="Question?")
    make.act(inventor, reference, "reply", text="Answer.")
    make.act(staff, reference, "complete", **COMPLETION)
    messages = outbox(make.app)
    assert len(messages) >= 6
    for message in messages:
        assert SECRET not in message.body_text and SECRET not in message.body_html
        assert message.to_address != world.people["coordinator"].email


def test_forgotten_password_answers_the_same_for_unknown_addresses(world, client, app):
    known = client.post("/password/forgot", data={"email": world.people["inventor"].email})
    unknown = client.post("/password/forgot", data={"email": "nobody@tisc-test.kz"})
    assert known.status_code == unknown.status_code == 302
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "If an account uses" in known_page
    resets = outbox(app, kind="password_reset")
    assert [m.to_address for m in resets] == [world.people["inventor"].email]


def test_a_reset_link_sets_the_password_once(world, client, app):
    person = world.people["inventor"]
    client.post("/password/forgot", data={"email": person.email})
    path = path_of(link_in(outbox(app, kind="password_reset")[0]))
    assert client.get(path).status_code == 200
    new = {"password": "новый-пароль-2026", "confirm": "новый-пароль-2026"}
    assert client.post(path, data=new).status_code == 302
    assert (
        client.post("/login", data={"email": person.email, "password": new["password"]}).status_code
        == 302
    )
    client.post("/logout")
    reused = client.post(path, data={"password": "third-password-1", "confirm": "third-password-1"})
    assert reused.status_code == 400
    assert "already been used" in reused.get_data(as_text=True)
    opened_again = client.get(path)  # says so at once, rather than offer a form to refuse
    assert opened_again.status_code == 400 and 'name="password"' not in opened_again.get_data(True)
    assert "already been used" in opened_again.get_data(as_text=True)


def test_reset_links_expire_and_forgeries_are_refused(world, client, app, monkeypatch):
    client.post("/password/forgot", data={"email": world.people["inventor"].email})
    path = path_of(link_in(outbox(app, kind="password_reset")[0]))
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.get(forged).status_code == 400
    assert "This link is not valid." in client.get(forged).get_data(as_text=True)
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: real(self) + 2 * 3600
    )
    expired = client.get(path)
    assert expired.status_code == 400
    page = expired.get_data(as_text=True)
    assert "This link has expired" in page
    # Said as what it is, with the way on: a new link (not only "Go to the home page").
    assert '<h1 class="h3">This link cannot be used</h1>' in page
    assert 'href="/password/forgot">Ask for a new link</a>' in page


@pytest.mark.parametrize(
    ("purpose", "route", "way_on"),
    [("invite", "/invitation/", 'href="/password/forgot">Ask for a new link</a>'),
     ("verify", "/verify/", 'href="/account">Your account</a>'),
     ("email", "/email/confirm/", 'href="/account">Your account</a>')],
)  # fmt: skip
def test_a_link_that_cannot_be_used_shows_the_way_on(world, client, app, purpose, route, way_on):
    forged = itsdangerous.URLSafeTimedSerializer("not our key", salt=f"tisc.{purpose}").dumps({})
    page = client.get(route + forged)
    assert page.status_code == 400
    assert "This link cannot be used" in page.get_data(as_text=True)
    assert way_on in page.get_data(as_text=True)


# Signed with the application's own key (an older release's link, or one made by hand):
# the signature is good, the payload not one the app makes. ME stands for the person's id.
ME = "<the person's id>"
ODD_PAYLOADS = [
    {"user": "x", "version": 1},
    {"user": True, "version": 1},
    {"user": 2**80, "version": 1},
    {"user": 0, "version": 1},
    {"user": ME},
    {"user": ME, "version": 1, "email": "a@b.kz"},
    {"user": ME, "version": [1]},
    {"user": ME, "version": "1"},
    ["user", 1],
    "user",
]


@pytest.mark.parametrize("payload", ODD_PAYLOADS, ids=repr)
@pytest.mark.parametrize(
    ("purpose", "route", "method"),
    [
        ("reset", "/password/reset/", "post"),
        ("invite", "/invitation/", "post"),
        ("verify", "/verify/", "get"),
        ("email", "/email/confirm/", "get"),
    ],
)
def test_a_signed_link_with_a_payload_the_app_never_makes_is_not_valid(
    world, client, app, payload, purpose, route, method
):
    """Answers 400 "not valid" and changes nothing, never a 500."""
    person = world.people["inventor"]
    if isinstance(payload, dict) and payload.get("user") is ME:
        payload = {**payload, "user": person.id}
    token = itsdangerous.URLSafeTimedSerializer(app.secret_key, salt=f"tisc.{purpose}").dumps(
        payload
    )
    before = _account(app, person.id)
    new = {"password": "новый-пароль-2026", "confirm": "новый-пароль-2026"}
    answer = getattr(client, method)(route + token, **({"data": new} if method == "post" else {}))
    assert answer.status_code == 400
    assert "This link is not valid." in answer.get_data(as_text=True)
    assert _account(app, person.id) == before


def _account(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.email, user.email_verified_at, user.password_hash, user.session_version


def test_an_invited_staff_member_chooses_their_own_password(world, as_, app):
    client = as_("coordinator")
    client.post(
        "/office/staff",
        data={"name": "Дана", "email": "dana@tisc-test.kz", "role": "staff", "centre": "kbtu"},
    )
    (invitation,) = outbox(app, kind="invitation")
    assert invitation.to_address == "dana@tisc-test.kz"
    assert "Kazakh-British Technical University" in invitation.body_text
    path = path_of(link_in(invitation))
    assert path.startswith("/invitation/")
    newcomer = app.test_client()
    newcomer.post(path, data={"password": "dana-secret-2026", "confirm": "dana-secret-2026"})
    response = newcomer.post(
        "/login", data={"email": "dana@tisc-test.kz", "password": "dana-secret-2026"}
    )
    assert response.status_code == 302
    assert newcomer.get("/desk").status_code == 200


def test_registration_sends_a_confirmation_and_staff_see_unconfirmed_addresses(client, app, make):
    registered = client.post(
        "/register",
        data={"name": "Ерлан", "email": "erlan@tisc-test.kz", "password": "erlan-secret-1",
              "confirm": "erlan-secret-1", "requester_category": "student"},
        follow_redirects=True,
    )  # fmt: skip
    assert "we have sent to erlan@tisc-test.kz" in registered.get_data(as_text=True)
    client.post(
        "/requests/new",
        data={"service": "prior_art_search", "title": "T", "description": "D",
              "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y"},
    )  # fmt: skip
    staff = make.user("staff", centre="kbtu")
    staff_client = app.test_client()
    login(staff_client, staff)
    with app.app_context():
        reference = db.session.scalar(sa.text("SELECT reference FROM service_requests"))
    assert "address not confirmed" in staff_client.get(f"/requests/{reference}").get_data(True)
    (confirmation,) = outbox(app, kind="verify_email")
    assert client.get(path_of(link_in(confirmation))).status_code == 302
    assert "address not confirmed" not in staff_client.get(f"/requests/{reference}").get_data(True)


def test_changing_the_email_needs_the_password_and_a_confirmation(world, as_, app):
    person = world.people["inventor"]
    client = as_("inventor")
    wrong = client.post(
        "/account/email", data={"email": "new@tisc-test.kz", "password": "nope nope"}
    )
    assert wrong.status_code == 400
    assert outbox(app, kind="confirm_email_change") == []
    client.post("/account/email", data={"email": "New@Tisc-Test.kz", "password": person.password})
    (confirm,) = outbox(app, kind="confirm_email_change")
    assert confirm.to_address == "new@tisc-test.kz"
    path = path_of(link_in(confirm))
    assert client.get(path).status_code == 302
    with app.app_context():
        assert db.session.get(User, person.id).email == "new@tisc-test.kz"
    (notice,) = outbox(app, kind="email_changed")
    assert notice.to_address == person.email
    assert client.get(path).status_code == 400  # used
    # Whoever did not make the change is sent to the office's contacts, not to a password
    # reset, which would now go to the new address.
    assert path_of(link_in(notice)) == "/centres/niip"
    assert "national office" in notice.body_text and "reset" not in notice.body_text.lower()


def test_people_choose_their_notifications(world, as_, make):
    client = as_("staff")
    page = client.get("/account").get_data(as_text=True)
    assert "A new request arrives at my centre" in page
    assert "My request is completed" not in page
    response = client.post("/account/notifications", data={"enabled": ["inventor_replied"]})
    assert response.status_code == 302
    with make.app.app_context():
        muted = db.session.get(User, world.people["staff"].id).muted_notifications
    assert "new_request" in muted and "inventor_replied" not in muted
    before = len(outbox(make.app, kind="new_request"))
    make.request(world.people["inventor"])
    after = outbox(make.app, kind="new_request")[before:]
    assert after == []  # KBTU's only staff member muted it
    assert client.post("/account/notifications", data={"enabled": ["completed"]}).status_code == 400


def test_the_header_counts_requests_changed_since_last_looked(world, as_, make):
    client = as_("inventor")
    client.get(f"/requests/{world.reference}")
    badge = re.compile(r"(\d+) requests? changed since you last looked")
    assert not badge.search(client.get("/requests").get_data(as_text=True))
    make.act(world.people["staff"], world.reference, "message", text="News")
    page = client.get("/requests").get_data(as_text=True)
    assert badge.search(page)[1] == "1"
    assert ">Unread<" in page
    # The number is said once: the badge's digit is hidden from a screen reader, which
    # reads the sentence (it read "My requests 1 1 request changed…").
    assert '<span aria-hidden="true">1</span><span class="visually-hidden"> 1 request' in page
    client.get(f"/requests/{world.reference}")
    assert not badge.search(client.get("/requests").get_data(as_text=True))
    make.act(world.people["staff"], world.reference, "note", text="internal")
    assert not badge.search(client.get("/requests").get_data(as_text=True))


def test_staff_count_the_open_requests_assigned_to_them_that_changed(world, as_, make):
    staff, inventor = world.people["staff"], world.people["inventor"]
    make.act(staff, world.reference, "assign", assignee_id=staff.id)
    client = as_("staff")
    client.get(f"/requests/{world.reference}")
    badge = re.compile(r"(\d+) requests? changed since you last looked")
    assert not badge.search(client.get("/desk").get_data(as_text=True))
    make.act(inventor, world.reference, "message", text="A question")
    assert badge.search(client.get("/desk").get_data(as_text=True))[1] == "1"
    make.act(inventor, world.reference, "withdraw")  # closed: no longer followed
    assert not badge.search(client.get("/desk").get_data(as_text=True))


def test_outbox_rows_commit_with_the_action(world, make, app):
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert count == 2  # the submission: receipt to the inventor, news to KBTU's one staff member


def test_a_reopened_request_s_message_gives_the_reason_and_promises_no_fresh_date(make):
    """A reopening keeps the request's own due date (moved by the time it was closed), which
    may have passed: the message must not say "now due by" it."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request(inventor)
    make.act(staff, reference, "assign", assignee_id=staff.id)
    make.act(staff, reference, "start")
    make.act(staff, reference, "complete", **COMPLETION)
    make.act(staff, reference, "reopen", text="Ещё один пункт формулы.")
    (reopened,) = outbox(make.app, kind="reopened")
    assert "has reopened your request to work on it again" in reopened.body_text
    assert "Ещё один пункт формулы." in reopened.body_text
    assert "due" not in reopened.body_text.lower()


def test_without_a_mail_server_the_office_is_told_e_mails_are_kept_not_delivered(world, as_, app):
    kept = outbox(app)  # the submission's two messages, delivered without a mail server
    assert {m.delivery for m in kept} == {Delivery.KEPT} and all(m.sent_at is None for m in kept)
    page = as_("coordinator").get("/office/mail").get_data(as_text=True)
    assert "delivered" not in page.replace("Undelivered", "")
    assert "No mail server is set up, so e-mails are kept in the outbox, not sent." in page
    assert "2 e-mails have been kept so far, the latest on " in page
    assert "MAIL_SERVER" in page and "tisc outbox --to" in page  # what the office can do
    assert "No e-mail has failed." in page


def test_with_a_mail_server_the_office_is_told_which_were_kept_and_when_mail_last_went(
    world, as_, app, smtp
):
    """Messages kept before the server was set up are never sent: said so, with when the
    latest was kept, beside when the latest e-mail really went."""
    outbox(app)
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(delivery=Delivery.KEPT))
        db.session.commit()
    client = as_("coordinator")
    page = client.get("/office/mail").get_data(as_text=True)
    assert "2 e-mails were kept, not sent, because no mail server was set up" in page
    assert "No e-mail has been sent yet." in page and "No mail server is set up" not in page
    world.make.act(world.people["staff"], world.reference, "message", text="Hello")
    outbox(app)
    page = client.get("/office/mail").get_data(as_text=True)
    assert "The latest e-mail was sent on " in page and "2 e-mails were kept" in page


def test_failed_e_mails_are_listed_by_kind_name_in_a_table_that_becomes_cards_on_a_phone(
    world, as_, app
):
    outbox(app)
    with app.app_context():
        first, second = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
        first.kind, first.delivery, first.attempts = "invitation", Delivery.GAVE_UP, 10
        second.kind, second.delivery, second.attempts = "new_colleague", Delivery.FAILED, 2
        first.last_error = second.last_error = "SMTPRecipientsRefused: mailbox unavailable"
        db.session.commit()
    page = as_("coordinator").get("/office/mail").get_data(as_text=True)
    table = re.search(r'<table class="([^"]*)"[^>]*>([\s\S]*?)</table>', page)
    assert "Invitation to the network" in table[2] and "New colleague at the centre" in table[2]
    assert "invitation<" not in table[2] and "new_colleague" not in table[2]
    assert "list-table" in table[1].split()
    cells = re.findall(r"<td[^>]*>", table[2])
    assert len(cells) == 2 * 6 and all("data-label=" in cell for cell in cells), cells
    assert set(KIND_NAMES) == set(Kind)  # every kind has its name, account messages too
