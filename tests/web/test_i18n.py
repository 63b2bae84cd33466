"""Kazakh, Russian and English: locale choice, every main page in each, plurals, formats."""

import html
import re

import pytest
from babel.support import Translations

from tests.factories import login
from tests.mail import outbox
from tisc.extensions import db
from tisc.models import Centre, User

TRANSLATIONS = "tisc/translations"


def translated(locale: str, english: str) -> str:
    return Translations.load(TRANSLATIONS, [locale]).gettext(english)


def lang_of(page: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', page)[1]


PAGES = {
    "anonymous": ["/", "/centres", "/centres/kbtu", "/map", "/login", "/register",
                  "/password/forgot"],
    "inventor": ["/requests", "/requests/new", "/requests/{ref}", "/account", "/account/mailbox"],
    "staff": ["/desk", "/requests/{ref}"],
    "coordinator": ["/office", "/office/requests/{ref}", "/office/coverage", "/office/centres",
                    "/office/staff", "/office/centres/new"],
}  # fmt: skip
# A string each page shows, to check it is in the page's language.
SHOWN = {"anonymous": "Centres", "inventor": "My requests", "staff": "Desk",
         "coordinator": "Coverage"}  # fmt: skip


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_every_main_page_speaks_the_chosen_language(world, as_, make, role, locale):
    client = as_(role)
    client.post("/locale", data={"locale": locale, "next": "/"})
    expected = translated(locale, SHOWN[role])
    if locale != "en":
        assert expected != SHOWN[role], "the catalogue lacks this string"
    for path in PAGES[role]:
        response = client.get(path.format(ref=world.reference))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert lang_of(page) == locale, path
        assert expected in page, (path, expected)
        if locale == "kk":
            # No English left in the navigation and footer of a Kazakh page.
            assert "Sign out" not in page and "A network of Technology" not in page, path


def test_out_of_the_box_the_default_is_kazakh(app):
    from tests.conftest import settings_for
    from tisc import create_app

    settings = settings_for(app.config["SQLALCHEMY_DATABASE_URI"])
    del settings["BABEL_DEFAULT_LOCALE"]  # the tests' own default is English
    plain = create_app(settings)
    page = plain.test_client().get("/").get_data(as_text=True)
    with plain.app_context():
        db.engine.dispose()
    assert lang_of(page) == "kk"
    assert translated("kk", "Find a centre") in page


def test_the_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(True)
    assert lang_of(page) == "ru"
    assert "Найти центр" in page


def test_the_switcher_works_signed_out_and_beats_the_browser(client):
    response = client.post("/locale", data={"locale": "en", "next": "/centres?q=x"})
    assert response.headers["Location"] == "/centres?q=x"
    page = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert lang_of(page) == "en"
    assert (
        client.post("/locale", data={"locale": "xx", "next": "https://evil.example"}).headers[
            "Location"
        ]
        == "/"
    )


def test_the_switcher_signed_in_saves_the_choice_in_the_account(app, make):
    person = make.user(locale="kk")
    first = app.test_client()
    login(first, person)
    first.post("/locale", data={"locale": "ru", "next": "/"})
    with app.app_context():
        assert db.session.get(User, person.id).locale == "ru"
    other_device = app.test_client()
    login(other_device, person)
    page = other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "ru"


def test_a_language_chosen_before_signing_in_is_kept_once(app, make):
    """English chosen on the sign-in page gave way to the account's Russian the moment the
    person signed in; a choice made signed out is carried into the account, once."""
    person = make.user(locale="ru")
    client = app.test_client()
    client.post("/locale", data={"locale": "en", "next": "/login"})
    signed_in = {"email": person.email, "password": person.password}
    assert client.post("/login", data=signed_in).status_code == 302
    assert lang_of(client.get("/").get_data(as_text=True)) == "en"
    with app.app_context():
        assert db.session.get(User, person.id).locale == "en"
    # Changed to Kazakh on another device since: signing in here again keeps Kazakh.
    with app.app_context():
        db.session.get(User, person.id).locale = "kk"
        db.session.commit()
    client.post("/logout")
    assert client.post("/login", data=signed_in).status_code == 302
    assert lang_of(client.get("/").get_data(as_text=True)) == "kk"


def test_a_language_chosen_before_registering_is_not_carried_again(app, make):
    """Registering signs in too: the choice went into the new account, and must not come
    back at a later sign-in to overrule a language chosen since."""
    client = app.test_client()
    client.post("/locale", data={"locale": "ru", "next": "/register"})
    details = {"name": "Ali", "email": "ali@tisc-test.kz", "password": "correct horse battery",
               "confirm": "correct horse battery", "requester_category": "student"}  # fmt: skip
    assert client.post("/register", data=details).status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "ali@tisc-test.kz"))
        assert user.locale == "ru"
        user.locale = "en"  # chosen on another device since
        db.session.commit()
    client.post("/logout")
    signed_in = {"email": "ali@tisc-test.kz", "password": "correct horse battery"}
    assert client.post("/login", data=signed_in).status_code == 302
    assert lang_of(client.get("/").get_data(as_text=True)) == "en"


