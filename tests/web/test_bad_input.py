"""Bad input, one table: each case gets a clear answer (never a 500) and changes nothing.

Runs on SQLite and PostgreSQL alike (PostgreSQL refuses NUL characters in text
and integers beyond its column types, which SQLite lets through).
"""

import io
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from tests.factories import PDF
from tisc.extensions import db

HUGE = "99999999999999999999"


@dataclass(frozen=True)
class Case:
    who: str
    method: str
    url: str
    data: dict = field(default_factory=dict)
    files: int = 0  # how many PDF attachments to send in the form's "files" field
    status: int = 400
    says: str = ""


def submission(**changes) -> dict:
    data = {
        "service": "prior_art_search", "title": "A brick", "description": "It keeps heat.",
        "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
    }  # fmt: skip
    return data | changes


CASES = {
    "hours spent sNaN": Case(
        "staff", "POST", "/requests/{busy}/complete",
        {"complete-outcome": "advice_given", "complete-summary": "Done",
         "complete-hours_spent": "sNaN", "complete-documents_cited": "0"},
    ),
    "hours spent Infinity": Case(
        "staff", "POST", "/requests/{busy}/complete",
        {"complete-outcome": "advice_given", "complete-summary": "Done",
         "complete-hours_spent": "Infinity", "complete-documents_cited": "0"},
    ),
    "six attachments on a submission": Case(
        "inventor", "POST", "/requests/new", submission(), files=6, says="Attach at most 5 files"
    ),
    "six attachments on a message": Case(
        "inventor", "POST", "/requests/{ref}/message",
        {"message-text": "Here they are", "message-version": "{version}"}, files=6,
        says="Attach at most 5 files",
    ),
    "too many IPC classes": Case(
        "inventor", "POST", "/requests/new",
        submission(ipc_classes="; ".join(f"A01B {n}/00" for n in range(1, 30))),
        says="Give at most 20 IPC classes",
    ),
    "NUL in a submission's title": Case(
        "inventor", "POST", "/requests/new", submission(title="A\x00brick"),
        says="character that cannot be stored",
    ),
    "NUL in a submission's hidden token (no field to mark)": Case(
        "inventor", "POST", "/requests/new", submission(once="tok\x00en"),
        says="character that cannot be stored",
    ),
    "NUL in a message": Case(
        "inventor", "POST", "/requests/{ref}/message",
        {"message-text": "Hello\x00there", "message-version": "{version}"},
        says="character that cannot be stored",
    ),
    "NUL in an internal note": Case(
        "staff", "POST", "/requests/{ref}/note",
        {"note-text": "\x00", "note-version": "{version}"}, says="character that cannot be stored",
    ),
    "NUL in a sign-in address": Case(
        "anonymous", "POST", "/login", {"email": "a\x00@example.kz", "password": "x" * 12},
        says="character that cannot be stored",
    ),
    "NUL in a registration name": Case(
        "anonymous", "POST", "/register",
        {"name": "Ali\x00", "email": "ali@example.kz", "password": "correct horse battery",
         "confirm": "correct horse battery"},
        says="character that cannot be stored",
    ),
    "a control character in a registration name": Case(
        "anonymous", "POST", "/register",
        {"name": "Ali\x1b[31m", "email": "ali@example.kz",
         "password": "correct horse battery", "confirm": "correct horse battery",
         "requester_category": "student"},
        says="Keep this to one line",
    ),
    "a control character in a submission's title": Case(
        "inventor", "POST", "/requests/new", submission(title="A brick\x07"),
        says="Keep this to one line",
    ),
    "a control character in a profile name": Case(
        "inventor", "POST", "/account", {"name": "Ali\x7fya", "locale": ""},
        says="Keep this to one line",
    ),
    # Zero-width spaces, word joiners, direction marks, a byte order mark: not whitespace to
    # Python, and nothing to see. Such a title was listed as an empty one.
    "a submission's title of invisible characters": Case(
        "inventor", "POST", "/requests/new", submission(title="\u200b\u200f\u2060"),
        says="This field is required.",
    ),
    "a note of invisible characters": Case(
        "staff", "POST", "/requests/{ref}/note",
        {"note-text": "\u200b \ufeff", "note-version": "{version}"},
        says="This field is required.",
    ),
    "a registration name of invisible characters": Case(
        "anonymous", "POST", "/register",
        {"name": "\u2060\u200e", "email": "ali@example.kz",
         "password": "correct horse battery", "confirm": "correct horse battery",
         "requester_category": "student"},
        says="This field is required.",
    ),
    "NUL in the directory's search": Case(
        "anonymous", "GET", "/centres?q=univ%00ersity", says="character that cannot be stored"
    ),
    "NUL in a centre's address": Case("anonymous", "GET", "/centres/kbtu%00", status=404),
    "NUL in a reference": Case("inventor", "GET", "/requests/TISC-2026-00001%00", status=404),
    "NUL in a profile name": Case(
        "inventor", "POST", "/account", {"name": "\x00", "locale": ""},
        says="character that cannot be stored",
    ),
    "NUL in a centre's name": Case(
        "coordinator", "POST", "/office/centres/kbtu/edit", {"name_en": "K\x00BTU"},
        says="character that cannot be stored",
    ),
    "a file id too large for the database": Case(
        "inventor", "GET", "/requests/{ref}/files/" + HUGE, status=404
    ),
    "a staff id too large for the database (move)": Case(
        "coordinator", "POST", f"/office/staff/{HUGE}/move", {"centre": "kbtu"}, status=404
    ),
    "a staff id too large for the database (deactivate)": Case(
        "coordinator", "POST", f"/office/staff/{HUGE}/active", {"active": "0"}, status=404
    ),
    "an assignee id too large for the database": Case(
        "staff", "POST", "/requests/{ref}/assign",
        {"assign-assignee": HUGE, "assign-version": "{version}"},
    ),
    "a transfer target too large for the database": Case(
        "staff", "POST", "/requests/{ref}/transfer",
        {"transfer-centre": HUGE, "transfer-text": "Elsewhere", "transfer-version": "{version}"},
    ),
    "a preferred centre too large for the database": Case(
        "inventor", "POST", "/requests/new", submission(preferred_centre=HUGE)
    ),
    "a page cursor beyond the database's integers": Case(
        "staff", "GET", f"/desk?after=1.{HUGE[:18]}", status=200
    ),
    "a version too large for the database": Case(
        "inventor", "POST", "/requests/{ref}/message",
        {"message-text": "Hello", "message-version": HUGE}, status=409,
    ),
    # A blank passed Optional() as a choice (WTForms takes it for nothing given and forgets
    # the not-a-choice error) and reached the view: now it is nothing given.
    "a blank 'near' in the directory": Case("anonymous", "GET", "/centres?near=%20", status=200),
    "a blank radius on the map": Case("anonymous", "GET", "/map?radius=%20", status=200),
    "a blank status on the desk": Case("staff", "GET", "/desk?status=%0A%0D", status=200),
    "a blank service on the desk": Case("staff", "GET", "/desk?service=%20", status=200),
    "a blank centre in the office's list": Case(
        "coordinator", "GET", "/office?centre=%20&status=%20", status=200
    ),
    "a blank centre on the dashboard": Case(
        "coordinator", "GET", "/office/dashboard?centre=%20", status=200
    ),
    # Beyond 10^308 NumberRange's float comparison failed (an OverflowError).
    "a 400-digit page of the directory": Case("anonymous", "GET", "/centres?page=" + "9" * 400),
    "a 400-digit reach on the coverage page": Case(
        "coordinator", "GET", "/office/coverage?radius=" + "9" * 400,
        says="Not a valid integer value",
    ),
    "a 400-digit year of the WIPO report": Case(
        "coordinator", "GET", "/office/reports/wipo?year=" + "9" * 400
    ),
    "400 digits of documents cited": Case(
        "staff", "POST", "/requests/{busy}/complete",
        {"complete-outcome": "advice_given", "complete-summary": "Done",
         "complete-hours_spent": "1", "complete-documents_cited": "9" * 400},
        says="Not a valid integer value",
    ),
    # Ids beyond the database's integers: SQLite failed to bind them (an OverflowError).
    "a duplicate flag id too large for the database": Case(
        "staff", "POST", "/requests/{ref}/link_duplicate",
        {"link_duplicate-flag": HUGE, "link_duplicate-version": "{version}"},
    ),
    "a centre id too large for the database (the network's events)": Case(
        "coordinator", "GET", f"/office/events?centre={HUGE}", status=200
    ),
    "an audit cursor below any id": Case(
        "coordinator", "GET", f"/office/audit?before=-{HUGE}", status=200
    ),
    "the calendar's last day as the audit's last": Case(
        "coordinator", "GET", "/office/audit?until=9999-12-31&since=0001-01-01", status=200
    ),
}  # fmt: skip

