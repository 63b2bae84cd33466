"""The audit trail: every coordinator and account action, appended, never changed,
read and exported by the coordinator at /office/audit."""

import csv
import html
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, login
from tests.mail import outbox
from tests.web.test_office_management import centre_form, city_id
from tisc.domain import audit as audit_fields
from tisc.extensions import db
from tisc.formatting import RecordedNames, day, recorded
from tisc.models import AuditEntry, User
from tisc.services import audit

HOSTILE = "<script>alert(1)</script>"


def has_cell(page: str, text: str) -> bool:
    """Whether the trail's table has a cell holding just ``text`` (an action's name)."""
    return re.search(rf"<td[^>]*>{re.escape(text)}</td>", page) is not None


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def test_every_coordinator_action_is_recorded_with_who_what_and_from_where(world, as_, make):
    client = as_("coordinator")
    coordinator, staff = world.people["coordinator"], world.people["staff"]
    steps = [
        ("/office/centres/new", centre_form(make.app), "centre.created", "centre:shymkent-tisc"),
        ("/office/centres/shymkent-tisc/edit", centre_form(make.app, phone="+7 7252 00"),
         "centre.edited", "centre:shymkent-tisc"),
        ("/office/centres/shymkent-tisc/status", {"status": "suspended"}, "centre.status_changed",
         "centre:shymkent-tisc"),
        ("/office/staff", {"name": "Дана", "email": "dana@tisc-test.kz", "role": "staff",
                           "centre": "kbtu"}, "account.created", None),
        (f"/office/staff/{staff.id}/move", {"centre": "atyrau-university"}, "account.moved",
         f"user:{staff.id}"),
        (f"/office/staff/{staff.id}/active", {"active": "0", "confirmed": "y"},
         "account.deactivated", f"user:{staff.id}"),
        (f"/office/staff/{staff.id}/active", {"active": "1"}, "account.reactivated",
         f"user:{staff.id}"),
    ]  # fmt: skip
    for path, data, action, target in steps:
        response = client.post(path, data=data, environ_base={"REMOTE_ADDR": "203.0.113.5"})
        assert response.status_code == 302, path
        (entry,) = [e for e in entries(make.app, action) if e.actor_id == coordinator.id]
        assert entry.origin == "203.0.113.5", action
        if target:
            assert entry.target == target, action
    edited = entries(make.app, "centre.edited")[0]
    assert edited.before == {"phone": ""} and edited.after == {"phone": "+7 7252 00"}
    suspended = entries(make.app, "centre.status_changed")[0]
    assert (suspended.before, suspended.after) == ({"status": "active"}, {"status": "suspended"})
    moved = entries(make.app, "account.moved")[0]
    assert moved.before == {"centre": "kbtu"} and moved.after == {"centre": "atyrau-university"}
    created = entries(make.app, "account.created")[-1]
    assert created.after["role"] == "staff" and created.after["invited"] is True


def test_account_actions_are_recorded(app, make):
    person = make.user()
    client = app.test_client()
    client.post("/login", data={"email": person.email, "password": "wrong password here"})
    client.post("/login", data={"email": person.email, "password": person.password})
    client.post(
        "/account/password",
        data={"current_password": person.password, "new_password": "another fine secret phrase",
              "confirm": "another fine secret phrase"},
    )  # fmt: skip
    client.post("/account/sessions/end")
    actions = [(e.action, e.actor_id) for e in entries(app)]
    assert actions[-4:] == [
        ("account.sign_in_failed", None),
        ("account.signed_in", person.id),
        ("account.password_changed", person.id),
        ("account.signed_out_everywhere", person.id),
    ]
    assert entries(app, "account.sign_in_failed")[0].target == f"user:{person.id}"


def test_the_trail_says_which_device_a_person_signed_out(app, make):
    person, coordinator = make.user(), make.user("coordinator", locale="ru")
    laptop, phone, office = app.test_client(), app.test_client(), app.test_client()
    phone.post(
        "/login",
        data={"email": person.email, "password": person.password},
        headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"},
    )
    laptop.post("/login", data={"email": person.email, "password": person.password})
    [ending] = re.findall(r'action="(/account/sessions/\d+/end)"', laptop.get("/account").text)
    laptop.post(ending)
    office.post("/login", data={"email": coordinator.email, "password": coordinator.password})
    page = office.get("/office/audit?action=account.signed_out_device").text
    assert has_cell(page, "Выход на одном устройстве")
    assert "iPhone OS 17_5 like Mac OS X" in page
    assert '<option value="account.signed_out_device" selected>' in page


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET action = 'x'",
                                       "DELETE FROM audit_entries"])  # fmt: skip