def test_russian_plurals_are_real(client, make):
    make.centre("one-more", name="Екібастұз ТИҚО", city="Ekibastuz")
    client.post("/locale", data={"locale": "ru", "next": "/"})

    def found(query):
        page = client.get("/centres?" + query).get_data(as_text=True)
        return re.search(r'role="status">\s*([^<·]+)', page)[1].strip()

    assert found("q=Екібастұз") == "Найден 1 центр"
    assert found("language=en") == "Найдено 2 центра"  # KBTU and Nazarbayev University
    assert found("") == "Найдено 5 центров"


def test_numbers_and_dates_follow_the_locale(as_, world, make):
    client = as_("coordinator")
    client.post("/locale", data={"locale": "ru", "next": "/"})
    coverage = client.get("/office/coverage").get_data(as_text=True)
    assert "2\xa0347\xa0924" in coverage  # Almaty's population, grouped with no-break spaces
    client.post("/locale", data={"locale": "kk", "next": "/"})
    page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    # Babel's Kazakh medium date: "2026 ж. 25 қар." (a narrow no-break space after the year).
    assert re.search(r"\d{4}\u202fж\. \d{1,2} [а-яәғқңөұүһі]+\.", page), "a Kazakh date"
    client.post("/locale", data={"locale": "en", "next": "/"})
    page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    # English as read in Kazakhstan: the day first and a 24-hour clock, as in the lists.
    assert re.search(r">\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}</time>", page), "an English time"
    assert not re.search(r"\d (AM|PM)\b", page)


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_refusals_are_translated(as_, world, make, locale):
    client = as_("staff")
    client.post("/locale", data={"locale": locale, "next": "/"})
    version = make.row(world.reference)["version"]
    response = client.post(f"/requests/{world.reference}/decline",
                           data={"decline-version": version, "decline-text": ""})  # fmt: skip
    expected = translated(locale, "This field is required.") if locale == "en" else None
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="decline-text-error"' in page
    if expected:
        assert expected in page
    else:
        assert "This field is required." not in page


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_a_refusal_names_the_status_in_the_readers_language(as_, world, make, locale):
    client = as_("staff")
    client.post("/locale", data={"locale": locale, "next": "/"})
    version = make.row(world.reference)["version"]  # submitted: not started before it is taken
    response = client.post(f"/requests/{world.reference}/start", data={"start-version": version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    status = translated(locale, "Submitted")
    sentence = translated(locale, "This cannot be done while the request is “%(status)s”.")
    assert html.escape(sentence % {"status": status}, quote=False) in page
    assert locale == "en" or "Submitted" not in page


def test_kazakh_letters_round_trip_into_emails(make):
    inventor = make.user(locale="kk", name="Әлия Нұрланқызы")
    reference = make.request(inventor, title="Ғылыми құрылғы: ә ғ қ ң ө ұ ү һ і")
    (receipt,) = outbox(make.app, kind="request_received")
    assert receipt.locale == "kk"
    assert "Ғылыми құрылғы: ә ғ қ ң ө ұ ү һ і" in receipt.body_text
    assert "Ғылыми құрылғы: ә ғ қ ң ө ұ ү һ і" in receipt.body_html
    assert receipt.subject.startswith(reference)
    assert receipt.subject != f"{reference}: your request has been received"


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_centre_and_region_names_follow_the_language(client, locale):
    client.post("/locale", data={"locale": locale, "next": "/"})
    page = client.get("/centres?near=KZ-35").get_data(as_text=True)
    names = {"kk": "Академик Е. А. Бөкетов атындағы Қарағанды университеті",
             "ru": "Карагандинский университет имени академика Е. А. Букетова"}  # fmt: skip
    assert names[locale] in page
    assert {"kk": "Қарағанды", "ru": "Караганда"}[locale] in page


def test_a_missing_name_falls_back_sensibly(client, make):
    make.centre("only-russian", name_kk="", name_ru="Только по-русски", name_en="")
    client.post("/locale", data={"locale": "kk", "next": "/"})
    assert "Только по-русски" in client.get("/centres").get_data(as_text=True)


def test_a_text_shown_in_another_language_is_marked_with_it(client, make, app):
    """A Kazakh page showing a centre's Russian texts has them read by a Russian voice."""
    make.centre("only-russian", name_kk="", name_ru="Только по-русски", name_en="")
    with app.app_context():
        centre = db.session.scalar(db.select(Centre).where(Centre.slug == "only-russian"))
        centre.address_ru, centre.description_ru = "просп. Студенческий, 1", "Описание центра"
        db.session.commit()
    client.post("/locale", data={"locale": "kk", "next": "/"})
    page = client.get("/centres/only-russian").get_data(as_text=True)
    for text in ("Только по-русски", "просп. Студенческий, 1", "Описание центра"):
        assert f'<span lang="ru">{text}</span>' in page
    assert '<h1 class="h3"><span lang="ru">Только по-русски</span>' in page
    for path in ("/", "/centres", "/statistics"):
        assert '<span lang="ru">Только по-русски</span>' in client.get(path).get_data(as_text=True)
    # In Russian, nothing to mark; the Kazakh name of a city is not marked on a Kazakh page.
    client.post("/locale", data={"locale": "ru", "next": "/"})
    page = client.get("/centres/only-russian").get_data(as_text=True)
    assert "Только по-русски" in page and '<span lang="ru">Только' not in page


@pytest.mark.parametrize(
    ("who", "path"), [("coordinator", "/office/centres/new"), ("staff", "/desk/replies/new")]
)
def test_a_field_for_one_language_says_which(as_, who, path):
    """Spell-checking and speech follow the field's language, not the page's."""
    page = as_(who).get(path).get_data(as_text=True)
    fields = re.findall(r'<(?:input|textarea)[^>]*name="\w+_(?:kk|ru|en)"[^>]*>', page)
    assert len(fields) >= 3, path
    for tag in fields:
        code = re.search(r'name="\w+_(kk|ru|en)"', tag)[1]
        assert f'lang="{code}"' in tag, tag


def test_the_catalogues_labels_are_kept_per_language_never_mixed(app):
    """Labels are translated once per language and kept (events list 200 rows of them)."""
    from flask_babel import force_locale

    from tisc import formatting

    with app.test_request_context():
        for language, audience, event_format in (
            ("en", "Students", "Webinar"), ("kk", "Студенттер", "Вебинар"),
            ("ru", "Студенты", "Вебинар"), ("en", "Students", "Webinar"),
        ):  # fmt: skip
            with force_locale(language):
                assert formatting.audience_label("students") == audience
                assert formatting.event_format_label("webinar") == event_format


@pytest.mark.parametrize(
    ("who", "path", "labels", "not_meant"),
    [("coordinator", "/office/audit", ("From date", "To date"), ("From", "To")),
     ("inventor", "/account/tokens", ("Token name",), ("Name",))],
)  # fmt: skip
def test_labels_that_share_an_english_word_have_msgids_of_their_own(as_, who, path, labels,
                                                                    not_meant):  # fmt: skip
    # "From"/"To" are an address's origin and a recipient, "Name" a person's full name.
    client = as_(who)
    page = client.get(path).get_data(as_text=True)
    for label in labels:
        assert re.search(rf'<label class="form-label" for="\w+">{label}</label>', page), label
    for locale in ("kk", "ru"):
        client.post("/locale", data={"locale": locale, "next": "/"})
        page = client.get(path).get_data(as_text=True)
        for word in not_meant:
            wrong = translated(locale, word)
            assert not re.search(rf'<label class="form-label" for="\w+">{wrong}</label>', page)


def test_the_request_names_its_language_in_the_readers_language(world, as_):
    client = as_("staff")
    client.post("/locale", data={"locale": "ru", "next": "/"})
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    given = page.split("Предпочтительный язык</dt>", 1)[1].split("</dd>", 1)[0]
    assert given.endswith(translated("ru", "Kazakh")), given  # as its routing reason says it


@pytest.mark.parametrize(
    ("locale", "small", "large"),
    [("ru", "0,6 КБ", "1,5 МБ"), ("kk", "0,6 КБ", "1,5 МБ"), ("en", "0.6 KB", "1.5 MB")],
)
def test_a_file_s_size_is_in_the_reader_s_numbers_and_units(as_, world, make, locale, small,
                                                           large):  # fmt: skip
    from tests.factories import PDF
    from tisc.services.files import Upload

    big = PDF + b"%" * (3 * 1024 * 1024 // 2 - len(PDF))  # 1.5 MB
    make.act(world.people["inventor"], world.reference, "message", text="Файлдар",
             files=[Upload("small.pdf", PDF.ljust(600, b"%")), Upload("big.pdf", big)])  # fmt: skip
    client = as_("inventor")
    client.post("/locale", data={"locale": locale, "next": "/"})
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    assert f'small.pdf</a> <span class="small text-body-secondary">({small})' in page
    assert f'big.pdf</a> <span class="small text-body-secondary">({large})' in page


MARKED = {
    "/centres": ['<option value="kk" lang="kk">Қазақша</option>', '<span lang="ru">Русский</span>'],
    "/centres/kbtu": ['<dd class="col-sm-8"><span lang="kk">Қазақша</span>, <span lang="ru">'],
    "/account": ['<option value="kk" lang="kk">Қазақша</option>'],
    "/requests/new": ['<option value="ru" lang="ru">Русский</option>'],
}


@pytest.mark.parametrize("path", list(MARKED))
def test_a_language_named_in_itself_is_marked_as_that_language(world, as_, path):
    """A screen reader read "Қазақша" with an English voice on an English page (WCAG 3.1.2):
    every language's name is its own, in its own language."""
    client = as_("inventor")
    client.post("/locale", data={"locale": "en", "next": "/"})
    page = client.get(path).get_data(as_text=True)
    for marked in MARKED[path]:
        assert marked in page


@pytest.mark.parametrize(("path", "link"), [("/", "Centres offering it"),
                                            ("/centres/kbtu", "Ask this centre")])  # fmt: skip
def test_a_link_repeated_for_each_service_names_its_service(client, path, link):
    """A screen reader's list of links read "Ask this centre" nine times over."""
    client.post("/locale", data={"locale": "en", "next": "/"})
    page = client.get(path).get_data(as_text=True)
    named = re.findall(rf'>{link}<span class="visually-hidden">: ([^<]+)</span></a>', page)
    assert len(named) >= 3 and len(set(named)) == len(named), named
    assert len(named) == page.count(f">{link}<")  # every one of them