COUNTED = ("service_requests", "request_events", "request_files", "users", "outbox_messages")


def counts() -> dict[str, int]:
    return {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in COUNTED}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(world, as_, make, name):
    case = CASES[name]
    people = world.people
    busy = make.request_in("in_progress", people["inventor"], people["staff"])
    values = {"ref": world.reference, "busy": busy, "version": make.row(world.reference)["version"]}
    url = case.url.format(**values)
    data = {key: str(value).format(**values) for key, value in case.data.items()}
    if case.files:
        data["files" if "new" in url else "message-files"] = [
            (io.BytesIO(PDF), f"{n}.pdf") for n in range(case.files)
        ]
    with make.app.app_context():
        before = counts()
    rows = (make.row(world.reference), make.row(busy))
    client = as_(case.who)
    response = client.open(url, method=case.method, data=data)
    assert response.status_code == case.status, response.get_data(as_text=True)[:2000]
    if case.says:
        assert case.says in response.get_data(as_text=True)
    with make.app.app_context():
        assert counts() == before
    assert (make.row(world.reference), make.row(busy)) == rows


@pytest.mark.parametrize(
    ("who", "url", "data", "field", "kept"),
    [
        ("inventor", "/requests/new", submission(title="A\x00brick"), "title", "It keeps heat."),
        ("inventor", "/requests/{ref}/message", {"message-text": "Hello\x00there",
         "message-version": "{version}"}, "message-text", "Hello\ufffdthere"),
        ("anonymous", "/register", {"name": "Ali\x00ya", "email": "ali@example.kz",
         "password": "correct horse battery", "confirm": "correct horse battery"}, "name",
         'value="ali@example.kz"'),
        ("coordinator", "/office/centres/kbtu/edit", {"name_en": "K\x00BTU"}, "name_en",
         'value="K\ufffdBTU"'),
    ],
)  # fmt: skip
def test_a_nul_in_a_page_form_is_refused_on_its_field_keeping_what_was_typed(
    world, as_, make, who, url, data, field, kept
):
    """It answered the site's 400 page, and what was typed was lost."""
    values = {"ref": world.reference, "version": make.row(world.reference)["version"]}
    data = {key: value.format(**values) for key, value in data.items()}
    with make.app.app_context():
        before = counts()
    response = as_(who).post(url.format(**values), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert "character that cannot be stored (NUL)" in error
    assert kept in page
    with make.app.app_context():
        assert counts() == before
    assert make.row(world.reference)["version"] == values["version"]


@pytest.mark.parametrize("given", ["banana", "1\x00", ""])
def test_a_staff_account_is_changed_only_by_one_of_its_two_buttons(make, as_, given):
    """Anything but "1" was read as "deactivate": confirmed, it signed the person out."""
    staff = make.user(role="staff", centre="kbtu")
    response = as_("coordinator").post(
        f"/office/staff/{staff.id}/active", data={"active": given, "confirmed": "y"}
    )
    assert response.status_code == 400
    with make.app.app_context():
        assert db.session.scalar(sa.text(f"SELECT active FROM users WHERE id = {staff.id}"))


def test_a_multipart_part_without_a_name_is_a_400_not_an_error(client):
    """A malformed part (its name a lone carriage return) reaches the form without a name."""
    body = b'--B\r\nContent-Disposition: form-data; name="%0D"\r\n\r\nnull\r\n--B--\r\n'
    for url in ("/login", "/api/v1/requests"):
        response = client.post(url, data=body, content_type="multipart/form-data; boundary=B")
        assert response.status_code in (400, 401), url


def test_a_multipart_part_without_any_name_is_a_400_not_an_error(world, as_):
    """Flask-WTF's CSRF check itself failed on such a part, before any view."""
    body = b"--B\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--B--\r\n"
    for who, url in (("anonymous", "/login"), ("inventor", "/requests/new")):
        response = as_(who).post(url, data=body, content_type="multipart/form-data; boundary=B")
        assert response.status_code == 400, url
        assert "has no name" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/x-www-form-urlencoded", b"email=a%40example.kz&title=\xff\xfe&password=x"),
     ("multipart/form-data; boundary=B",
      b'--B\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc'),
     ("multipart/form-data", b'--B\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
                             b"abc\r\n--B--\r\n")],
    ids=["not UTF-8", "cut off", "no boundary"],
)  # fmt: skip
def test_a_form_that_cannot_be_read_is_said_so_not_called_empty(world, as_, make, content_type,
                                                                body):  # fmt: skip
    """Werkzeug reads such a body as no fields: the form then said each field was missing."""
    with make.app.app_context():
        before = counts()
    for who, url in (("anonymous", "/login"), ("inventor", "/requests/new")):
        response = as_(who).post(url, data=body, content_type=content_type)
        assert response.status_code == 400, url
        page = response.get_data(as_text=True)
        assert "could not be read as a form" in page, url
        assert "This field is required" not in page
    with make.app.app_context():
        assert counts() == before


