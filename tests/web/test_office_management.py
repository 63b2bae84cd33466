"""The coordinator manages centres and staff accounts."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import login
from tests.mail import outbox
from tisc.extensions import db
from tisc.models import AuditEntry, Centre, City, User


def city_id(app, name_en: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(City.id).where(City.name_en == name_en))


def centre_form(app, **changes) -> dict:
    return {
        "slug": "shymkent-tisc", "name_kk": "Шымкент ТҚҚО", "name_ru": "ЦПТИ Шымкент",
        "name_en": "Shymkent TISC", "status": "active", "host_institution": "M. Auezov SKU",
        "city_id": city_id(app, "Shymkent"), "lat": "42.3", "lon": "69.6",
        "website": "https://auezov.edu.kz", "services": ["prior_art_search", "training"],
        "languages": ["kk", "ru"],
    } | changes  # fmt: skip


NOBODY = "Nobody works at"


def test_the_office_is_told_when_an_active_centre_has_nobody_to_take_its_requests(world, as_, make):
    """A new active centre, or one its last staff member leaves, is routed requests that
    nobody can take (exploratory test): said as it happens, never when someone is there."""
    client = as_("coordinator")

    def told(response) -> str:
        assert response.status_code == 302
        return client.get(response.headers["Location"]).get_data(as_text=True)

    created = told(client.post("/office/centres/new", data=centre_form(make.app)))
    assert f"{NOBODY} Shymkent TISC" in created
    planned = centre_form(make.app, slug="planned-tisc", status="planned", name_en="Planned")
    assert NOBODY not in told(client.post("/office/centres/new", data=planned))
    lone = make.user("staff", centre="karaganda-buketov")  # its only staff member
    moved = told(client.post(f"/office/staff/{lone.id}/move", data={"centre": "shymkent-tisc"}))
    assert f"{NOBODY} Karaganda Buketov University" in moved
    assert NOBODY not in told(client.post("/office/centres/shymkent-tisc/edit",
                                          data=centre_form(make.app)))  # fmt: skip
    colleague = make.user("staff", centre="kbtu")  # world.people["staff"] stays at KBTU
    assert NOBODY not in told(
        client.post(f"/office/staff/{colleague.id}/active", data={"active": "0", "confirmed": "y"})
    )
    deactivated = told(
        client.post(f"/office/staff/{lone.id}/active", data={"active": "0", "confirmed": "y"})
    )
    assert f"{NOBODY} Shymkent TISC" in deactivated


def test_a_new_centre_appears_in_the_directory_and_takes_requests(world, as_, make):
    client = as_("coordinator")
    response = client.post("/office/centres/new", data=centre_form(make.app))
    assert response.status_code == 302
    public = client.get("/centres/shymkent-tisc").get_data(as_text=True)
    assert "Shymkent TISC" in public and "Prior-art search" in public
    reference = make.request(world.people["inventor"], region="KZ-79")
    assert make.row(reference)["centre_id"] == make.centre_id("shymkent-tisc")


def test_bad_centre_input_is_refused_field_by_field(world, as_, make):
    client = as_("coordinator")
    cases = {
        "slug": ("Not A Slug!", "Use lower-case Latin letters"),
        "lat": ("95", "Number must be between -90 and 90."),
        "website": ("javascript:alert(1)", "Invalid URL."),
        "services": (["astrology"], "is not a valid choice for this field"),
        "joined_on": ("0001-01-01", "Choose a date from 2000 to two years ahead."),
    }
    changes = [({field: value}, message) for field, (value, message) in cases.items()]
    changes += [
        ({"joined_on": "9999-12-31"}, "Choose a date from 2000 to two years ahead."),
        ({"city_id": ""}, "This field is required."),  # "Choose a city", first of the list
        # An active centre with no service would receive no requests (a planned one may wait).
        ({"services": []}, "Choose at least one service: a centre with none receives no"),
        # Names of zero-width spaces and word joiners show nothing: no name at all.
        ({"name_kk": "\u200b", "name_ru": "\u2060", "name_en": " \ufeff"},
         "Give the centre&#39;s name in at least one language."),
    ]  # fmt: skip
    for change, message in changes:
        response = client.post("/office/centres/new", data=centre_form(make.app, **change))
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    soon = (date.today() + timedelta(days=300)).isoformat()
    # An optional field of invisible characters is empty, not a malformed address.
    invisible = {"slug": "invisible-web", "website": "\u200b", "email": "\u2060"}
    assert (
        client.post("/office/centres/new", data=centre_form(make.app, **invisible)).status_code
        == 302
    )
    planned = centre_form(make.app, status="planned", services=[], joined_on=soon)
    assert client.post("/office/centres/new", data=planned | {"slug": "planned"}).status_code == 302
    with make.app.app_context():
        assert db.session.scalar(sa.select(Centre).where(Centre.slug == "shymkent-tisc")) is None


def test_a_new_centre_s_town_is_chosen_not_left_as_the_first_of_the_list(world, as_):
    page = as_("coordinator").get("/office/centres/new").get_data(as_text=True)
    towns = page.split('name="city_id"', 1)[1].split("</select>", 1)[0]
    first = re.search(r"<option[^>]*>[^<]*</option>", towns)[0]
    assert first == '<option value="" selected>Choose a city</option>', first
    edit = as_("coordinator").get("/office/centres/kbtu/edit").get_data(as_text=True)
    assert "Choose a city" not in edit  # a centre's own town is shown chosen


def test_a_taken_slug_is_refused(world, as_, make):
    response = as_("coordinator").post(
        "/office/centres/new", data=centre_form(make.app, slug="kbtu")
    )
    assert response.status_code == 400
    assert "Another centre already uses this short name." in response.get_data(as_text=True)


def test_editing_keeps_the_slug_and_saves_three_names(world, as_, make):
    client = as_("coordinator")
    form = centre_form(
        make.app, slug="kbtu", name_kk="ҚБТУ жаңа", city_id=city_id(make.app, "Almaty")
    )
    assert client.post("/office/centres/kbtu/edit", data=form).status_code == 302
    with make.app.app_context():
        centre = db.session.scalar(sa.select(Centre).where(Centre.slug == "kbtu"))
        assert (centre.name_kk, centre.name_ru) == ("ҚБТУ жаңа", "ЦПТИ Шымкент")
        assert [s.value for s in centre.services] == ["prior_art_search", "training"]


def test_suspending_a_centre_hides_it_and_stops_routing_to_it(world, as_, make):
    client = as_("coordinator")
    response = client.post("/office/centres/kbtu/suspend", data={"mode": "route", "text": "Жабық."})
    assert response.status_code == 302
    assert make.row(world.reference)["centre_id"] != make.centre_id("kbtu")  # never stranded
    assert client.get("/centres/kbtu").status_code == 404
    assert "Kazakh-British" not in client.get("/centres").get_data(as_text=True)
    reference = make.request(world.people["inventor"], region="KZ-75")
    assert make.row(reference)["centre_id"] != make.centre_id("kbtu")
    assert client.post("/office/centres/kbtu/status", data={"status": "bogus"}).status_code == 400
    # Its staff see why their desk went quiet, and no link to the page that is gone.
    staff = as_("staff")
    assert 'id="centre-suspended"' in staff.get("/desk").get_data(as_text=True)
    profile = staff.get("/desk/centre").get_data(as_text=True)
    assert 'href="/centres/kbtu"' not in profile and "public page is hidden" in profile
    assert 'id="centre-suspended"' not in as_("other_staff").get("/desk").get_data(as_text=True)


def test_creating_moving_and_deactivating_staff(world, as_, make):
    client = as_("coordinator")
    response = client.post(
        "/office/staff",
        data={"name": "Жаңа қызметкер", "email": "new.staff@tisc-test.kz", "role": "staff",
              "centre": "kbtu"},
    )  # fmt: skip
    assert response.status_code == 302
    with make.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new.staff@tisc-test.kz"))
        assert user.role == "staff" and user.password_hash is None
        user_id = user.id
    assert (
        client.post(
            f"/office/staff/{user_id}/move", data={"centre": "atyrau-university"}
        ).status_code
        == 302
    )
    assert make.person(user_id).centre_id == make.centre_id("atyrau-university")

    staff = world.people["staff"]
    other = make.app.test_client()
    login(other, staff)
    assert other.get("/desk").status_code == 200
    # First the page says what will happen, and nothing has happened yet.
    asked = client.post(f"/office/staff/{staff.id}/active", data={"active": "0"})
    assert asked.status_code == 200 and "can no longer sign in" in asked.get_data(as_text=True)
    assert other.get("/desk").status_code == 200
    confirmed = {"active": "0", "confirmed": "y"}
    assert client.post(f"/office/staff/{staff.id}/active", data=confirmed).status_code == 302
    assert other.get("/desk").status_code == 302  # signed out everywhere


def test_one_s_own_row_has_no_actions_label_over_nothing(world, as_):
    """On a phone each cell is labelled; the coordinator's own row offers no action."""
    table = as_("coordinator").get("/office/staff").get_data(as_text=True)
    own = world.people["coordinator"].name
    row = re.search(rf"<tr>\s*<td[^>]*><div[^>]*>{own}[\s\S]*?</tr>", table)[0]
    assert 'data-label=""' in row and 'data-label="Actions"' not in row
    staff_row = re.search(
        rf"<tr>\s*<td[^>]*><div[^>]*>{world.people['staff'].name}[\s\S]*?</tr>", table
    )[0]
    assert 'data-label="Actions"' in staff_row


