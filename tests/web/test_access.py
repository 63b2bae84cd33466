"""The authorisation matrix: every role against every page and action.

A request the user may not see answers 404 everywhere, and so does a page for
another role (it does not exist for them); signed-out visitors are sent to sign in.
"""

import re

import pytest

ROLES = ["anonymous", "inventor", "other_inventor", "staff", "other_staff", "coordinator"]
LOGIN = 302


def expect(**codes) -> dict[str, int]:
    """Expected code per role; ``rest`` for the ones not named."""
    rest = codes.pop("rest")
    return {role: codes.get(role, rest) for role in ROLES}


PAGES = {
    "/": expect(rest=200),
    "/healthz": expect(rest=200),
    "/readyz": expect(rest=200),
    "/centres": expect(rest=200),
    "/centres/kbtu": expect(rest=200),
    "/centres/no-such-centre": expect(rest=404),
    "/centres?q=univ&service=training": expect(rest=200),
    "/map": expect(rest=200),
    "/map/network.js?radius=150": expect(rest=200),
    "/centres/kbtu/map.js": expect(rest=200),
    "/centres/no-such-centre/map.js": expect(rest=404),
    "/password/forgot": expect(rest=200),
    "/password/reset/forged-token": expect(rest=400),
    "/invitation/forged-token": expect(rest=400),
    "/verify/forged-token": expect(rest=400),
    "/account/mailbox": expect(anonymous=LOGIN, rest=200),
    "/login": expect(anonymous=200, rest=302),
    "/register": expect(anonymous=200, rest=302),
    "/account": expect(anonymous=LOGIN, rest=200),
    "/requests/new": expect(anonymous=LOGIN, inventor=200, other_inventor=200, rest=404),
    "/requests": expect(anonymous=LOGIN, inventor=200, other_inventor=200, rest=404),
    "/requests/{ref}": expect(anonymous=LOGIN, inventor=200, staff=200, rest=404),
    "/requests/{ref}/files/{file}": expect(anonymous=LOGIN, inventor=200, staff=200, rest=404),
    "/requests/TISC-2026-99999": expect(anonymous=LOGIN, rest=404),
    "/requests/not-a-reference": expect(anonymous=LOGIN, rest=404),
    "/requests/{ref}/files/999999": expect(anonymous=LOGIN, rest=404),
    "/desk": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/office": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/requests/{ref}": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/requests/TISC-2026-99999": expect(anonymous=LOGIN, rest=404),
    "/office/centres": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/mail": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/centres/new": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/centres/kbtu/edit": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/staff": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/staff/{staff}/move": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/audit": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/audit?action=centre.edited&since=2026-01-01": expect(
        anonymous=LOGIN, coordinator=200, rest=404
    ),
    "/office/audit.csv": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/coverage": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/coverage/map.js?radius=150&proposals=2": expect(
        anonymous=LOGIN, coordinator=200, rest=404
    ),
    # Issue 14: questions after completion, saved replies, a centre's own page, suspension.
    "/desk?status=questions": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/centre": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/replies": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/replies/new": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/replies/{reply}/edit": expect(anonymous=LOGIN, staff=200, rest=404),
    "/desk/replies/999999/edit": expect(anonymous=LOGIN, rest=404),
    "/requests/{ref}?reply={reply}&into=ask": expect(
        anonymous=LOGIN, inventor=200, staff=200, rest=404
    ),
    "/office/centres/kbtu/suspend": expect(anonymous=LOGIN, coordinator=200, rest=404),
    # Issue 11: search, the header's go-to-reference, a menu action's panel.
    "/desk?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88": expect(
        anonymous=LOGIN, staff=200, other_staff=200, rest=404
    ),
    "/office?q={ref}": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/requests?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88": expect(
        anonymous=LOGIN, inventor=200, other_inventor=200, rest=404
    ),
    "/desk/go?ref={ref}": expect(anonymous=LOGIN, staff=302, other_staff=302, rest=404),
    "/office/go?ref={ref}": expect(anonymous=LOGIN, coordinator=302, rest=404),
    "/requests/{ref}?do=transfer": expect(anonymous=LOGIN, inventor=200, staff=200, rest=404),
    # An action's address opened as a page: the request's page, for whoever may see it.
    "/requests/{ref}/decline": expect(anonymous=LOGIN, inventor=302, staff=302, rest=404),
    "/requests/{ref}/no-such-action": expect(anonymous=LOGIN, rest=404),
    "/office/centres/no-such-centre/suspend": expect(anonymous=LOGIN, rest=404),
    "/office/dashboard": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/dashboard?period=custom&first=2026-05&last=2025-01": expect(
        anonymous=LOGIN, coordinator=400, rest=404
    ),
    "/office/dashboard/regions.js?lang=en": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/reports/wipo": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/reports/wipo?year=1999": expect(anonymous=LOGIN, coordinator=400, rest=404),
    "/office/reports/wipo.xlsx?year=2026": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/events": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/export.csv": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/export.xlsx": expect(anonymous=LOGIN, coordinator=200, rest=404),
    "/office/export.pdf": expect(anonymous=LOGIN, coordinator=404, rest=404),
    "/desk/dashboard": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/events": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/events/new": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/events/999999/edit": expect(anonymous=LOGIN, rest=404),
    "/desk/export.csv": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/desk/export.xlsx": expect(anonymous=LOGIN, staff=200, other_staff=200, rest=404),
    "/statistics": expect(rest=200),
}