def test_the_trail_cannot_be_changed_or_deleted(ctx, make, statement):
    make.user()  # an account created: one entry
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert [e.action for e in entries(make.app)] == ["account.created"]


def test_the_coordinator_reads_filters_and_exports_the_trail(world, as_, make):
    client = as_("coordinator")
    client.post("/office/centres/karaganda-buketov/status", data={"status": "suspended"})
    client.post(
        f"/office/staff/{world.people['staff'].id}/move", data={"centre": "atyrau-university"}
    )
    page = client.get("/office/audit").get_data(as_text=True)
    assert has_cell(page, "Centre status changed") and has_cell(page, "Staff member moved")
    staff = world.people["staff"]  # what each entry is about: named, its kept key beside
    assert f'{staff.name}<div class="text-body-secondary">user:{staff.id}</div>' in page
    assert 'Buketov University<div class="text-body-secondary">centre:karaganda-buketov' in page
    only = client.get("/office/audit?action=centre.status_changed").get_data(as_text=True)
    assert has_cell(only, "Centre status changed") and not has_cell(only, "Staff member moved")
    mine = client.get(f"/office/audit?who={world.people['inventor'].email}").get_data(as_text=True)
    assert not has_cell(mine, "Centre status changed")
    assert client.get("/office/audit?since=2000-01-01&until=1999-01-01").status_code == 400
    export = client.get("/office/audit.csv?action=centre.status_changed")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["When", "Who", "Action", "Action code"] and len(rows) == 2
    assert rows[1][2:4] == ["Centre status changed", "centre.status_changed"]
    (exported,) = entries(make.app, "audit.exported")
    assert exported.actor_id == world.people["coordinator"].id
    assert exported.after == {"filters": {"action": "centre.status_changed"}, "rows": 1}