def test_moving_staff_has_a_page_of_its_own_with_one_list_of_centres(world, as_, make):
    """Not a list of every centre in each row of the staff table: with 2,000 centres that
    table was 7.5 MB."""
    client = as_("coordinator")
    staff = world.people["staff"]
    table = client.get("/office/staff").get_data(as_text=True)
    assert table.count("<select") == 3  # the new account's role, centre and language; no row's
    assert f'href="/office/staff/{staff.id}/move"' in table
    page = client.get(f"/office/staff/{staff.id}/move")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert re.search(r'<option selected value="kbtu">|<option value="kbtu" selected>', shown)
    refused = client.post(f"/office/staff/{staff.id}/move", data={"centre": "niip"})
    assert refused.status_code == 400  # the office is not a centre one works at
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert make.person(staff.id).centre_id == make.centre_id("kbtu")  # nothing changed
    same = client.post(f"/office/staff/{staff.id}/move", data={"centre": "kbtu"})
    assert same.status_code == 400  # the page opens on their centre: moving there is no move
    assert "already work at this centre" in same.get_data(as_text=True)
    coordinator = world.people["coordinator"]
    assert client.get(f"/office/staff/{coordinator.id}/move").status_code == 404
    assert client.get("/office/staff/999999/move").status_code == 404