def _url(world, path: str) -> str:
    return path.format(ref=world.reference, file=world.file_id, reply=world.reply_id,
                       staff=world.people["staff"].id)  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_for_every_role(world, as_, path, role):
    url = _url(world, path)
    response = as_(role).get(url)
    assert response.status_code == PAGES[path][role], f"{role} GET {url}"
    if response.status_code == LOGIN and role == "anonymous" and PAGES[path][role] == LOGIN:
        assert "/login" in response.headers["Location"]


# Parameters a page's links set themselves (pages, cursors, a file format, a script's
# language and version) and the ones url_for reads itself: in someone's query string they
# once made url_for fail (a 500); now the page answers as it would without them.
STEERING = "endpoint=x&_method=POST&_anchor=x&_external=1&_scheme=javascript&lang=kk&v=1&fmt=csv"
SHOWN = [(path, role) for path in PAGES for role in ROLES if PAGES[path][role] == 200]


@pytest.mark.parametrize(("path", "role"), SHOWN)
def test_a_query_cannot_steer_a_page_s_links(world, as_, path, role):
    url = _url(world, path)
    response = as_(role).get(url + ("&" if "?" in url else "?") + STEERING)
    assert response.status_code == 200, f"{role} GET {url}"
    steered = re.findall(
        rb'(?:href|src)="(?:javascript:[^"]*|[^"]*(?:_method=|endpoint=|#x)[^"]*)"', response.data
    )
    assert not steered, f"{role} GET {url}: {steered}"


# Actions on the inventor's freshly submitted request, by role.
ACTIONS = {
    "assign": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
    "transfer": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
    "start": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),  # not assigned yet
    "ask": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "reply": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "message": expect(anonymous=LOGIN, inventor=302, staff=302, rest=404),
    "note": expect(anonymous=LOGIN, inventor=409, staff=302, rest=404),
    "complete": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "decline": expect(anonymous=LOGIN, inventor=409, staff=302, rest=404),
    "withdraw": expect(anonymous=LOGIN, inventor=302, staff=409, rest=404),
    "reopen": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "rate": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "record_filing": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "close_no_answer": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "resume": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "follow_up": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "answer": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "resolve": expect(anonymous=LOGIN, inventor=409, staff=409, rest=404),
    "link_duplicate": expect(anonymous=LOGIN, inventor=409, staff=400, rest=404),  # no flag
    "dismiss_duplicate": expect(anonymous=LOGIN, inventor=409, staff=400, rest=404),
    "remind": expect(anonymous=LOGIN, rest=404),  # the daily jobs' own: no form
    "expire": expect(anonymous=LOGIN, rest=404),
    "no-such-action": expect(anonymous=LOGIN, inventor=404, staff=404, rest=404),
}