def test_the_trail_escapes_what_people_typed(world, as_, make):
    client = as_("coordinator")
    client.post("/office/centres/new", data=centre_form(make.app, name_en=HOSTILE))
    page = client.get("/office/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    named = make.user("inventor", name=HOSTILE)  # its registration's entry names it
    page = client.get(f"/office/audit?target=user:{named.id}").get_data(as_text=True)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'{escaped}<div class="text-body-secondary">user:{named.id}' in page
    assert "<script>alert(1)" not in page


def test_a_new_staff_account_is_announced_to_the_centres_staff(world, as_, make):
    make.user("staff", centre="kbtu")  # a second colleague at KBTU
    before = {m.id for m in outbox(make.app)}
    as_("coordinator").post(
        "/office/staff",
        data={"name": "Дана", "email": "dana@tisc-test.kz", "role": "staff", "centre": "kbtu"},
    )
    news = [m for m in outbox(make.app, kind="new_colleague") if m.id not in before]
    with make.app.app_context():
        from tisc.models import User

        kbtu_staff = set(
            db.session.scalars(
                sa.select(User.email).where(
                    User.centre_id == make.centre_id("kbtu"), User.email != "dana@tisc-test.kz"
                )
            )
        )
    assert {m.to_address for m in news} == kbtu_staff and len(kbtu_staff) == 2
    assert all("Дана" in m.body_text for m in news)


def test_a_staff_member_moved_in_is_announced_to_the_centres_staff(world, as_, make):
    """Someone new sees the centre's requests: as when an account is made there."""
    arriving = make.user("staff", centre="atyrau-university", name="Ерлан")
    before = {m.id for m in outbox(make.app)}
    moved = as_("coordinator").post(f"/office/staff/{arriving.id}/move", data={"centre": "kbtu"})
    assert moved.status_code == 302
    news = [m for m in outbox(make.app, kind="new_colleague") if m.id not in before]
    assert [m.to_address for m in news] == [world.people["staff"].email]  # not the one moved
    assert "The national office has moved Ерлан to Kazakh-British" in news[0].body_text


def test_the_exported_trail_never_hands_a_spreadsheet_a_formula(world, as_, make):
    """An address is chosen by whoever registers; as the actor of their own sign-in it
    reaches the coordinator's CSV, where Excel would run it."""
    planted = make.user(email="=cmd|'/ccalc'!a0@tisc-test.kz")
    signing_in = make.app.test_client()
    response = signing_in.post("/login", data={"email": planted.email, "password": PASSWORD})
    assert response.status_code == 302
    export = as_("coordinator").get("/office/audit.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    actors = {row[1] for row in rows[1:]}
    assert "'" + planted.email in actors
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_recorded_codes_are_shown_in_words(world, as_, make):
    """A centre's status, services, languages and town, and an account's role, as the
    reader says them: the trail and the centre's own changes."""
    client = as_("coordinator")
    client.post("/office/centres/new", data=centre_form(make.app, phone=""))
    client.post("/office/centres/shymkent-tisc/status", data={"status": "suspended"})
    client.post("/office/staff", data={"name": "Дана", "email": "dana@tisc-test.kz",
                                      "role": "staff", "centre": "kbtu"})  # fmt: skip
    for page in (client.get("/office/audit"), client.get("/office/centres/shymkent-tisc/edit")):
        text = page.get_data(as_text=True)
        assert "Prior-art search, Patent search and IP training" in text
        town = city_id(make.app, "Shymkent")
        assert ">Shymkent</ins>" in text and f">{town}</ins>" not in text and "Active" in text
        assert "[&#39;prior_art_search" not in text and '∅ → <ins class="user-text">∅' not in text
        assert (
            '<del class="user-text">Active</del> → <ins class="user-text">Suspended' in (text)
            or "<del>Active</del> → <ins>Suspended</ins>" in text
        )
    assert "Centre staff" in client.get("/office/audit?action=account.created").get_data(True)


def test_a_recorded_value_with_no_label_stays_as_it_was_kept(app):
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert recorded(True, "remember") == "Да" and recorded(None, "phone") == "∅"
        assert recorded(["kk", "en"], "languages") == "казахский, английский"
        assert recorded("suspended", "status") == "Приостановлен"
        assert recorded("all", "status") == "all"  # a list's filter, not a centre's status
        assert recorded("xyz", "status", within="filters") == "xyz"
        towns = RecordedNames(cities={13: "Шымкент"})
        assert recorded(13, "city_id", towns) == "Шымкент"
        assert recorded(14, "city_id", towns) == "14"


def test_an_export_records_only_its_list_s_filters_and_how_many_rows_left(world, as_, make):
    client = as_("coordinator")
    client.get("/office/export.csv?region=KZ-75&overdue=")  # the request at KBTU: Almaty
    client.get("/office/export.xlsx?region=KZ-23")  # Atyrau: none
    office_csv, office_xlsx = entries(make.app, "export.downloaded")
    assert office_csv.after == {"filters": {"status": "all", "region_code": "KZ-75"}, "rows": 1}
    assert office_xlsx.after == {"filters": {"status": "all", "region_code": "KZ-23"}, "rows": 0}
    login(client, world.people["staff"])
    client.get("/desk/export.csv?sort=age")
    desk = entries(make.app, "export.downloaded")[-1]
    assert desk.after == {"filters": {"status": "open", "assignee": "any", "sort": "age"},
                          "rows": 1}  # fmt: skip


def test_an_export_s_entry_says_a_search_was_made_never_its_words(world, as_, make):
    """Staff search titles, keywords and inventors' addresses; the coordinator reads the
    trail, and must not learn from it which of a centre's requests hold which words."""
    title = make.row(world.reference)["title"]
    word = title.split()[0]
    as_("staff").get(f"/desk/export.csv?q={word}")
    (exported,) = entries(make.app, "export.downloaded")
    assert exported.after["filters"]["text"] is True and exported.after["rows"] == 1
    assert word not in str(exported.after)
    trail = as_("coordinator").get("/office/audit.csv").get_data(as_text=True)
    assert word not in trail


def test_the_trail_names_fields_and_filters_in_the_reader_s_language(world, as_, make, app):
    client = as_("coordinator")
    client.get("/office/export.csv?region=KZ-71&status=all")
    with app.app_context():
        coordinator = db.session.get(User, world.people["coordinator"].id)
        coordinator.locale = "kk"
        db.session.commit()
    page = client.get("/office/audit?action=export.downloaded").get_data(as_text=True)
    change = re.search(r'<td class="small text-break audit-change"[^>]*>(.*?)</td>', page, re.S)[1]
    assert "Сүзгілер:" in change and "Астана" in change  # the region by its name
    assert "region_code" not in change and "KZ-71" not in change and "all" not in change
    assert "assignee" not in change and "sort" not in change
    inventor = world.people["inventor"]
    app.test_client().post("/login", data={"email": inventor.email, "password": inventor.password})
    signed_in = client.get("/office/audit?action=account.signed_in").get_data(as_text=True)
    assert "remember" not in re.search(r'audit-change"[^>]*>(.*?)</td>', signed_in, re.S)[1]


def test_the_trail_s_csv_speaks_the_reader_s_language_in_the_network_s_time(world, as_, make):
    client = as_("coordinator")
    client.post("/office/centres/karaganda-buketov/status", data={"status": "suspended"})
    export = client.get(
        "/office/audit.csv?action=centre.status_changed", headers={"Accept-Language": "ru"}
    )
    assert export.status_code == 200
    header, row = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert header[:4] == ["Когда", "Кто", "Действие", "Код действия"]
    assert row[0].endswith("+05:00") and datetime.fromisoformat(row[0]).utcoffset()
    assert row[2] == "Статус центра изменён" and row[3] == "centre.status_changed"
    assert "Статус: Активен → Приостановлен" in row[5]
    assert json.loads(row[7]) == {"status": "suspended"}  # the machine's form is kept


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _changes(page: str) -> list[str]:
    """The Change cell of each of the page's entries."""
    return re.findall(r'<td class="small text-break audit-change"[^>]*>(.*?)</td>', page, re.S)


def test_a_staff_member_s_centre_is_named_not_its_slug(world, as_, make):
    """The trail keeps a staff member's centre by its slug (which never changes, so entries
    recorded before read the same): the page and the CSV say the centre's name."""
    client = as_("coordinator")
    client.post("/office/staff", data={"name": "Дана", "email": "dana@tisc-test.kz",
                                      "role": "staff", "centre": "kbtu"})  # fmt: skip
    staff = world.people["staff"]
    client.post(f"/office/staff/{staff.id}/move", data={"centre": "atyrau-university"})
    page = client.get("/office/audit").get_data(as_text=True)
    changes = " ".join(_changes(page))
    assert "Kazakh-British Technical University" in changes
    assert "Kh. Dosmukhamedov Atyrau University" in changes
    assert "kbtu" not in changes and "atyrau-university" not in changes
    rows = _csv(client.get("/office/audit.csv", headers={"Accept-Language": "ru"}))
    said = {row[3]: row[5] for row in rows[1:]}  # each action's last entry
    kbtu, atyrau = (
        "Казахстанско-Британский технический университет",
        "Атырауский университет имени Х. Досмухамедова",
    )
    assert said["account.created"].endswith(f"Центр: {kbtu}")
    assert said["account.moved"] == f"Центр: {kbtu} → {atyrau}"


def test_a_centre_s_name_is_not_labelled_as_a_person_s_in_russian(world, as_, make):
    """ФИО is a person's full name: a centre's name once carried that label."""
    client = as_("coordinator")
    with make.app.app_context():
        city = db.session.scalar(sa.text("SELECT city_id FROM centres WHERE slug = 'kbtu'"))
    form = {"slug": "kbtu", "name_kk": "КБТУ ТҚҚО", "name_ru": "ЦПТИ КБТУ", "name_en": "KBTU TISC",
            "status": "active", "city_id": city, "lat": "43.24",
            "lon": "76.95", "services": ["prior_art_search"], "languages": ["ru"]}  # fmt: skip
    assert client.post("/office/centres/kbtu/edit", data=form).status_code == 302
    rows = _csv(client.get("/office/audit.csv?action=centre.edited",
                           headers={"Accept-Language": "ru"}))  # fmt: skip
    assert "Название центра (английский): " in rows[1][5] and "ФИО" not in rows[1][5]
    history = client.get("/office/centres/kbtu/edit", headers={"Accept-Language": "ru"}).text
    assert "Название центра (английский)" in history


def test_an_export_with_no_filters_says_it_had_the_whole_list(world, as_, make):
    client = as_("coordinator")
    client.get("/office/audit.csv")  # no filters
    page = client.get("/office/audit?action=audit.exported").get_data(as_text=True)
    (change,) = _changes(page)
    assert re.search(r"Filters:</span>\s*<ins[^>]*>None \(the whole list\)</ins>", change)
    rows = _csv(client.get("/office/audit.csv?action=audit.exported"))
    assert re.fullmatch(r"Filters: None \(the whole list\); Rows exported: \d+", rows[1][5])


def test_the_csv_says_when_who_and_on_what_as_the_page_does(world, as_, make, app):
    """Times to the second, as the README shows them; "system or unknown" where nobody
    acted (a failed sign-in); an account by its name beside the kept key."""
    staff = world.people["staff"]
    app.test_client().post("/login", data={"email": staff.email, "password": "not the password"})
    client = as_("coordinator")
    page = client.get("/office/audit?action=account.sign_in_failed").get_data(as_text=True)
    assert "system or unknown" in page
    assert f'{staff.name}<div class="text-body-secondary">user:{staff.id}</div>' in page
    header, row = _csv(client.get("/office/audit.csv?action=account.sign_in_failed"))
    assert header[1] == "Who" and header[4] == "On what"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00", row[0])
    assert row[1] == "system or unknown"
    assert row[4] == f"{staff.name} (user:{staff.id})"


def test_a_new_centre_s_entry_lists_only_the_fields_it_was_given(world, as_, make):
    client = as_("coordinator")
    client.post("/office/centres/new", data=centre_form(make.app, phone=""))
    (change,) = _changes(client.get("/office/audit?action=centre.created").get_data(True))
    assert "Website" in change and "Shymkent TISC" in change
    assert "∅" not in change and "Phone" not in change and "<del" not in change
    (_header, row) = _csv(client.get("/office/audit.csv?action=centre.created"))
    assert "Website: https://auezov.edu.kz" in row[5] and "∅" not in row[5]
    history = client.get("/office/centres/shymkent-tisc/edit").get_data(as_text=True)
    assert "∅" not in history and "Website" in history


def test_a_count_recorded_once_reads_alike_on_the_trail_and_the_centre_s_page(world, as_, make):
    """A suspension records how many open requests it moved, with no count before it: that
    is a number, not a change from nothing."""
    client = as_("coordinator")
    suspended = client.post("/office/centres/kbtu/suspend", data={"mode": "route",
                                                                  "text": "Closed."})  # fmt: skip
    assert suspended.status_code == 302
    history = client.get("/office/centres/kbtu/edit").get_data(as_text=True)
    assert 'Open requests moved</span>: <ins class="user-text">1</ins>' in history
    (change,) = _changes(client.get("/office/audit?action=centre.suspended").get_data(True))
    assert 'Open requests moved:</span> <ins class="user-text">1</ins>' in change
    for page in (history, change):
        assert "∅" not in page


def test_recorded_dates_read_as_the_pages_write_them(world, as_, make, app):
    """A centre's date of joining, and a filtered export's days: the days the coordinator
    chose ("To date" included, although the trail keeps the moment after it)."""
    client = as_("coordinator")
    client.post("/office/centres/new", data=centre_form(make.app, joined_on="2019-09-01"))
    client.get("/office/audit.csv?since=2026-12-01&until=2026-12-05")
    with app.test_request_context():
        joined, since, until = (day(d) for d in (date(2019, 9, 1), date(2026, 12, 1),
                                                 date(2026, 12, 5)))  # fmt: skip
    page = client.get("/office/audit").get_data(as_text=True)
    assert f'Joined the network on:</span> <ins class="user-text">{joined}</ins>' in page
    assert "2019-09-01" not in " ".join(_changes(page))
    history = client.get("/office/centres/shymkent-tisc/edit").get_data(as_text=True)
    assert f'<ins class="user-text">{joined}</ins>' in history
    rows = _csv(client.get("/office/audit.csv?action=audit.exported"))
    assert rows[1][5].startswith(f"Filters: From date: {since}; To date: {until}; ")


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("joined_on", "2019-09-01", date(2019, 9, 1)),
    ("since", "2026-11-30T19:00:00+00:00", datetime(2026, 11, 30, 19, tzinfo=UTC)),
    # the first moment a list leaves out: its day is the day before
    ("until", "2026-12-05T19:00:00+00:00", datetime(2026, 12, 5, 18, 59, 59, 999999, UTC)),
    ("until", "2026-12-05T00:00:00", date(2026, 12, 5)),  # no zone: the day as written
    ("joined_on", None, None),
    ("joined_on", "some day", None),
    ("phone", "2019-09-01", None),  # not a key that holds dates
])  # fmt: skip
def test_the_days_the_trail_records_are_read_as_days(key, value, expected):
    assert audit_fields.recorded_day(key, value) == expected