def test_staff_move_to_an_active_or_planned_centre_never_to_a_suspended_one(world, as_, make):
    make.centre("closed-tisc", name="Closed Centre", status="suspended")
    make.centre("future-tisc", name="Future Centre", city="Shymkent", status="planned")
    client = as_("coordinator")
    staff = world.people["staff"]
    page = client.get(f"/office/staff/{staff.id}/move").get_data(as_text=True)
    offered = set(re.findall(r'<option[^>]*value="([^"]*)"', page))
    assert "future-tisc" in offered and "closed-tisc" not in offered
    refused = client.post(f"/office/staff/{staff.id}/move", data={"centre": "closed-tisc"})
    assert refused.status_code == 400
    assert "a suspended centre takes no new staff" in refused.get_data(as_text=True)
    assert make.person(staff.id).centre_id == make.centre_id("kbtu")  # nothing changed
    moved = client.post(f"/office/staff/{staff.id}/move", data={"centre": "future-tisc"})
    assert moved.status_code == 302
    assert make.person(staff.id).centre_id == make.centre_id("future-tisc")
    told = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "moved to Future Centre." in told  # where they went; it once named where they left


def test_a_move_the_rules_refuse_is_explained_on_the_form(world, as_, make, monkeypatch):
    from tisc.domain.errors import Invalid
    from tisc.services import accounts

    def refuse(*args, **kwargs):
        raise Invalid("centre", "Choose a centre of the network.")

    monkeypatch.setattr(accounts, "move_staff", refuse)
    staff = world.people["staff"]
    refused = as_("coordinator").post(
        f"/office/staff/{staff.id}/move", data={"centre": "atyrau-university"}
    )
    assert refused.status_code == 400
    shown = refused.get_data(as_text=True)
    # On the form, by the field it is about (not an error page): the choice can be mended.
    assert re.search(r'<select[^>]*aria-invalid="true"[^>]*name="centre"|<select[^>]*name="centre"'
                     r'[^>]*aria-invalid="true"', shown)  # fmt: skip
    assert "Choose a centre of the network." in shown
    assert make.person(staff.id).centre_id == make.centre_id("kbtu")


def test_staff_need_a_centre_and_duplicates_are_refused(world, as_):
    client = as_("coordinator")
    response = client.post(
        "/office/staff",
        data={"name": "X", "email": "x@tisc-test.kz", "role": "staff", "centre": ""},
    )
    assert response.status_code == 400
    assert "Staff must belong to a centre" in response.get_data(as_text=True)
    response = client.post(
        "/office/staff",
        data={"name": "X", "email": world.people["staff"].email, "role": "coordinator"},
    )
    assert response.status_code == 400


