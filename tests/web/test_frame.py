"""Parts of pages kept rendered (templating.kept, kept_rows): the frame per role, page and
count of changes, a list's rows per row and marks. What is the person's own (their name,
their form token, the page's address) is filled in each time; any change shows at once."""

import re

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_babel import force_locale, gettext

from tests.factories import login
from tisc.extensions import db
from tisc.models import Centre, User
from tisc.services import centres

TOKEN = re.compile(r'action="/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"')
NEXT = re.compile(r'name="next" value="([^"]*)"')


def test_two_people_with_the_same_header_each_see_their_own_name_and_token(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    first = make.user("staff", centre="kbtu", name='<b>Асель & "Co"</b>')
    second = make.user("staff", centre="kbtu", name="Бекзат")
    clients = {}
    for person in (first, second):
        clients[person] = app.test_client()
        login(clients[person], person)
    pages = {person: clients[person].get("/desk").get_data(as_text=True) for person in clients}
    assert "&lt;b&gt;Асель &amp; &#34;Co&#34;&lt;/b&gt;" in pages[first]
    assert "Асель" not in pages[second] and "Бекзат" in pages[second]
    assert "Бекзат" not in pages[first] and "<b>Асель" not in pages[first]
    tokens = {person: TOKEN.search(pages[person])[1] for person in clients}
    assert tokens[first] != tokens[second]
    # Each token is its own session's: the other person's is refused, their own signs out.
    refused = clients[first].post("/logout", data={"csrf_token": tokens[second]})
    assert refused.status_code == 400
    assert clients[first].post("/logout", data={"csrf_token": tokens[first]}).status_code == 302
    assert clients[first].get("/desk").status_code == 302  # signed out: to the sign-in page


def test_the_language_menu_returns_to_the_page_it_was_opened_on(make, app, client):
    login(client, make.user("staff"))
    for address in ("/desk", "/desk?status=all&q=%3Cb%3E", "/desk?assignee=me"):
        page = client.get(address).get_data(as_text=True)
        assert NEXT.search(page)[1].rstrip("?") == address.replace("&", "&amp;")


def test_the_header_marks_the_page_the_person_is_on(make, client):
    login(client, make.user("inventor"))
    current = re.compile(r'href="([^"]+)" aria-current="page"')
    assert current.findall(client.get("/requests").get_data(as_text=True)) == ["/requests"]
    assert current.findall(client.get("/requests/new").get_data(as_text=True)) == ["/requests/new"]
    assert current.findall(client.get("/centres").get_data(as_text=True)) == ["/centres"]


@pytest.mark.parametrize(
    ("role", "home", "in_header"),
    [(None, "/", True), ("inventor", "/requests", True), ("staff", "/desk", False),
     ("coordinator", "/office", False)],
)  # fmt: skip
def test_the_public_statistics_are_linked_from_every_page(make, client, role, home, in_header):
    # Staff and the office have their dashboards in a header with no room to spare.
    if role:
        login(client, make.user(role))
    page = client.get(home).get_data(as_text=True)
    header, footer = page.split("</header>")
    assert ('href="/statistics"' in header) is in_header
    assert 'href="/statistics">Statistics</a>' in footer
    if in_header:
        statistics = client.get("/statistics").get_data(as_text=True)
        assert '<a class="nav-link" href="/statistics" aria-current="page">' in statistics


def test_holes_are_filled_escaped_and_in_one_pass(app):
    part = (
        '{% call(hole) kept("frame", "test-holes", name=name, other=other) %}'
        '[{{ hole("name") }}|{{ hole("other") }}]{% endcall %}'
    )
    with app.test_request_context("/"):
        app.preprocess_request()
        first = render_template_string(part, name="\x00other\x00 <i>", other="x")
        second = render_template_string(part, name="Ә", other="&")
    assert first == "[\x00other\x00 &lt;i&gt;|x]"  # a value that looks like a hole stays
    assert second == "[Ә|&amp;]"  # the part kept, the person's values its own


def _row(page: str, reference: str) -> str:
    """The list's row of ``reference``."""
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{reference}.*?</tr>", page, re.S)[0]


def test_a_kept_desk_row_shows_each_change_to_it_at_once(world, as_, make, app):
    staff, reference = world.people["staff"], world.reference
    client = as_("staff")
    before = _row(client.get("/desk").get_data(as_text=True), reference)
    assert "status-submitted" in before and staff.name not in before
    make.act(staff, reference, "assign", assignee_id=staff.id)
    assigned = _row(client.get("/desk").get_data(as_text=True), reference)
    assert "status-assigned" in assigned and staff.name in assigned and ">Unread<" not in assigned
    make.act(world.people["inventor"], reference, "message", text="Тағы бір сұрақ")
    assert ">Unread<" in _row(client.get("/desk").get_data(as_text=True), reference)
    with app.app_context():  # the assignee's name is the row's too
        db.session.get(User, staff.id).name = "Renamed <Staff>"
        db.session.commit()
    renamed = _row(client.get("/desk").get_data(as_text=True), reference)
    assert "Renamed &lt;Staff&gt;" in renamed and staff.name not in renamed
    client.get(f"/requests/{reference}")  # opened: nothing new to this person any more
    assert ">Unread<" not in _row(client.get("/desk").get_data(as_text=True), reference)
    russian = client.get("/desk", headers={"Accept-Language": "ru"})
    assert ">Назначен" in _row(russian.get_data(as_text=True), reference)


def test_kept_rows_of_the_inventor_s_and_the_office_s_lists_follow_the_centre_s_name(
    world, as_, app
):
    office_first = _row(as_("coordinator").get("/office").get_data(as_text=True), world.reference)
    client = as_("inventor")
    first = _row(client.get("/requests").get_data(as_text=True), world.reference)
    with app.app_context():
        kbtu = db.session.scalar(sa.select(Centre).where(Centre.slug == "kbtu"))
        details = centres.CentreDetails(
            slug="kbtu", name_kk=kbtu.name_kk, name_ru=kbtu.name_ru, name_en="KBTU, renamed",
            city_id=kbtu.city_id, lat=kbtu.lat, lon=kbtu.lon, status="active",
            services=[s.value for s in kbtu.services], languages=kbtu.languages,
            **{name: getattr(kbtu, name) for name in centres.PROFILE_TEXTS},
        )  # fmt: skip
        old_name = kbtu.name_en
        centres.update_centre("kbtu", details)
    assert old_name in first and old_name in office_first
    renamed = _row(client.get("/requests").get_data(as_text=True), world.reference)
    assert "KBTU, renamed" in renamed and old_name not in renamed
    office = _row(as_("coordinator").get("/office").get_data(as_text=True), world.reference)
    assert "KBTU, renamed" in office and old_name not in office


def test_a_list_s_rows_are_rendered_once_for_their_arguments_and_language(world, as_, app):
    """templating.kept_rows: a row asked again is not rendered again; in another language,
    or in the other list, it is."""
    rows = app.extensions["tisc.kept_parts"]["row"]
    rows.clear()
    staff = as_("staff")
    before = rows.builds
    first = staff.get("/desk").get_data(as_text=True)
    shown = first.count("<tr") - 1  # less the heading's
    assert shown > 0 and rows.builds == before + shown
    again = staff.get("/desk").get_data(as_text=True)
    tokens = re.compile(r'name="csrf_token" value="[^"]+"')  # each bears the second it was made
    assert tokens.sub("", again) == tokens.sub("", first)
    assert rows.builds == before + shown  # the same rows again: kept
    staff.get("/desk", headers={"Accept-Language": "ru"})
    assert rows.builds == before + 2 * shown
    mine = as_("inventor").get("/requests").get_data(as_text=True)
    assert rows.builds == before + 2 * shown + mine.count("<tr") - 1  # the other list's


def test_a_kept_row_is_keyed_by_its_values_not_by_the_database_row(world, as_, app):
    """A key holding the row read would keep that query's whole result description alive
    with it: some 5 kB for each of a thousand keys."""
    rows = app.extensions["tisc.kept_parts"]["row"]
    rows.clear()
    for who, page in (("staff", "/desk"), ("inventor", "/requests"), ("coordinator", "/office")):
        assert as_(who).get(page).status_code == 200
    keys = rows.keys()
    assert {macro for _place, macro, _args in keys} == {
        "desk/_row.html:desk_row", "requests/_row.html:mine_row", "office/_row.html:office_row"
    }  # fmt: skip
    assert [type(args[0]) for _place, _macro, args in keys] == [tuple] * len(keys)
    assert all(world.reference in args[0] for _place, _macro, args in keys)


@pytest.mark.parametrize(
    ("who", "page", "columns"),
    [
        ("staff", "/desk", ["Reference", "Title", "Service", "Status", "Assignee", "Submitted",
                            "Due"]),
        ("inventor", "/requests", ["Reference", "Title", "Service", "Centre", "Status", "Due"]),
        ("coordinator", "/office", ["Reference", "Service", "Centre", "Region", "Status",
                                    "Submitted", "Due", "Outcome"]),
    ],
)  # fmt: skip
def test_a_list_s_rows_name_their_columns_in_the_reader_s_language(
    world, as_, app, who, page, columns
):
    """The phone layout shows each value under its column's name, which a row rendered on
    its own takes from formatting.list_words, kept per language."""
    client = as_(who)
    for language in ("en", "ru", "kk", "en"):
        shown = client.get(page, headers={"Accept-Language": language}).get_data(as_text=True)
        with app.test_request_context(), force_locale(language):
            expected = [gettext(column) for column in columns]
        assert re.findall(r'data-label="([^"]*)"', _row(shown, world.reference)) == expected
        if language != "en":
            assert expected != columns  # translated, so a language mixed up would show