def test_on_a_phone_each_entry_is_a_card_with_every_column(world, as_, make):
    """Below 768 px (a phone, or a desktop zoomed to 200%) "On what" and "From" were hidden:
    each entry is a card of labelled lines now, with all six."""
    client = as_("coordinator")
    client.post("/office/staff", data={"name": "Dana", "email": "dana@tisc.kz", "role": "staff",
                                       "centre": "kbtu"})  # fmt: skip
    page = client.get("/office/audit").get_data(as_text=True)
    table = re.search(r'<table class="[^"]*audit-trail[^"]*"[\s\S]*?</table>', page)[0]
    assert "list-table" in table[:100] and "d-none" not in table
    rows = re.findall(r"<tr>\s*<td[\s\S]*?</tr>", table)
    assert rows
    for row in rows:
        labels = re.findall(r'<td[^>]* data-label="([^"]+)"', row)
        assert labels == ["When", "Who", "Action", "On what", "Change", "From"]


def _actors(page: str) -> list[str]:
    """The name in the Who cell of each of the page's entries."""
    return re.findall(r'data-label="Who"><div>([^<]*)<div', page)


def _targets(page: str) -> set[str]:
    """The kept keys of what the page's entries are about (those it names)."""
    return set(re.findall(r'data-label="On what"><div>[^<]*<div class="text-body-secondary">'
                          r"([^<]*)</div>", page))  # fmt: skip