@pytest.mark.parametrize(
    ("who", "url", "field", "data"),
    [
        ("anonymous", "/login", "email", {"password": "x" * 12}),
        ("anonymous", "/register", "name", {"email": "a@example.kz"}),
        ("inventor", "/requests/new", "title", submission(title=None)),
        ("staff", "/requests/{ref}/note", "note-text", {"note-version": "{version}"}),
    ],
)
def test_a_file_sent_for_a_text_field_is_no_text(world, as_, make, who, url, field, data):
    """A crafted multipart post: the file reached the field's Length validator (a 500)."""
    values = {"ref": world.reference, "version": make.row(world.reference)["version"]}
    data = {k: str(v).format(**values) for k, v in data.items() if v is not None}
    data[field] = (io.BytesIO(b"not a text"), "a.txt")
    with make.app.app_context():
        before = counts()
    response = as_(who).post(url.format(**values), data=data)
    assert response.status_code in (200, 400), response.status_code  # the form, with its errors
    with make.app.app_context():
        assert counts() == before


def test_a_user_agent_with_control_characters_is_kept_without_them(make, client):
    """PostgreSQL refuses a NUL: signing in (and registering, changing a password) with
    such a User-Agent once answered 500, after the account had changed."""
    from tisc.models import AuthSession

    person = make.user()
    response = client.post(
        "/login", data={"email": person.email, "password": person.password},
        headers={"User-Agent": "Mozilla\x00/5.0 \x1b[31m" + "x" * 300},
    )  # fmt: skip
    assert response.status_code == 302
    with make.app.app_context():
        kept = db.session.scalars(
            sa.select(AuthSession.user_agent).where(AuthSession.user_id == person.id)
        ).one()
    assert kept == ("Mozilla/5.0 [31m" + "x" * 300)[:200]