def action_form(world, action: str) -> dict:
    version = world.make.row(world.reference)["version"]
    fields = {
        "version": version, "text": "Себебі: ә ғ қ", "assignee": world.people["staff"].id,
        "centre": world.make.centre_id("nazarbayev-university"), "outcome": "advice_given",
        "summary": "Done", "hours_spent": "1", "documents_cited": "0", "rating": "4",
        "application_number": "2026/0123.1", "flag": "999999", "ip_right": "patent",
        "office": "kazpatent", "filed_on": "2026-01-05", "confirmed": "y",
    }  # fmt: skip
    return {f"{action}-{name}": value for name, value in fields.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_for_every_role(world, as_, action, role):
    before = world.make.row(world.reference)
    response = as_(role).post(
        f"/requests/{world.reference}/{action}", data=action_form(world, action)
    )
    assert response.status_code == ACTIONS[action][role], f"{role} POST {action}"
    if response.status_code != 302 or role == "anonymous":
        assert world.make.row(world.reference) == before, "a refused action changed the request"


OFFICE_POSTS = {
    "/office/centres/kbtu/status": {"status": "suspended"},
    "/office/centres/kbtu/suspend": {"mode": "route", "text": "Closed."},
    "/office/staff/{staff}/move": {"centre": "atyrau-university"},
    "/office/staff/{staff}/active": {"active": "0", "confirmed": "y"},
    "/office/staff/{staff}/invite": {},
    "/office/centres/new": {"slug": "x"},
    "/office/staff": {"name": "X", "email": "x@tisc-test.kz", "role": "staff", "centre": "kbtu"},
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
@pytest.mark.parametrize("path", OFFICE_POSTS)
def test_office_actions_are_refused_to_everyone_else(world, as_, path, role):
    url = path.format(staff=world.people["staff"].id)
    response = as_(role).post(url, data=OFFICE_POSTS[path])
    assert response.status_code == (LOGIN if role == "anonymous" else 404)
    with world.make.app.app_context():
        from tisc.services import centres

        assert centres.get_centre("kbtu").status == "active"
    assert world.make.person(world.people["staff"].id).centre_id == world.make.centre_id("kbtu")


# Each new action in the state where it can be taken: only its people may, by role.
STAGED = {
    "close_no_answer": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
    "resume": expect(anonymous=LOGIN, inventor=302, staff=409, rest=404),
    "follow_up": expect(anonymous=LOGIN, inventor=302, staff=409, rest=404),
    "answer": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
    "resolve": expect(anonymous=LOGIN, inventor=302, staff=409, rest=404),
    "link_duplicate": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
    "dismiss_duplicate": expect(anonymous=LOGIN, staff=302, inventor=409, rest=404),
}


def stage(world, action: str) -> tuple[str, str]:
    """A request of the inventor's at KBTU where ``action`` can be taken; its reference and
    the form's flag (for duplicate actions)."""
    make, inventor, staff = world.make, world.people["inventor"], world.people["staff"]
    if action in ("close_no_answer", "resume"):
        reference = make.request_in("awaiting_inventor", inventor, staff)
        if action == "resume":
            make.act(staff, reference, "close_no_answer", text="No answer.")
        return reference, ""
    if action in ("follow_up", "answer", "resolve"):
        reference = make.request_in("completed", inventor, staff)
        if action == "answer":
            make.act(inventor, reference, "follow_up", text="Why?")
        return reference, ""
    make.request(inventor, title="Кірпіштің жылу сақтауы")  # like the world's request
    with make.app.app_context():
        from tisc.extensions import db

        flag_id = db.session.scalar(db.text("SELECT max(id) FROM duplicate_flags"))
    return world.reference, str(flag_id)


def flag_states(world) -> list:
    with world.make.app.app_context():
        from tisc.extensions import db

        return db.session.execute(db.text("SELECT id, state FROM duplicate_flags")).all()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", STAGED)
def test_every_new_action_in_its_own_state_for_every_role(world, as_, action, role):
    reference, flag = stage(world, action)
    before, flags_before = world.make.row(reference), flag_states(world)
    version = before["version"]
    fields = {"version": version, "text": "Жауап: ә ғ қ", "flag": flag, "confirmed": "y"}
    response = as_(role).post(
        f"/requests/{reference}/{action}", data={f"{action}-{k}": v for k, v in fields.items()}
    )
    assert response.status_code == STAGED[action][role], f"{role} POST {action}"
    if response.status_code != 302:
        assert world.make.row(reference) == before, "a refused action changed the request"
        assert flag_states(world) == flags_before, "a refused action changed a flag"


STAFF_POSTS = {
    "/desk/replies/new": {"title": "X", "text_kk": "Y"},
    "/desk/replies/{reply}/edit": {"title": "Changed", "text_kk": "Changed"},
    "/desk/replies/{reply}/delete": {"confirmed": "y"},
    "/desk/replies/{reply}/delete?ask": {},  # the question before, which names the reply
    "/desk/centre": {"phone": "000", "services": ["training"], "languages": ["kk"]},
}


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("staff", "other_staff")])
@pytest.mark.parametrize("path", STAFF_POSTS)
def test_staff_pages_are_refused_to_everyone_else(world, as_, path, role):
    _posted_and_nothing_changed(world, as_, path, role)