def _signs_in(app, *people) -> None:
    for person in people:
        response = app.test_client().post(
            "/login", data={"email": person.email, "password": person.password}
        )
        assert response.status_code == 302


def test_who_finds_people_by_part_of_their_name_or_address_in_any_case(world, as_, make, app):
    """SQLite's LIKE folds ASCII letters only: "бекова" finds "Бекова" all the same, and a
    Kazakh letter typed as the Russian one ("Айгерим") finds it too."""
    aigerim = make.user(name="Айгерім Бекова", email="a.bekova@kbtu.kz")
    dana = make.user(name="Dana Serikova", email="dana@tisc-test.kz")
    _signs_in(app, aigerim, dana)
    client = as_("coordinator")
    page = client.get("/office/audit").text
    assert re.search(r'<label class="form-label" for="who">Who \(name or e-mail\)</label>', page)
    for typed in ("бекова", "БЕКОВА", "АЙГЕРИМ", " айгерім  бекова ", "бек", "bekova@KBTU",
                  "a.bekova@kbtu.kz"):  # fmt: skip
        response = client.get("/office/audit", query_string={"who": typed})
        assert response.status_code == 200
        assert _actors(response.text) == ["Айгерім Бекова"], typed
    both = client.get("/office/audit", query_string={"who": "ova"}).text  # in either address
    assert sorted(_actors(both)) == ["Dana Serikova", "Айгерім Бекова"]
    assert _actors(client.get("/office/audit?who=serik").text) == ["Dana Serikova"]