@pytest.mark.parametrize("target", ["/%0D%0ASet-Cookie:%20a%3Db", "/x%0Ay", "/%09tab"])
def test_a_next_page_with_a_line_break_is_ignored_not_an_error(make, client, target):
    """Werkzeug refuses a line break in the Location header: signing in with such a
    ``next`` once answered 500 after the session had been made."""
    person = make.user()
    response = client.post(
        f"/login?next={target}", data={"email": person.email, "password": person.password}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/requests"  # home
    switched = client.post("/locale", data={"locale": "ru", "next": "/\n"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"


def test_a_refusal_with_several_problems_puts_each_on_its_own_field(app):
    from tisc.domain.errors import Invalid
    from tisc.forms.requests import CompleteForm
    from tisc.web.feedback import show_on_form

    with app.test_request_context():
        form = CompleteForm(meta={"csrf": False})
        refusal = Invalid.together([
            Invalid("summary", "Summarise the result for the inventor."),
            Invalid("hours_spent", "Give the hours spent as a number."),
            Invalid("elsewhere", "Not a field of this form."),
        ])  # fmt: skip
        show_on_form(form, refusal)
    assert form.summary.errors == ["Summarise the result for the inventor."]
    assert form.hours_spent.errors == ["Give the hours spent as a number."]
    assert form.form_errors == ["Not a field of this form."]
