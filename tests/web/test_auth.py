"""Registration, signing in and out, sessions that end when they must."""

import pytest
import sqlalchemy as sa

from tests.factories import login
from tisc.extensions import db
from tisc.models import User


def register(client, **changes):
    return register_to(client, "/register", **changes)


def register_to(client, url: str, **changes):
    data = {"name": "Әлия Нұрланқызы", "email": "Aliya@Example.KZ", "password": "қауіпсіз-құпиясөз",
            "confirm": "қауіпсіз-құпиясөз",
            "requester_category": "startup_sme"} | changes  # fmt: skip
    return client.post(url, data=data)


def test_an_inventor_registers_and_lands_on_the_request_form(client, app):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/requests/new"
    assert client.get("/requests/new").status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.name, user.email, user.role) == (
            "Әлия Нұрланқызы",
            "aliya@example.kz",
            "inventor",
        )
        assert user.password_hash != "қауіпсіз-құпиясөз"
        assert user.requester_category == "startup_sme"
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "aliya@example.kz", "password": "қауіпсіз-құпиясөз"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid e-mail address."),
        ({"password": "short", "confirm": "short"}, "Use between 10 and 200 characters."),
        ({"confirm": "something else"}, "The passwords differ."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_registrations_are_refused_on_the_field(client, app, changes, message):
    response = register(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_registration_says_every_problem_at_once_and_keeps_what_was_typed(client, make):
    make.user(email="taken@example.kz")
    page = client.get("/register").get_data(as_text=True)
    # The rule is there before any mistake.
    assert "At least 10 characters, and not easy to guess" in page
    response = register(client, name="", email="taken@example.kz", password="short",
                        confirm="different")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("This field is required.", "already exists",
                    "Use between 10 and 200 characters.", "The passwords differ."):  # fmt: skip
        assert message in page, message
    assert 'value="taken@example.kz"' in page
    assert "short" not in page.split("<main", 1)[1] and "different" not in page


def test_the_error_summary_links_each_error_to_its_field(client):
    page = register(client, name="", password="short").get_data(as_text=True)
    summary = page.split("data-form-problems", 1)[1].split("</div>", 1)[0]
    assert '<a href="#name" class="alert-link">Full name</a>: This field is required.' in summary
    assert '<a href="#password" class="alert-link">Password</a>' in summary
    assert 'href="#email"' not in summary and "csrf" not in summary


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/login", {"email": "username", "password": "current-password"}),
     ("/register", {"name": "name", "email": "email", "password": "new-password",
                    "confirm": "new-password"}),
     ("/password/forgot", {"email": "email"})],
)  # fmt: skip
def test_password_managers_can_tell_the_fields_apart(client, path, expected):
    page = client.get(path).get_data(as_text=True)
    for name, value in expected.items():
        assert f'name="{name}"' in page, (path, name)
        field = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
        assert f'autocomplete="{value}"' in field, (path, name)


def test_an_unusable_address_and_a_short_password_are_said_together(client):
    response = register(client, email="not-an-address", password="short", confirm="short")
    page = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in page
    assert "Use between 10 and 200 characters." in page
    assert 'value="not-an-address"' in page


def test_an_address_registers_once(client, make):
    make.user(email="aliya@example.kz")
    response = register(client)
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_wrong_passwords_and_unknown_addresses_get_the_same_answer(client, make):
    person = make.user()
    wrong = client.post("/login", data={"email": person.email, "password": "nope nope nope"})
    unknown = client.post("/login", data={"email": "nobody@tisc-test.kz", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)
    # Said of the pair, not of the password field: which one is wrong is not told.
    assert 'id="password-error"' not in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        "nobody@tisc-test.kz", person.email
    )


def test_deactivated_accounts_cannot_sign_in(client, make):
    person = make.user()
    with make.app.app_context():
        db.session.execute(sa.update(User).values(active=False))
        db.session.commit()
    response = client.post("/login", data={"email": person.email, "password": person.password})
    assert response.status_code == 400
    # Its owner, with the right password, is told why and whom to ask; a wrong password
    # still tells nobody whether the account exists or is deactivated.
    assert "This account is deactivated. Ask the national office" in response.get_data(True)
    wrong = client.post("/login", data={"email": person.email, "password": "not-the-password"})
    assert wrong.status_code == 400 and "deactivated" not in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in