def test_a_whole_address_finds_its_owner_only(world, as_, make, app):
    """``li@kbtu.kz`` is part of ``ali@kbtu.kz`` too: a whole address, as the filter took
    before it took parts, is the one person's (an export of their actions has theirs only)."""
    li = make.user(name="Li Wei", email="li@kbtu.kz")
    ali = make.user(name="Ali Khan", email="ali@kbtu.kz")
    _signs_in(app, li, ali)
    client = as_("coordinator")
    for typed in ("li@kbtu.kz", " LI@KBTU.KZ "):
        assert _actors(client.get("/office/audit", query_string={"who": typed}).text) == [
            "Li Wei"
        ], typed
    exported = client.get("/office/audit.csv", query_string={"who": "li@kbtu.kz"}).text
    assert "li@kbtu.kz" in exported and "ali@kbtu.kz" not in exported
    both = client.get("/office/audit", query_string={"who": "li@kbtu"}).text  # a part: both
    assert sorted(_actors(both)) == ["Ali Khan", "Li Wei"]


def test_who_takes_what_is_typed_as_it_is_and_nobody_matching_lists_nothing(world, as_, make,
                                                                           app):  # fmt: skip
    """``%`` and ``_`` are not patterns, quotes and backslashes not SQL: each finds the one
    person whose name holds it, and text that names nobody lists no entries, never all."""
    odd = make.user(name='Zhan_Ar%ys O\'Neil \\ "Q"', email="zhan@tisc-test.kz")
    plain = make.user(name="Dana Serikova", email="dana@tisc-test.kz")
    _signs_in(app, odd, plain)
    client = as_("coordinator")
    for typed in ("_", "%", "'", "\\", '"'):
        response = client.get("/office/audit", query_string={"who": typed})
        assert response.status_code == 200
        assert _actors(response.text) == ["Zhan_Ar%ys O&#39;Neil \\ &#34;Q&#34;"], typed
    for typed in ("nobody at all", "' OR '1'='1", "%%", "<script>alert(1)</script>"):
        response = client.get("/office/audit", query_string={"who": typed})
        assert response.status_code == 200, typed
        assert "No entries match." in response.text and not _actors(response.text), typed
        assert "<script>alert(1)" not in response.text
    too_long = client.get("/office/audit", query_string={"who": "ж" * 10_000})
    assert too_long.status_code == 400 and "No entries match." in too_long.text
    assert "Field cannot be longer than 254 characters." in too_long.text
    with_nul = client.get("/office/audit", query_string={"who": "Dana\x00"})
    assert with_nul.status_code == 400 and "cannot be stored" in with_nul.text