@pytest.mark.parametrize("path", [p for p in STAFF_POSTS if "{reply}" in p])
def test_another_centre_s_staff_cannot_touch_a_saved_reply(world, as_, path):
    _posted_and_nothing_changed(world, as_, path, "other_staff")


def _posted_and_nothing_changed(world, as_, path, role):
    def state():
        with world.make.app.app_context():
            from tisc.extensions import db

            return (
                db.session.execute(db.text("SELECT id, title, text_kk FROM saved_replies")).all(),
                db.session.execute(db.text("SELECT phone FROM centres WHERE slug='kbtu'")).all(),
            )

    before = state()
    response = as_(role).post(path.format(reply=world.reply_id), data=STAFF_POSTS[path])
    assert response.status_code == (LOGIN if role == "anonymous" else 404)
    assert state() == before


# A crawl's links: our own pages, not a fragment, a mail or phone link (signing out is a form).
LINK = re.compile(r'<a [^>]*href="(/[^"#]*)')
CRAWL_LIMIT = 400


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_page_offers_leads_somewhere_its_reader_may_go(world, as_, role):
    """Followed from every page the role may see, no link answers 404 or 5xx: a link to
    what its reader may not open is a dead end (the centre pages' buttons to the
    new-request form once led staff and the office to a 404)."""
    client = as_(role)
    starts = [_url(world, path) for path in PAGES if PAGES[path][role] == 200]
    found_on = dict.fromkeys(starts, "start")
    todo, dead = list(starts), []
    while todo:
        url = todo.pop(0)
        response = client.get(url)
        response.close()  # a streamed export ends here, as a server ends it
        if response.status_code == 404 or response.status_code >= 500:
            dead.append(f"{url} ({response.status_code}) from {found_on[url]}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            if href not in found_on and len(found_on) < CRAWL_LIMIT:
                found_on[href] = url
                todo.append(href)
    assert not dead, f"{role}: {dead[:10]}"
    assert len(starts) < len(found_on) < CRAWL_LIMIT  # it found links, and followed them all
