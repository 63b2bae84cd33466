"""A request submitted and worked only through the API is the same request, on the pages,
as one submitted and worked through the pages: the same rows, the same timeline, the same
page for each person."""

import io
import re

import sqlalchemy as sa
from markupsafe import escape

from tests.factories import PDF, login, today_in_kazakhstan
from tisc.extensions import db
from tisc.models import RequestEvent, RequestFile, User
from tisc.services import tokens

SUBMISSION = {
    "service": "prior_art_search", "title": "Жылу сақтайтын кірпіш <b>", "description":
    "Кірпіштің ішінде фазалық ауысу материалы бар. «Құпия»", "technical_field": "Құрылыс",
    "keywords": "кірпіш, жылу", "ipc_classes": "E04B 1/76", "region_code": "KZ-75",
    "preferred_language": "kk",
}  # fmt: skip
# (who, action, fields): the journey of one request, the same through either door.
JOURNEY = [
    ("staff", "assign", {"assignee": "{staff_id}"}),
    ("staff", "start", {}),
    ("staff", "ask", {"text": "Қай нарықтар? <script>alert(1)</script>"}),
    ("inventor", "reply", {"text": "Қазақстан мен Ресей."}),
    ("staff", "note", {"text": "Ішкі ескерту: KZ 12345 қарау"}),
    ("staff", "complete", {"outcome": "prior_art_found", "summary": "Үш құжат табылды.",
                           "hours_spent": "3.5", "documents_cited": "3"}),
    ("inventor", "rate", {"rating": "5", "text": "Рақмет!"}),
    ("inventor", "record_filing", {"ip_right": "utility_model", "office": "kazpatent",
                                   "application_number": "2026/0042.2",
                                   "filed_on": today_in_kazakhstan().isoformat()}),
]  # fmt: skip
# Columns that differ between any two requests, whichever door they came in by.
OWN = {"id", "reference", "title", "created_at", "updated_at", "due_at", "closed_at",
       "submission_token", "version"}  # fmt: skip


def through_the_api(make, inventor, staff) -> str:
    client = make.app.test_client()
    secrets = {}
    with make.app.app_context():
        for who, person in (("inventor", inventor), ("staff", staff)):
            secrets[who] = tokens.create(db.session.get(User, person.id), "t", "write", 30)[1]

    def call(who, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {secrets[who]}", **kwargs.pop("headers", {})}
        return client.open(path, method=method, headers=headers, **kwargs)

    response = call(
        "inventor", "POST", "/api/v1/requests",
        data={**SUBMISSION, "title": SUBMISSION["title"] + " A", "confidentiality_ack": "true",
              "files": [(io.BytesIO(PDF), "сызба.pdf")]},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    reference = response.get_json()["reference"]
    assert response.headers["Location"].endswith(f"/api/v1/requests/{reference}")
    etag = response.headers["ETag"]
    staff_id = call("staff", "GET", "/api/v1/me").json["id"]  # the API's own, not the fixture's
    for who, action, fields in JOURNEY:
        data = {k: v.format(staff_id=staff_id) for k, v in fields.items()}
        response = call(who, "POST", f"/api/v1/requests/{reference}/actions/{action}",
                        data=data, headers={"If-Match": etag})  # fmt: skip
        assert response.status_code == 200, (action, response.get_json())
        etag = response.headers["ETag"]  # the version: a note on the side leaves it be
        assert etag == f'"{response.get_json()["version"]}"'
        # The answer is the request as it now stands: what reading it again gives.
        assert response.get_json() == call(who, "GET", f"/api/v1/requests/{reference}").json

    return reference


def through_the_pages(make, inventor, staff) -> str:
    browsers = {"inventor": make.app.test_client(), "staff": make.app.test_client()}
    login(browsers["inventor"], inventor)
    login(browsers["staff"], staff)
    page = browsers["inventor"].get("/requests/new").get_data(as_text=True)
    once = re.search(r'name="once"[^>]*value="([^"]+)"', page)[1]
    response = browsers["inventor"].post(
        "/requests/new",
        data={**SUBMISSION, "title": SUBMISSION["title"] + " P", "confidentiality_ack": "y",
              "once": once, "send_anyway": "y",
              "files": [(io.BytesIO(PDF), "сызба.pdf")]},
    )  # fmt: skip
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    for who, action, fields in JOURNEY:
        data = {k: v.format(staff_id=staff.id) for k, v in fields.items()}
        version = make.row(reference)["version"]
        data = {f"{action}-{k}": v for k, v in {**data, "version": version}.items()}
        response = browsers[who].post(f"/requests/{reference}/{action}", data=data)
        assert response.status_code == 302, (action, response.get_data(as_text=True)[-800:])
    return reference


def events(make, reference: str) -> list[tuple]:
    with make.app.app_context():
        request_id = make.row(reference)["id"]
        return [
            (e.action, e.from_status, e.to_status, e.actor_id, e.assignee_id, e.text, e.internal)
            for e in db.session.scalars(
                sa.select(RequestEvent)
                .where(RequestEvent.request_id == request_id)
                .order_by(RequestEvent.id)
            )
        ]


def files(make, reference: str) -> list[tuple]:
    with make.app.app_context():
        request_id = make.row(reference)["id"]
        return db.session.execute(
            sa.select(RequestFile.filename, RequestFile.size, RequestFile.sha256).where(
                RequestFile.request_id == request_id
            )
        ).all()


def shown(page: str, reference: str, title: str) -> str:
    """The page's main part with what necessarily differs between the two requests taken out
    (the header's count of unread requests changes as the person reads them)."""
    page = page[page.index("<main") : page.index("</main>")]
    page = page.replace(reference, "REF").replace(str(escape(title)), "TITLE")
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    page = re.sub(r"<time[^>]*>[^<]*</time>", "", page)  # the moments, not the steps
    page = re.sub(r"\b\d{1,2}:\d{2}(?: [AP]M)?", "HH:MM", page)  # the two may straddle a minute
    page = re.sub(r"/files/\d+", "/files/N", page)
    return re.sub(r'(name="[\w-]*version" [^>]*value=")\d+', r"\1V", page)


def test_a_request_worked_through_the_api_is_the_same_on_the_pages(make):
    inventor, staff = make.user(name="Әлия"), make.user("staff", centre="kbtu", name="Бекзат")
    coordinator = make.user("coordinator")
    by_api = through_the_api(make, inventor, staff)
    by_pages = through_the_pages(make, inventor, staff)

    api_row, page_row = make.row(by_api), make.row(by_pages)
    assert api_row["status"].value == "completed" and api_row["rating"] == 5
    assert {k: v for k, v in api_row.items() if k not in OWN} == {
        k: v for k, v in page_row.items() if k not in OWN
    }
    assert api_row["version"] == page_row["version"]
    assert events(make, by_api) == events(make, by_pages)
    assert files(make, by_api) == files(make, by_pages) != []

    for person, path in ((inventor, "/requests"), (staff, "/requests"),
                         (coordinator, "/office/requests")):  # fmt: skip
        browser = make.app.test_client()
        login(browser, person)
        pages = []
        for reference, suffix in ((by_api, " A"), (by_pages, " P")):
            response = browser.get(f"{path}/{reference}")
            assert response.status_code == 200
            pages.append(shown(response.get_data(as_text=True), reference,
                               SUBMISSION["title"] + suffix))  # fmt: skip
        assert pages[0] == pages[1], f"{person.role}: the two requests' pages differ"
        assert "<script>alert(1)</script>" not in pages[0]