def test_on_what_finds_a_centre_or_a_person_by_name_and_still_by_its_key(world, as_, make):
    client = as_("coordinator")
    client.post("/office/centres/karaganda-buketov/status", data={"status": "suspended"})
    client.post("/office/centres/nazarbayev-university/status", data={"status": "suspended"})
    staff = world.people["staff"]
    client.post(f"/office/staff/{staff.id}/move", data={"centre": "atyrau-university"})
    buketov = {"centre:karaganda-buketov"}
    for typed, keys in [
        ("centre:karaganda-buketov", buketov),  # the key, as before
        ("Қарағанды", buketov),  # its Kazakh name
        ("карагандинский", buketov),  # its Russian one, another case
        ("BUKETOV UNIVERSITY", buketov),  # its English one
        ("karaganda-buk", buketov),  # part of its slug
        ("университет", {"centre:karaganda-buketov", "centre:nazarbayev-university"}),
        (f"user:{staff.id}", {f"user:{staff.id}"}),
        ("Centre:Karaganda-Buketov", buketov),  # a key typed in capitals
        (staff.email.upper(), {f"user:{staff.id}"}),  # a person by address
        (staff.name, {f"user:{staff.id}"}),  # and by name
    ]:
        response = client.get("/office/audit", query_string={"target": typed})
        assert response.status_code == 200, typed
        assert _targets(response.text) == keys, typed
    for typed in ("Шымкент", "%", "_", "' OR 1=1 --", "centre:"):
        response = client.get("/office/audit", query_string={"target": typed})
        assert response.status_code == 200, typed
        assert "No entries match." in response.text, typed
    page = client.get("/office/audit").text
    assert "Part of a centre's or a person's name, or a key such as centre:kbtu" in page
    assert client.get("/office/audit", query_string={"target": "k" * 10_000}).status_code == 400


def test_older_entries_and_the_export_keep_who_and_on_what(world, as_, make, app):
    aigerim = make.user(name="Айгерім Бекова", email="a.bekova@kbtu.kz")
    other = make.user(name="Dana Serikova", email="dana@tisc-test.kz")
    with app.app_context():
        for _ in range(60):
            for person in (aigerim, other):
                audit.record("account.signed_in", person.id, f"user:{person.id}")
        db.session.commit()
    client = as_("coordinator")
    first = client.get("/office/audit", query_string={"who": "бекова", "target": "Айгерим"})
    assert _actors(first.text) == ["Айгерім Бекова"] * 50
    older = html.unescape(re.search(r'href="([^"]*before=[^"]*)"[^>]*>Older', first.text)[1])
    assert "who=" in older and "target=" in older
    rest = client.get(older).text
    assert _actors(rest) == ["Айгерім Бекова"] * 10 and "Older entries" not in rest
    export = html.unescape(re.search(r'href="([^"]*audit\.csv[^"]*)"', first.text)[1])
    rows = _csv(client.get(export))
    assert len(rows) == 61 and {row[1] for row in rows[1:]} == {"a.bekova@kbtu.kz"}
    (exported,) = entries(make.app, "audit.exported")
    assert exported.after == {"filters": {"who": "бекова", "target": "Айгерим"}, "rows": 60}
    (change,) = _changes(client.get("/office/audit?action=audit.exported").text)
    assert '<ins class="user-text">Who (name or e-mail): бекова; On what: Айгерим</ins>' in change


