"""Sessions end when they must, on the server: a copied cookie is worth nothing after
sign-out, remember-me lasts 30 days at most, and one can sign out everywhere or one other
device, which the account page names as people do ("Safari on iPhone")."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import settings_for
from tests.factories import login
from tisc import create_app
from tisc.domain.errors import NotFound
from tisc.extensions import db
from tisc.models import AuditEntry, AuthSession, User
from tisc.services import schedule, sessions

CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
)


def sign_in(client, person, remember: bool = False, agent: str | None = None):
    data = {"email": person.email, "password": person.password}
    if remember:
        data["remember"] = "y"
    headers = {} if agent is None else {"User-Agent": agent}
    response = client.post("/login", data=data, headers=headers)
    assert response.status_code == 302
    return response


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, name
    return found.value


def test_a_copied_session_cookie_stops_working_after_sign_out(app, make):
    person = make.user()
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, person)
    thief.set_cookie("session", cookie(browser, "session"))
    assert thief.get("/account").status_code == 200
    browser.post("/logout")
    assert thief.get("/account").status_code == 302


def test_a_copied_remember_cookie_stops_working_after_sign_out(app, make):
    person = make.user()
    browser = app.test_client()
    sign_in(browser, person, remember=True)
    remembered = cookie(browser, "remember_token")
    before = app.test_client()
    before.set_cookie("remember_token", remembered)
    assert before.get("/account").status_code == 200  # the cookie alone signs in
    browser.post("/logout")
    after = app.test_client()
    after.set_cookie("remember_token", remembered)
    assert after.get("/account").status_code == 302


def test_remember_me_lasts_at_most_30_days(app, make):
    person = make.user()
    browser = app.test_client()
    response = sign_in(browser, person, remember=True)
    remember = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = datetime.strptime(
        remember.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert expires.replace(tzinfo=UTC) <= datetime.now(UTC) + timedelta(days=30, minutes=1)
    with app.app_context():
        row = db.session.scalars(
            sa.select(AuthSession).where(AuthSession.user_id == person.id)
        ).one()
        assert row.expires_at <= datetime.now(UTC) + timedelta(days=30, minutes=1)


@pytest.mark.parametrize("secure", [True, False])
def test_the_remember_cookie_is_secure_when_sessions_are(app, secure):
    settings = settings_for(app.config["SQLALCHEMY_DATABASE_URI"]) | {
        "SESSION_COOKIE_SECURE": secure
    }
    other = create_app(settings)
    with other.app_context():
        db.engine.dispose()
    assert other.config["REMEMBER_COOKIE_SECURE"] is secure
    assert other.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


def test_a_remembered_sign_in_ends_after_30_days_on_the_server(ctx, make):
    person = make.user()
    user = db.session.get(User, person.id)
    started = datetime.now(UTC) - timedelta(days=31)
    token = sessions.start(user, remember=True, now=started)
    assert sessions.load(token, now=started + timedelta(days=29)) is not None
    assert sessions.load(token) is None


def test_an_idle_session_ends_and_a_used_one_goes_on(ctx, make):
    person = make.user()
    user = db.session.get(User, person.id)
    started = datetime.now(UTC)
    token = sessions.start(user, remember=False, now=started)
    for hours in range(1, 24, 2):  # used every two hours all day long
        assert sessions.load(token, now=started + timedelta(hours=hours)) is not None
    assert sessions.load(token, now=started + timedelta(hours=23 + 9)) is None  # 9 idle hours


def test_signing_out_everywhere_ends_every_session_of_the_account(app, make):
    person = make.user()
    laptop, phone, other_person = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person, remember=True)
    login(other_person, make.user())
    page = laptop.get("/account").get_data(as_text=True)
    assert "Sign out everywhere" in page
    response = laptop.post("/account/sessions/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for browser in (laptop, phone):
        assert browser.get("/account").status_code == 302
    assert other_person.get("/account").status_code == 200
    sign_in(laptop, person)  # the password still works
    assert laptop.get("/account").status_code == 200


def test_a_new_session_version_ends_sessions_and_remembered_ones(app, make):
    """What a password change or a deactivation does to every browser of the account."""
    person = make.user()
    browser = app.test_client()
    sign_in(browser, person, remember=True)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", cookie(browser, "remember_token"))
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == person.id).values(session_version=99))
        db.session.commit()
    assert browser.get("/account").status_code == 302
    assert remembered.get("/account").status_code == 302


def test_ended_sessions_are_cleared_once_a_day(ctx, make):
    person = make.user()
    user = db.session.get(User, person.id)
    now = datetime.now(UTC)
    sessions.start(user, remember=False, now=now - timedelta(days=2))
    kept = sessions.start(user, remember=True, now=now - timedelta(days=2))
    assert schedule.run_due(make.policy, now=now)["expired_sessions"] == 1
    left = db.session.scalars(sa.select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert [row.token_hash for row in left] == [sessions.digest(kept)]


def test_hsts_is_sent_only_when_configured(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "TISC_HSTS_SECONDS", 31536000)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"


def session_of(app, agent: str) -> int:
    """The id of the session signed in from the browser that sent ``agent``."""
    with app.app_context():
        return db.session.scalars(
            sa.select(AuthSession.id).where(AuthSession.user_agent == agent)
        ).one()


def audited(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))
        db.session.expunge_all()
        return found


def ending_forms(page: str) -> list[str]:
    return re.findall(r'action="(/account/sessions/\d+/end)"', page)


def test_the_account_page_names_each_browser_and_system_not_the_header(app, make):
    person = make.user()
    laptop = app.test_client()
    sign_in(laptop, person, agent=CHROME_ON_LINUX)
    sign_in(app.test_client(), person, agent=SAFARI_ON_IPHONE)
    sign_in(app.test_client(), person, agent="")
    page = laptop.get("/account").get_data(as_text=True)
    for name in ("Chrome on Linux", "Safari on iPhone", "Unknown device"):
        assert f">{name}</strong>" in page, name
    # The header itself only as the name's title, for whoever wants the detail.
    assert page.count(CHROME_ON_LINUX) == 1 and f'title="{CHROME_ON_LINUX}"' in page


@pytest.mark.parametrize(
    ("locale", "names"),
    [("ru", ["Safari на iPhone", "Неизвестное устройство"]),
     ("kk", ["Safari (iPhone)", "Белгісіз құрылғы"])],
)  # fmt: skip
def test_the_devices_are_named_in_the_persons_language(app, make, locale, names):
    person = make.user(locale=locale)
    laptop = app.test_client()
    sign_in(laptop, person, agent="")
    sign_in(app.test_client(), person, agent=SAFARI_ON_IPHONE)
    page = laptop.get("/account").get_data(as_text=True)
    for name in names:
        assert f">{name}</strong>" in page, name


def test_signing_out_one_device_ends_that_session_and_no_other(app, make):
    person = make.user()
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, person, agent=CHROME_ON_LINUX)
    sign_in(phone, person, remember=True, agent=SAFARI_ON_IPHONE)
    sign_in(tablet, person, agent=FIREFOX_ON_WINDOWS)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", cookie(phone, "remember_token"))
    someone_else = app.test_client()
    sign_in(someone_else, make.user(), agent=SAFARI_ON_IPHONE + " (another)")
    phone_session = session_of(app, SAFARI_ON_IPHONE)
    # A form for each other device of this person; none for this browser.
    page = laptop.get("/account").get_data(as_text=True)
    assert sorted(ending_forms(page)) == sorted(
        f"/account/sessions/{session_of(app, agent)}/end"
        for agent in (SAFARI_ON_IPHONE, FIREFOX_ON_WINDOWS)
    )
    response = laptop.post(f"/account/sessions/{phone_session}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = laptop.get("/account").get_data(as_text=True)
    assert "“Safari on iPhone” is signed out." in page
    assert ending_forms(page) == [f"/account/sessions/{session_of(app, FIREFOX_ON_WINDOWS)}/end"]
    # The phone is signed out at its next request, its remember-me cookie with it.
    for browser in (phone, remembered):
        response = browser.get("/account")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for browser in (laptop, tablet, someone_else):
        assert browser.get("/account").status_code == 200
    [entry] = audited(app, "account.signed_out_device")
    assert (entry.actor_id, entry.target) == (person.id, f"user:{person.id}")
    assert entry.after == {"session": phone_session, "user_agent": SAFARI_ON_IPHONE}


# Each refused attempt changes nothing: no session ends, nothing is recorded.
REFUSED = {
    "another person's session": ("POST", "/account/sessions/{theirs}/end", 404),
    "a session that ended": ("POST", "/account/sessions/{ended}/end", 404),
    "an id that never was": ("POST", "/account/sessions/999999/end", 404),
    "an id beyond the database's integers": (
        "POST", "/account/sessions/99999999999999999999/end", 404
    ),
    "a negative id": ("POST", "/account/sessions/-1/end", 404),
    "an id that is no number": ("POST", "/account/sessions/phone/end", 404),
    "this browser's own session": ("POST", "/account/sessions/{mine}/end", 409),
    "a GET": ("GET", "/account/sessions/{phone}/end", 405),
}  # fmt: skip


@pytest.mark.parametrize(("method", "path", "status"), REFUSED.values(), ids=REFUSED.keys())
def test_signing_out_a_device_is_refused_where_it_must_be(app, make, method, path, status):
    person, other = make.user(), make.user()
    laptop, phone, theirs = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, person, agent=CHROME_ON_LINUX)
    sign_in(phone, person, agent=SAFARI_ON_IPHONE)
    sign_in(theirs, other, agent=FIREFOX_ON_WINDOWS)
    gone = app.test_client()
    sign_in(gone, person, agent="gone")
    ended = session_of(app, "gone")
    gone.post("/logout")
    path = path.format(
        theirs=session_of(app, FIREFOX_ON_WINDOWS),
        ended=ended,
        phone=session_of(app, SAFARI_ON_IPHONE),
        mine=session_of(app, CHROME_ON_LINUX),
    )
    response = laptop.open(path, method=method)
    assert response.status_code == status
    if status == 409:
        assert "This is the browser you are using" in response.get_data(as_text=True)
    for browser in (laptop, phone, theirs):
        assert browser.get("/account").status_code == 200
    assert audited(app, "account.signed_out_device") == []
    # The same browser may end its other device: what was refused was the attempt.
    assert (
        laptop.post(f"/account/sessions/{session_of(app, SAFARI_ON_IPHONE)}/end").status_code == 302
    )


def test_a_visitor_is_sent_to_sign_in_and_ends_no_session(app, make):
    person = make.user()
    phone = app.test_client()
    sign_in(phone, person, agent=SAFARI_ON_IPHONE)
    response = app.test_client().post(f"/account/sessions/{session_of(app, SAFARI_ON_IPHONE)}/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/account").status_code == 200
    assert audited(app, "account.signed_out_device") == []


def test_signing_out_a_device_without_the_form_token_is_refused(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    person = make.user()
    laptop, phone = app.test_client(), app.test_client()
    for browser, agent in ((laptop, CHROME_ON_LINUX), (phone, SAFARI_ON_IPHONE)):
        login_page = browser.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)[1]
        browser.post(
            "/login", headers={"User-Agent": agent},
            data={"email": person.email, "password": person.password, "csrf_token": token},
        )  # fmt: skip
    end = f"/account/sessions/{session_of(app, SAFARI_ON_IPHONE)}/end"
    assert laptop.post(end).status_code == 400
    assert phone.get("/account").status_code == 200
    page = laptop.get("/account").get_data(as_text=True)
    token = re.search(
        rf'action="{end}">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page
    )[1]
    assert laptop.post(end, data={"csrf_token": token}).status_code == 302
    assert phone.get("/account").status_code == 302


def test_a_session_that_expired_was_superseded_or_has_ended_is_not_found(ctx, make):
    person = make.user()
    user = db.session.get(User, person.id)
    expired = sessions.start(user, remember=False, now=datetime.now(UTC) - timedelta(days=1))
    superseded = sessions.start(user, remember=False)
    other, crossed = sessions.start(user, remember=False), sessions.start(user, remember=False)
    ids = {
        token: db.session.scalar(
            sa.select(AuthSession.id).where(AuthSession.token_hash == sessions.digest(token))
        )
        for token in (expired, superseded, other, crossed)
    }
    db.session.execute(  # begun before the account's sessions were last all ended
        sa.update(AuthSession)
        .where(AuthSession.id == ids[superseded])
        .values(user_version=user.session_version - 1)
    )
    db.session.commit()
    for gone in (expired, superseded):
        with pytest.raises(NotFound):
            sessions.sign_out_device(user, ids[gone], None)
    assert sessions.sign_out_device(user, ids[other], None).id == ids[other]
    with pytest.raises(NotFound):  # again
        sessions.sign_out_device(user, ids[other], None)
    # Two requests crossing (at PostgreSQL's READ COMMITTED): this one has read the row,
    # the other deletes it first.
    read = db.session.get(AuthSession, ids[crossed])
    db.session.commit()  # what it read is kept as read
    with db.engine.begin() as connection:
        connection.execute(sa.delete(AuthSession).where(AuthSession.id == ids[crossed]))
    with pytest.raises(NotFound):
        sessions.sign_out_device(user, read.id, None)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action == "account.signed_out_device")
    ).all()
    assert actions == ["account.signed_out_device"]