def test_staff_are_invited_to_active_and_planned_centres_never_to_a_suspended_one(world, as_, make):
    """Nothing is routed to a suspended centre, so nobody joins it; a planned centre's
    staff set up its page before it opens."""
    make.centre("closed-tisc", name="Closed Centre", status="suspended")
    make.centre("future-tisc", name="Future Centre", city="Shymkent", status="planned")
    client = as_("coordinator")
    page = client.get("/office/staff").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="centre"[\s\S]*?</select>', page)[0]
    offered = set(re.findall(r'<option[^>]*value="([^"]*)"', select))
    assert {"kbtu", "future-tisc"} <= offered
    assert "closed-tisc" not in offered and "Closed Centre" not in select
    invited = {"name": "Жаңа", "email": "late@tisc-test.kz", "role": "staff"}
    refused = client.post("/office/staff", data=invited | {"centre": "closed-tisc"})
    assert refused.status_code == 400
    shown = refused.get_data(as_text=True)
    assert "a suspended centre takes no new staff" in shown
    assert re.search(r'<select[^>]*aria-invalid="true"[^>]*name="centre"|<select[^>]*name="centre"'
                     r'[^>]*aria-invalid="true"', shown)  # fmt: skip
    with make.app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == invited["email"])) is None
    assert outbox(make.app, to=invited["email"]) == []
    joined = client.post("/office/staff", data=invited | {"centre": "future-tisc"})
    assert joined.status_code == 302
    with make.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == invited["email"]))
        assert user.centre_id == make.centre_id("future-tisc")
    assert [m.kind for m in outbox(make.app, to=invited["email"])] == ["invitation"]


def test_the_coordinator_cannot_deactivate_themselves_or_inventors(world, as_):
    client = as_("coordinator")
    me = world.people["coordinator"]
    assert client.post(f"/office/staff/{me.id}/active", data={"active": "0"}).status_code == 409
    inventor = world.people["inventor"]
    assert (
        client.post(f"/office/staff/{inventor.id}/active", data={"active": "0"}).status_code == 404
    )
    assert client.post("/office/staff/999999/move", data={"centre": "kbtu"}).status_code == 404


def test_the_list_of_centres_is_kept_with_each_persons_own_form_token(app, make, monkeypatch):
    """Kept per language and network version (2,000 centres took 577 ms), the list fills
    in each reader's own CSRF token, so each one's buttons work for them alone."""
    from tests.sql import statements

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    make.centre("gone", name="Closed Centre", status="suspended")
    first, second = app.test_client(), app.test_client()
    login(first, make.user("coordinator"))
    login(second, make.user("coordinator"))
    tokens = []
    with app.app_context():
        engine = db.engine
    for client in (first, second):
        with statements(engine) as seen:
            page = client.get("/office/centres").get_data(as_text=True)
        tokens.append(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert "Closed Centre" in page and "Reactivate" in page
    assert not [s for s in seen if "FROM centres" in s]  # the second reader's list was kept
    assert set(tokens[0]).isdisjoint(tokens[1]) and len(set(tokens[1])) == 1
    reactivate = {"status": "active", "csrf_token": tokens[1][0]}
    assert first.post("/office/centres/gone/status", data=reactivate).status_code == 400
    assert second.post("/office/centres/gone/status", data=reactivate).status_code == 302
    page = second.get("/office/centres").get_data(as_text=True)  # a new network version
    row = re.search(r"<tr>\s*<td[^>]*><span>Closed Centre[\s\S]*?</tr>", page)[0]
    assert "Reactivate" not in row and "Suspend" in row


def test_the_centre_form_lists_every_town_in_the_readers_alphabet_kept(app, as_, make):
    """The towns' list is kept per language and network version (with 2,000 more towns,
    reading and sorting them was most of the form); a town added is listed at once."""
    from tests.sql import statements

    client = as_("coordinator")
    client.get("/office/centres/new", headers={"Accept-Language": "kk"})
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        page = client.get("/office/centres/new", headers={"Accept-Language": "kk"})
    assert page.status_code == 200 and not [s for s in seen if "FROM cities" in s]
    select = re.search(r'<select[^>]*name="city_id"[\s\S]*?</select>', page.get_data(as_text=True))
    towns = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select[0])
    # Қ after К and before Л in Kazakh, Ө after О (in Unicode's order both come last).
    assert towns.index("Кентау") < towns.index("Қарағанды") < towns.index("Павлодар")
    assert towns.index("Орал") < towns.index("Өскемен") < towns.index("Петропавл")
    with app.app_context():
        town = City(name_kk="Ақсу-Жаңа", name_ru="Аксу-Новый", name_en="New Aksu",
                    region_code="KZ-55", lat=52.0, lon=76.9, population=1000)  # fmt: skip
        db.session.add(town)
        db.session.commit()
    try:
        page = client.get("/office/centres/new", headers={"Accept-Language": "kk"})
        assert "Ақсу-Жаңа" in page.get_data(as_text=True)
    finally:  # towns outlive the tests' wipe (reference data): others count them
        with app.app_context():
            db.session.execute(sa.delete(City).where(City.id == town.id))
            db.session.commit()


