"""Every page's frame is kept rendered per role, page and count of changes; what is the
person's own (their name, their form token, the page's address) is filled in each time."""

import re

from flask import render_template_string

from tests.factories import login

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


def test_holes_are_filled_escaped_and_in_one_pass(app):
    part = (
        '{% call(hole) frame_part("test-holes", name=name, other=other) %}'
        '[{{ hole("name") }}|{{ hole("other") }}]{% endcall %}'
    )
    with app.test_request_context("/"):
        app.preprocess_request()
        first = render_template_string(part, name="\x00other\x00 <i>", other="x")
        second = render_template_string(part, name="Ә", other="&")
    assert first == "[\x00other\x00 &lt;i&gt;|x]"  # a value that looks like a hole stays
    assert second == "[Ә|&amp;]"  # the part kept, the person's values its own