def test_signing_out_needs_a_post(client, make):
    login(client, make.user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_changing_the_password_signs_out_other_sessions(make, app):
    person = make.user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, person)
    login(phone, person)
    response = laptop.post(
        "/account/password",
        data={"current_password": person.password, "new_password": "a brand new secret",
              "confirm": "a brand new secret"},
    )  # fmt: skip
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_a_wrong_current_password_changes_nothing(make, client):
    person = make.user()
    login(client, person)
    response = client.post(
        "/account/password",
        data={"current_password": "wrong password", "new_password": "a brand new secret",
              "confirm": "a brand new secret"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "That is not your current password." in response.get_data(as_text=True)
    client.post("/logout")
    assert (
        client.post("/login", data={"email": person.email, "password": person.password}).status_code
        == 302
    )


def test_the_current_password_is_no_new_one(make, client):
    person = make.user()
    login(client, person)
    response = client.post("/account/password", data={
        "current_password": person.password, "new_password": person.password,
        "confirm": person.password,
    })  # fmt: skip
    assert response.status_code == 400
    assert "Choose a password other than your current one." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # not signed out: nothing changed


def test_a_short_new_password_is_told_as_at_sign_up(make, client):
    """Not WTForms' "Field must be between 10 and 200 characters long"."""
    person = make.user()
    login(client, person)
    response = client.post("/account/password", data={
        "current_password": person.password, "new_password": "short", "confirm": "short",
    })  # fmt: skip
    assert response.status_code == 400
    assert "Use between 10 and 200 characters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, make, target):
    person = make.user()
    response = client.post(
        f"/login?next={target}", data={"email": person.email, "password": person.password}
    )
    assert response.headers["Location"] == "/requests"  # the inventor's own page instead


def test_registering_from_the_sign_in_page_keeps_where_the_visitor_was_going(client):
    # "Request a service at this centre" → sign in → "Register as an inventor".
    chosen = "/requests/new?service=prior_art_search&centre=kbtu"
    page = client.get("/login", query_string={"next": chosen}).get_data(as_text=True)
    link = "/register?next=/requests/new?service%3Dprior_art_search%26centre%3Dkbtu"
    assert f'href="{link}"' in page
    assert 'href="/login?next=' in client.get(link).get_data(as_text=True)  # and back
    assert register_to(client, link).headers["Location"] == chosen


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_registering_with_a_next_never_leaves_the_site(client, target):
    response = register_to(client, f"/register?next={target}")
    assert response.headers["Location"] == "/requests/new"


@pytest.mark.parametrize(
    ("role", "home"), [("inventor", "/requests"), ("staff", "/desk"), ("coordinator", "/office")]
)
def test_each_role_lands_where_it_works_unless_next_says_otherwise(client, make, role, home):
    person = make.user(role, centre="kbtu" if role == "staff" else None)
    data = {"email": person.email, "password": person.password}
    assert client.post("/login", data=data).headers["Location"] == home
    assert client.get("/login").headers["Location"] == home  # signed in already
    client.post("/logout")
    assert client.post("/login?next=/map", data=data).headers["Location"] == "/map"


def test_profile_saves_name_and_language(client, make):
    person = make.user()
    login(client, person)
    response = client.post("/account", data={"name": "Нұрлан Ермекұлы", "locale": "ru"})
    assert response.status_code == 302
    with make.app.app_context():
        user = db.session.get(User, person.id)
        assert (user.name, user.locale) == ("Нұрлан Ермекұлы", "ru")
    assert client.post("/account", data={"name": "X", "locale": "de"}).status_code == 400


def test_a_name_s_bidirectional_controls_are_taken_out(client, make):
    """A right-to-left override reversed the words after the name on the timeline's line;
    isolates come pasted, invisible, with names from some messengers."""
    person = make.user()
    login(client, person)
    name = "\u2068x \u202eعربي\u202c Әлі\u2069"
    assert client.post("/account", data={"name": name, "locale": "kk"}).status_code == 302
    with make.app.app_context():
        assert db.session.get(User, person.id).name == "x عربي Әлі"


GUESSABLE = ["aaaaaaaaaa", "1234567890", "qwertyuiop", "password123", "Password2024"]


@pytest.mark.parametrize("password", GUESSABLE)
def test_common_and_guessable_passwords_are_refused(client, app, password):
    response = register(client, password=password, confirm=password)
    assert response.status_code == 400
    assert "too easy to guess" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_password_made_of_ones_own_name_is_refused(client):
    response = register(client, name="Zhanibek Serikbayev", email="zhanibek@example.kz",
                        password="Serikbayev1990!", confirm="Serikbayev1990!")  # fmt: skip
    assert response.status_code == 400 and "too easy to guess" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "password",
    ["dana.kim.qa3@example.org", "Dana Kim Nurlanovna", "DanaKimNurlanovna2026"],
)
def test_a_password_that_is_ones_address_or_whole_name_is_refused(client, password):
    """With only the parts of each, zxcvbn rated these "very unguessable"."""
    response = register(client, name="Dana Kim Nurlanovna", email="dana.kim.qa3@example.org",
                        password=password, confirm=password)  # fmt: skip
    assert response.status_code == 400 and "too easy to guess" in response.get_data(as_text=True)


def test_a_guessable_new_password_is_refused_on_the_account_page(client, make):
    person = make.user()
    login(client, person)
    response = client.post(
        "/account/password",
        data={"current_password": person.password, "new_password": "aaaaaaaaaa",
              "confirm": "aaaaaaaaaa"},
    )  # fmt: skip
    assert response.status_code == 400 and "too easy to guess" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/register", "/account"])
def test_the_password_rule_is_said_before_any_error(client, make, path):
    if path == "/account":
        login(client, make.user())
    page = client.get(path).get_data(as_text=True)
    assert "not easy to guess" in page


# zxcvbn refuses more than 72 characters; a passphrase may have up to 200.
LONG_PASSPHRASE = ("степь ветер облако река " * 10)[:200]


@pytest.mark.parametrize("length", [72, 73, 200])
def test_a_long_passphrase_is_welcome_when_registering_and_changing(client, app, make, length):
    passphrase = LONG_PASSPHRASE[:length]
    response = register(client, password=passphrase, confirm=passphrase)
    assert response.status_code == 302
    person = make.user()
    client.post("/logout")
    login(client, person)
    response = client.post(
        "/account/password",
        data={"current_password": person.password, "new_password": passphrase[::-1],
              "confirm": passphrase[::-1]},
    )  # fmt: skip
    assert response.status_code == 302
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": person.email, "password": passphrase[::-1]}
        ).status_code
        == 302
    )