def test_the_staff_table_names_centres_without_loading_each_one(app, as_, make):
    """Each person's centre comes from the network's cards: the page loaded the centres
    one by one (twenty statements for twenty centres)."""
    from tests.sql import statements

    for slug in ("kbtu", "atyrau-university", "nazarbayev-university"):
        make.user("staff", centre=slug)
    client = as_("coordinator")
    client.get("/office/staff")
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        page = client.get("/office/staff").get_data(as_text=True)
    assert "Kazakh-British Technical University" in page and "Nazarbayev University" in page
    assert not [s for s in seen if "FROM centres" in s], seen


def test_the_coordinating_office_is_not_offered_suspend_and_says_why(world, as_, make):
    client = as_("coordinator")
    with make.app.app_context():
        name = db.session.scalar(sa.select(Centre.name_en).where(Centre.slug == "niip"))
    listing = client.get("/office/centres").get_data(as_text=True)
    assert "/office/centres/kbtu/suspend" in listing
    assert "/office/centres/niip/suspend" not in listing
    page = client.get("/office/centres/niip/suspend")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "The national office is always active" in text
    assert "<form" not in text.split("<main", 1)[1]
    sent = client.post("/office/centres/niip/suspend", data={"mode": "route", "text": "Closed."})
    assert sent.status_code == 400
    planned = client.post("/office/centres/niip/status", data={"status": "planned"})
    assert planned.headers["Location"] == "/office/centres"  # said there, once
    assert client.get("/office/centres").get_data(as_text=True).count("always active") == 1
    edit = client.get("/office/centres/niip/edit").get_data(as_text=True)
    status_select = edit.split('name="status"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option[^>]*value="(\w+)"', status_select) == ["active"]
    assert "The national office is always active" in edit
    form = centre_form(make.app, slug="niip", name_en="National Institute", status="suspended")
    assert client.post("/office/centres/niip/edit", data=form).status_code == 400
    with make.app.app_context():
        office = db.session.scalar(sa.select(Centre).where(Centre.slug == "niip"))
        assert (office.status, office.name_en) == ("active", name)


def test_a_centre_s_name_is_one_line(world, as_, make):
    """A line break in a name would end every e-mail subject naming the centre: one pasted
    with a line break or a tab keeps its words on one line; other controls are refused."""
    client = as_("coordinator")
    for name in ("Shymkent\x1bTISC", "Shymkent\x08"):
        response = client.post("/office/centres/new", data=centre_form(make.app, name_en=name))
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'id="name_en-error"' in page
        assert "Keep this to one line" in page
    with make.app.app_context():
        assert db.session.scalar(sa.select(Centre).where(Centre.slug == "shymkent-tisc")) is None
    pasted = centre_form(make.app, name_en="Shymkent\r\nTISC\u2028(South)\tKazakhstan")
    assert client.post("/office/centres/new", data=pasted).status_code == 302
    with make.app.app_context():
        saved = db.session.scalar(sa.select(Centre.name_en).where(Centre.slug == "shymkent-tisc"))
    assert saved == "Shymkent TISC (South) Kazakhstan"


