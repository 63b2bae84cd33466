"""Public pages shared by every visitor of a language: rendered once, never personal."""

import pytest

from tests.factories import login
from tisc.web import shared_pages

PUBLIC = ["/", "/centres", "/centres/kbtu", "/map", "/centres?service=training", "/statistics"]


@pytest.fixture
def builds():
    """How many pages were rendered for the shared cache during the test."""
    shared_pages.pages.clear()
    start = shared_pages.pages.builds
    return lambda: shared_pages.pages.builds - start


@pytest.mark.parametrize("path", PUBLIC)
def test_visitors_get_the_same_page_rendered_once(client, app, builds, path):
    first = app.test_client().get(path, headers={"Accept-Language": "ru"})
    second = app.test_client().get(path, headers={"Accept-Language": "ru"})
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert builds() == 1
    assert "Set-Cookie" not in second.headers
    assert b"csrf_token" not in second.get_data()
    assert 'lang="ru"' in second.get_data(as_text=True)


def test_each_language_has_its_own_page(app, builds):
    kazakh = app.test_client().get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    english = app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="kk"' in kazakh and 'lang="en"' in english


def test_the_switcher_choice_of_a_visitor_picks_the_page_language(app, builds):
    visitor = app.test_client()
    visitor.post("/locale", data={"locale": "ru", "next": "/"})
    assert 'lang="ru"' in visitor.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_signed_in_people_never_get_or_leave_a_shared_page(app, make, builds):
    person = make.user("inventor", name="Ерлан Сатпаев")
    signed_in = app.test_client()
    login(signed_in, person)
    page = signed_in.get("/").get_data(as_text=True)
    assert "Ерлан Сатпаев" in page
    assert builds() == 0
    visitor = app.test_client().get("/").get_data(as_text=True)
    assert "Ерлан Сатпаев" not in visitor and "Sign in" in visitor


def test_a_flashed_message_is_shown_fresh_and_never_shared(app, make, builds):
    person = make.user("inventor")
    client = app.test_client()
    login(client, person)
    client.post("/logout")  # flashes "You are signed out."
    page = client.get("/").get_data(as_text=True)
    assert "You are signed out" in page
    assert builds() == 0
    assert "You are signed out" not in app.test_client().get("/").get_data(as_text=True)


def test_a_change_to_the_network_is_seen_at_once(app, make, builds):
    visitor = app.test_client()
    assert "Freshly Opened Centre" not in visitor.get("/centres").get_data(as_text=True)
    make.centre("fresh", name="Freshly Opened Centre")
    assert "Freshly Opened Centre" in visitor.get("/centres").get_data(as_text=True)


def test_a_kept_page_does_not_ask_the_database_and_trails_other_servers_by_a_second(
    app, builds, monkeypatch
):
    """Within a second a visitor's page is answered from memory alone; a change made
    through another server (here: the version bumped in SQL, as that server's commit
    would) is seen once the second is over."""
    import sqlalchemy as sa

    from tests.sql import statements
    from tisc.extensions import db
    from tisc.services import network

    clock = [1000.0]
    monkeypatch.setattr(network.time, "monotonic", lambda: clock[0])
    network._forget_recent()
    visitor = app.test_client()
    visitor.get("/centres")
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        assert visitor.get("/centres").status_code == 200
    assert seen == []
    with app.app_context():
        db.session.execute(sa.text("UPDATE network_version SET version = version + 1"))
        db.session.execute(
            sa.text("UPDATE centres SET name_en = 'Renamed Elsewhere' WHERE slug = 'kbtu'")
        )
        db.session.commit()
    clock[0] += network.RECENT_SECONDS / 2
    assert "Renamed Elsewhere" not in visitor.get("/centres").get_data(as_text=True)
    clock[0] += network.RECENT_SECONDS / 2
    assert "Renamed Elsewhere" in visitor.get("/centres").get_data(as_text=True)


def test_an_unchanged_page_answers_not_modified(app, builds):
    first = app.test_client().get("/map")
    again = app.test_client().get("/map", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_browsers_that_accept_gzip_get_it_compressed_once(app, builds):
    import gzip

    plain = app.test_client().get("/centres").get_data()
    packed = app.test_client().get("/centres", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain


def test_a_signed_in_page_is_never_compressed(app, make):
    """A confidential title beside text the address chose (a search) must not be
    compressed together: the size on the wire would then tell a watcher of the traffic
    how much of the title the chosen text guessed (BREACH). Only the visitors' pages,
    the same for everyone, are sent gzipped."""
    staff = make.user("staff", centre="kbtu")
    make.request(make.user("inventor"), title="Self-heating brick")
    signed_in = app.test_client()
    login(signed_in, staff)
    page = signed_in.get("/desk?q=Self-heating", headers={"Accept-Encoding": "gzip, br"})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert "Self-heating brick" in page.get_data(as_text=True)