def test_without_sign_ins_hides_routine_sign_ins_but_never_failed_ones(world, as_, make, app):
    staff, inventor = world.people["staff"], world.people["inventor"]
    _signs_in(app, staff, inventor)
    app.test_client().post("/login", data={"email": staff.email, "password": "not the password"})
    client = as_("coordinator")
    client.post("/office/centres/karaganda-buketov/status", data={"status": "suspended"})
    everything = client.get("/office/audit").text
    assert has_cell(everything, "Signed in") and has_cell(everything, "Failed sign-in")
    assert re.search(r'<input type="checkbox"[^>]*name="without_sign_ins"(?![^>]*checked)',
                     everything)  # unchecked unless asked  # fmt: skip
    page = client.get("/office/audit?without_sign_ins=y").text
    assert not has_cell(page, "Signed in")
    assert has_cell(page, "Failed sign-in") and has_cell(page, "Centre status changed")
    assert re.search(r'<input type="checkbox"[^>]*name="without_sign_ins"[^>]*checked', page)
    assert "Failed sign-ins are still listed." in page
    signed_in = client.get("/office/audit?action=account.signed_in&without_sign_ins=y").text
    assert "No entries match." in signed_in
    rows = _csv(client.get("/office/audit.csv?without_sign_ins=y"))
    actions = [row[3] for row in rows[1:]]
    assert "account.sign_in_failed" in actions and "account.signed_in" not in actions
    exported = entries(make.app, "audit.exported")[-1]
    assert exported.after == {"filters": {"without_sign_ins": True}, "rows": len(actions)}
    (change,) = _changes(client.get("/office/audit?action=audit.exported").text)
    assert '<ins class="user-text">Without sign-ins: Yes</ins>' in change


def test_older_entries_keep_out_sign_ins(world, as_, make, app):
    staff = world.people["staff"]
    with app.app_context():
        for _ in range(60):
            audit.record("account.signed_in", staff.id, f"user:{staff.id}")
            audit.record("account.signed_out_everywhere", staff.id, f"user:{staff.id}")
        db.session.commit()
    client = as_("coordinator")
    first = client.get("/office/audit?without_sign_ins=y&who=" + staff.email).text
    older = html.unescape(re.search(r'href="([^"]*before=[^"]*)"[^>]*>Older', first)[1])
    assert "without_sign_ins=y" in older
    rest = client.get(older).text
    assert not has_cell(first, "Signed in") and not has_cell(rest, "Signed in")
    assert len(_actors(first)) + len(_actors(rest)) == 60


def test_a_list_s_change_says_what_was_added_and_removed(world, as_, make):
    """A centre's services and languages: "added …; removed …", not both whole lists;
    a value that is no list still reads "before → after"."""
    client = as_("coordinator")
    client.post("/office/centres/new", data=centre_form(make.app))
    edited = centre_form(make.app, services=["prior_art_search", "ip_consultation"],
                         languages=["kk", "ru", "en"], website="https://auezov.kz")  # fmt: skip
    assert client.post("/office/centres/shymkent-tisc/edit", data=edited).status_code == 302
    client.post("/office/centres/shymkent-tisc/edit", data=edited | {"languages": ["ru"]})
    added_and_removed = (
        'added <ins class="user-text">IP consultation</ins>; '
        'removed <del class="user-text">Patent search and IP training</del>'
    )
    page = client.get("/office/audit?action=centre.edited").text
    only_removed, both = _changes(page)  # newest first
    assert f"Services:</span> {added_and_removed}</div>" in both
    assert 'Languages:</span> added <ins class="user-text">English</ins></div>' in both
    assert "Prior-art search" not in both and "Kazakh" not in both  # kept: not a change
    assert ('Website:</span> <del class="user-text">https://auezov.edu.kz</del> → '
            '<ins class="user-text">https://auezov.kz</ins>') in both  # fmt: skip
    assert 'Languages:</span> removed <del class="user-text">Kazakh, English</del>' in only_removed
    history = client.get("/office/centres/shymkent-tisc/edit").text
    assert f"Services</span>: {added_and_removed}</li>" in history
    rows = _csv(client.get("/office/audit.csv?action=centre.edited"))
    assert rows[1][5] == (
        "Website: https://auezov.edu.kz → https://auezov.kz; "
        "Services: added IP consultation; removed Patent search and IP training; "
        "Languages: added English"
    )
    assert rows[2][5] == "Languages: removed Kazakh, English"


def test_a_list_s_values_are_escaped_where_added_and_removed(world, as_, make, app):
    with app.app_context():
        audit.record("centre.edited", None, "centre:kbtu", {"services": ["<b>old</b>"]},
                     {"services": [HOSTILE]})  # fmt: skip
        db.session.commit()
    (change,) = _changes(as_("coordinator").get("/office/audit?action=centre.edited").text)
    assert 'added <ins class="user-text">&lt;script&gt;alert(1)&lt;/script&gt;</ins>' in change
    assert 'removed <del class="user-text">&lt;b&gt;old&lt;/b&gt;</del>' in change
    assert "<script>" not in change and "<b>" not in change