def test_each_action_on_a_list_names_whom_it_acts_on(world, as_, make):
    """A screen reader's list of links read "Edit" five times and "Suspend" four: each
    says its centre or person too (visually hidden: the row shows it)."""
    make.user("staff", name="Dana Staff")
    client = as_("coordinator")
    centres = client.get("/office/centres").get_data(as_text=True)
    hidden = r'<span class="visually-hidden"> ([^<]+)</span>'
    edits = re.findall(r">Edit" + hidden + "</a>", centres)
    suspends = re.findall(r">Suspend" + hidden + "</a>", centres)
    assert "Kazakh-British Technical University" in edits and len(edits) >= 4
    assert "Kazakh-British Technical University" in suspends
    staff = client.get("/office/staff").get_data(as_text=True)
    assert "Dana Staff" in re.findall(r">Deactivate…" + hidden + "</button>", staff)


@pytest.mark.parametrize(("page_language", "chosen", "written_in"),
                         [("ru", "en", "en"), ("ru", None, "ru")])  # fmt: skip
def test_an_invitation_is_written_in_the_language_chosen_for_the_person(
    world, as_, make, page_language, chosen, written_in
):
    """Every invitation went out in Kazakh, the site's default, whatever the office chose:
    the new account had no language."""
    client = as_("coordinator")
    client.post("/locale", data={"locale": page_language, "next": "/"})
    form = client.get("/office/staff").get_data(as_text=True)
    assert re.search(rf'<option value="{page_language}" selected lang=', form)  # the office's
    data = {"name": "Dana", "email": "dana@tisc-test.kz", "role": "staff", "centre": "kbtu"}
    response = client.post("/office/staff", data=data | ({"locale": chosen} if chosen else {}))
    assert response.status_code == 302
    with make.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "dana@tisc-test.kz"))
        assert user.locale == written_in
    assert [m.locale for m in outbox(make.app, kind="invitation")] == [written_in]


def test_a_coordinator_is_not_given_a_centre(world, as_, make):
    """A centre chosen for a coordinator was dropped without a word."""
    client = as_("coordinator")
    data = {"name": "Dana", "email": "dana@tisc-test.kz", "role": "coordinator", "centre": "kbtu"}
    response = client.post("/office/staff", data=data)
    assert response.status_code == 400
    assert "Only centre staff belong to a centre" in response.get_data(as_text=True)
    with make.app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "dana@tisc-test.kz")) is None


def test_the_suspension_page_speaks_of_one_request_as_one(world, as_, make):
    client = as_("coordinator")
    with make.app.app_context():
        held = db.session.scalar(
            sa.text(
                "SELECT count(*) FROM service_requests r JOIN centres c ON c.id = r.centre_id"
                " WHERE c.slug = 'kbtu' AND r.closed_at IS NULL"
            )
        )
    assert held == 1  # the world's one request
    page = client.get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "Show where it would go" in page and "Show where they would go" not in page


def test_an_invitation_not_taken_up_is_shown_and_can_be_sent_again(world, as_, make):
    """Invitation links last 7 days: nothing said who had not come in yet, and a lapsed
    link could only be replaced by a new account."""
    client = as_("coordinator")
    data = {"name": "Dana Invited", "email": "dana@tisc-test.kz", "role": "staff", "centre": "kbtu"}
    assert client.post("/office/staff", data=data).status_code == 302
    with make.app.app_context():
        dana = db.session.scalar(sa.select(User).where(User.email == "dana@tisc-test.kz")).id
    page = client.get("/office/staff").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td[^>]*><div[^>]*>Dana Invited[\s\S]*?</tr>", page)[0]
    assert "Invited, no password chosen yet" in row and f"/office/staff/{dana}/invite" in row
    staff_row = re.search(
        rf"<tr>\s*<td[^>]*><div[^>]*>{world.people['staff'].name}[\s\S]*?</tr>", page
    )[0]
    assert "/invite" not in staff_row and "Invited" not in staff_row  # has a password

    before = len(outbox(make.app, kind="invitation", to="dana@tisc-test.kz"))
    response = client.post(f"/office/staff/{dana}/invite")
    assert response.status_code == 302
    assert len(outbox(make.app, kind="invitation", to="dana@tisc-test.kz")) == before + 1
    with make.app.app_context():
        recorded = db.session.scalars(
            sa.select(AuditEntry.target).where(AuditEntry.action == "account.invited_again")
        ).all()
    assert recorded == [f"user:{dana}"]

    # Someone who has chosen a password, or an inventor, is not invited again.
    staff = world.people["staff"]
    refused = client.post(f"/office/staff/{staff.id}/invite", follow_redirects=True)
    assert "has already chosen a password" in refused.get_data(as_text=True)
    assert outbox(make.app, kind="invitation", to=staff.email) == []
    assert client.post(f"/office/staff/{world.people['inventor'].id}/invite").status_code == 404