def test_a_passphrase_longer_than_the_form_takes_is_refused_with_a_message(client, app):
    too_long = LONG_PASSPHRASE + "x"
    response = register(client, password=too_long, confirm=too_long)
    assert response.status_code == 400
    assert "200" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_account_page_puts_the_api_last_for_those_who_need_it(client, make):
    """An inventor comes for their profile, notices and password: the API is for programs."""
    login(client, make.user())
    page = client.get("/account").get_data(as_text=True)
    assert page.index('id="profile-heading"') < page.index('id="sessions-heading"')
    assert page.index('id="sessions-heading"') < page.index('href="/account/tokens"')
    assert page.count('href="/account/tokens"') == 1


def test_a_name_pasted_with_a_tab_is_kept_on_one_line(client, make):
    person = make.user()
    login(client, person)
    response = client.post("/account", data={"name": "Нұрлан\tЕрмекұлы", "locale": "ru"})
    assert response.status_code == 302
    with make.app.app_context():
        assert db.session.get(User, person.id).name == "Нұрлан Ермекұлы"


def test_a_search_with_a_tab_in_it_is_a_search(client, make):
    """What a search holds is written nowhere: no one-line rule for it."""
    login(client, make.user("staff", centre="kbtu"))
    assert client.get("/desk?q=TISC%092026").status_code == 200
    assert client.get("/centres?q=univ%07ersity").status_code == 200  # even a bell
