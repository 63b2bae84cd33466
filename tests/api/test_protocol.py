"""How the API speaks: cursor pages with Link headers, versions as ETags, problem+json in
the reader's language, idempotent submissions, files in and out, the figures."""

import io
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from tests.conftest import settings_for
from tests.factories import PDF, today_in_kazakhstan
from tisc import create_app
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import events

SUBMISSION = {
    "service": "patentability", "title": "Күн панелі", "description": "Құпия сипаттама",
    "region_code": "KZ-75", "preferred_language": "ru", "confidentiality_ack": "true",
}  # fmt: skip


def next_link(response) -> str | None:
    found = re.match(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return found[1] if found else None


def test_pages_follow_the_cursor_to_every_request_once_in_the_queue_s_order(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    made = {make.request(inventor, title=f"Өтінім {n}") for n in range(23)}
    make.request(inventor, region="KZ-23")  # Atyrau's: not this desk's
    headers = bearer(staff)
    seen, url, pages = [], "/api/v1/requests?limit=10", 0
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        seen += [row for row in response.get_json()]
        url, pages = next_link(response), pages + 1
    assert pages == 3
    assert [row["reference"] for row in seen if True] and {r["reference"] for r in seen} == made
    assert len(seen) == 23
    dues = [row["due_at"] for row in seen]
    assert dues == sorted(dues)  # the desk's order: the most urgent first
    assert "description" not in seen[0]  # lists are brief


def test_lists_keep_to_what_each_person_may_see(make, client, bearer):
    mine, theirs = make.user(), make.user()
    make.request(mine, title="Менікі")
    make.request(theirs, title="Басқанікі")
    rows = client.get("/api/v1/requests", headers=bearer(mine)).get_json()
    assert [row["title"] for row in rows] == ["Менікі"]
    office = client.get("/api/v1/requests", headers=bearer(make.user("coordinator"))).get_json()
    assert len(office) == 2 and all("title" not in row for row in office)  # metadata only


def test_search_finds_what_the_pages_find_within_each_person_s_scope(make, client, bearer):
    inventor, other = make.user(), make.user()
    staff = make.user("staff", centre="kbtu")
    brick = make.request(inventor, title="Кірпіш пеші", keywords="керамика")
    make.request(inventor, title="Күн панелі")
    make.request(other, title="Кірпіш зауыты")

    def found(person, q):
        response = client.get("/api/v1/requests", query_string={"q": q}, headers=bearer(person))
        assert response.status_code == 200
        return sorted(row["reference"] for row in response.get_json())

    assert found(inventor, "кірп") == [brick]  # a word's start, their own requests only
    assert len(found(staff, "кірпіш")) == 2  # the centre's requests, both inventors'
    assert found(staff, "керамика кірпіш") == [brick]  # every word required
    coordinator = make.user("coordinator")
    assert found(coordinator, "кірпіш") == []  # the office searches by reference only
    assert found(coordinator, brick) == [brick]
    too_long = client.get("/api/v1/requests?q=" + "x" * 201, headers=bearer(inventor))
    assert too_long.status_code == 400


def test_a_search_that_considered_only_its_newest_matches_says_how_many(
    make, client, bearer, monkeypatch
):
    from tisc.services import search

    monkeypatch.setattr(search, "NEWEST", 2)
    monkeypatch.setattr(search, "_common_elements", dict)  # every word rare (PostgreSQL)
    inventor = make.user()
    made = [make.request(inventor, title=f"Кірпіш {word}") for word in ("бір", "екі", "үш")]
    response = client.get("/api/v1/requests?q=кірпіш", headers=bearer(inventor))
    assert response.headers["TISC-Search-Newest"] == "2"
    assert sorted(row["reference"] for row in response.get_json()) == made[1:]
    response = client.get("/api/v1/requests?q=кірпіш+екі", headers=bearer(inventor))
    assert "TISC-Search-Newest" not in response.headers


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=x", "status=nonsense", "sort=up", "colour=red",
     "after=" + "x" * 49],
)  # fmt: skip
def test_bad_list_parameters_are_named_in_the_problem(make, client, bearer, query):
    response = client.get(f"/api/v1/requests?{query}", headers=bearer(make.user()))
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/invalid"
    assert problem["errors"][0]["field"] == query.split("=")[0]


NOT_FOR_ROLE = "This filter is not available to your role."
INVENTORS_REFUSED = ["status=completed", "service=training", "overdue=true", "sort=age",
                     "assignee=me", "centre=kbtu", "region=KZ-75"]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "query"),
    [*(("inventor", query) for query in INVENTORS_REFUSED),
     ("staff", "centre=kbtu"), ("staff", "region=KZ-75"), ("staff", "status=all&centre=kbtu"),
     ("coordinator", "assignee=me"), ("coordinator", "sort=age")],
)  # fmt: skip
def test_a_filter_the_caller_s_role_does_not_have_is_refused_by_name(make, client, bearer, who,
                                                                     query):  # fmt: skip
    """Accepted and dropped, it answered as if applied: an inventor asking for completed
    requests got every one of theirs, staff asking for another centre's got their own."""
    person = make.user(who, centre="nazarbayev-university" if who == "staff" else None)
    make.request(make.user(), service="prior_art_search")  # KBTU's, in KZ-75
    response = client.get(
        f"/api/v1/requests?{query}", headers=bearer(person) | {"Accept-Language": "en"}
    )
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/invalid"
    field = query.split("&")[-1].split("=")[0]
    assert problem["errors"] == [{"field": field, "message": NOT_FOR_ROLE}]
    assert problem["detail"] == NOT_FOR_ROLE


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_filter_the_role_does_not_have_is_named_in_the_reader_s_language(
    app, make, client, bearer, language
):
    query = "&".join(INVENTORS_REFUSED) + "&q=brick&limit=5"
    response = client.get(
        f"/api/v1/requests?{query}", headers=bearer(make.user()) | {"Accept-Language": language}
    )
    assert response.status_code == 400
    with app.test_request_context(), force_locale(language):
        message = gettext(NOT_FOR_ROLE)
    assert message != NOT_FOR_ROLE  # really translated
    named = [error["field"] for error in response.get_json()["errors"]]
    assert sorted(named) == sorted(query.split("=")[0] for query in INVENTORS_REFUSED)
    assert {error["message"] for error in response.get_json()["errors"]} == {message}


def test_each_role_s_own_filters_apply(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    brick = make.request(inventor, service="prior_art_search", title="Кірпіш")
    course = make.request(inventor, service="training", title="Курс")
    atyrau = make.request(inventor, region="KZ-23")

    def found(person, query):
        response = client.get(f"/api/v1/requests?{query}", headers=bearer(person))
        assert response.status_code == 200, response.get_json()
        return sorted(row["reference"] for row in response.get_json())

    assert found(inventor, "q=кірпіш&limit=10") == [brick]
    assert found(staff, "service=training&status=all&assignee=any&sort=age") == [course]
    assert found(staff, "overdue=true") == []
    coordinator = make.user("coordinator")
    assert found(coordinator, "centre=kbtu&status=open") == sorted([brick, course])
    assert found(coordinator, "region=KZ-23&service=prior_art_search") == [atyrau]


@pytest.mark.parametrize(
    ("path", "field", "who"),
    [("/api/v1/requests?centre=nowhere", "centre", "coordinator"),
     ("/api/v1/requests?region=XX", "region", "coordinator"),
     ("/api/v1/requests?status=all&region=KZ-00", "region", "coordinator"),
     ("/api/v1/figures?centre=nowhere", "centre", "coordinator"),
     ("/api/v1/figures?region=XX", "region", "coordinator"),
     ("/api/v1/centres?region=XX", "region", None),
     ("/api/v1/centres?near=XX", "near", None)],
)  # fmt: skip
def test_an_unknown_centre_or_region_is_refused_alike_everywhere(make, client, bearer, path,
                                                                field, who):  # fmt: skip
    """The office's list and the directory answered an empty list where the figures said
    which parameter was wrong."""
    headers = (bearer(make.user(who)) if who else {}) | {"Accept-Language": "en"}
    response = client.get(path, headers=headers)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/invalid"
    assert problem["errors"] == [{"field": field, "message": "Choose one of the options."}]


def test_a_garbled_cursor_is_a_clear_400_not_an_error(make, client, bearer):
    response = client.get("/api/v1/requests?after=not-a-cursor", headers=bearer(make.user()))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "after"


def test_the_version_is_the_etag_and_a_stale_one_changes_nothing(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request(inventor)
    headers = bearer(staff)
    read = client.get(f"/api/v1/requests/{reference}", headers=headers)
    etag = read.headers["ETag"]
    assert etag == f'"{read.get_json()["version"]}"'
    url = f"/api/v1/requests/{reference}/actions/assign"
    body = {"assignee": staff.id}
    missing = client.post(url, data=body, headers=headers)
    assert missing.status_code == 428
    make.act(staff, reference, "decline", text="Meanwhile, someone else declined it.")
    before = make.row(reference)
    stale = client.post(url, data=body, headers=headers | {"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["type"] == "/api/v1/problems/stale"
    assert make.row(reference) == before
    fresh = client.get(f"/api/v1/requests/{reference}", headers=headers).headers["ETag"]
    assert fresh != etag
    reopened = client.post(
        f"/api/v1/requests/{reference}/actions/message", data={"text": "x"},
        headers=headers | {"If-Match": "*"},
    )  # fmt: skip
    assert reopened.status_code == 409  # declined: nothing left to say, whatever the version


def test_an_action_answers_with_the_request_as_it_now_stands(make, client, bearer):
    """The assignee, the centre and the original of a duplicate, once loaded with the
    request, stayed as they were before the action (``"assignee": null`` after assign)."""
    inventor = make.user()
    staff, colleague = make.user("staff", centre="kbtu"), make.user("staff", centre="kbtu")
    first = make.request(inventor, title="Жылу сақтайтын кірпіш")
    again = make.request(inventor, title="Кірпіштің жылу сақтауы")
    headers = bearer(staff) | {"If-Match": "*"}

    def act(reference, action, **data):
        response = client.post(f"/api/v1/requests/{reference}/actions/{action}", data=data,
                               headers=headers)  # fmt: skip
        assert response.status_code == 200, response.get_json()
        read = client.get(f"/api/v1/requests/{reference}", headers=headers)
        if read.status_code == 200:  # not after a transfer: another centre's now
            assert response.get_json() == read.get_json()
        return response.get_json()

    assert act(first, "assign", assignee=staff.id)["assignee"] == {
        "id": staff.id, "name": staff.name,
    }  # fmt: skip
    assert act(first, "assign", assignee=colleague.id)["assignee"] == {
        "id": colleague.id, "name": colleague.name,
    }  # fmt: skip
    [flag] = client.get(f"/api/v1/requests/{again}", headers=headers).json["duplicate_flags"]
    assert act(again, "link_duplicate", flag=flag["id"])["duplicate_of"] == first
    moved = act(first, "transfer", centre="nazarbayev-university", text="Closer to them.")
    assert moved["centre"]["slug"] == "nazarbayev-university" and not moved["assigned"]


def _due(make, reference, moment) -> None:
    with make.app.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == reference)
            .values(due_at=moment)
        )  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize(
    ("local", "day"),
    [((2027, 1, 9, 0, 0, 0), "2027-01-08"),  # midnight before a Saturday: Friday's work
     ((2027, 1, 9, 0, 0, 1), "2027-01-09"), ((2027, 1, 8, 18, 17), "2027-01-08"),
     ((2027, 1, 8, 23, 59, 59), "2027-01-08")],
)  # fmt: skip
def test_the_due_date_is_the_day_the_pages_show(make, client, bearer, local, day):
    """``due_at`` at local midnight, read as a date in Almaty, was a day late; ``due_date``
    is the pages' date (tests/web/test_due_dates.py), for each person who sees a request."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request(inventor)
    moment = datetime(*local, tzinfo=make.policy.calendar.tz).astimezone(UTC)
    _due(make, reference, moment)
    for person in (inventor, staff, make.user("coordinator")):
        headers = bearer(person)
        read = client.get(f"/api/v1/requests/{reference}", headers=headers).get_json()
        scope = "" if person is inventor else "?status=all"  # an inventor's list: all theirs
        [listed] = client.get(f"/api/v1/requests{scope}", headers=headers).get_json()
        for body in (read, listed):
            assert body["due_date"] == day
            assert datetime.fromisoformat(body["due_at"]) == moment  # the instant stays


def test_the_document_says_which_date_a_due_instant_is(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Request"]
    due_date = schema["properties"]["due_date"]
    assert due_date["type"] == "string" and due_date["format"] == "date"
    assert "due_date" in schema["required"]
    assert "midnight" in schema["properties"]["due_at"]["description"]


def test_duplicate_decisions_are_offered_only_while_a_flag_is_open(make, client, bearer):
    """As on the page, beside each open flag: offered without one, they could only fail."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    first = make.request(inventor, title="Жылу сақтайтын кірпіш")
    headers = bearer(staff) | {"If-Match": "*"}
    decisions = {"link_duplicate", "dismiss_duplicate"}

    def read(reference):
        return client.get(f"/api/v1/requests/{reference}", headers=headers).get_json()

    alone = read(first)
    assert alone["duplicate_flags"] == []
    assert "assign" in alone["actions"] and not decisions & set(alone["actions"])
    again = make.request(inventor, title="Кірпіштің жылу сақтауы")
    flagged = read(again)
    [flag] = flagged["duplicate_flags"]
    assert decisions <= set(flagged["actions"])
    dismissed = client.post(f"/api/v1/requests/{again}/actions/dismiss_duplicate",
                            data={"flag": flag["id"]}, headers=headers)  # fmt: skip
    assert dismissed.status_code == 200
    assert dismissed.get_json()["duplicate_flags"] == []
    assert not decisions & set(dismissed.get_json()["actions"])
    assert not decisions & set(read(again)["actions"])


def test_the_national_office_is_offered_no_action_on_a_request(make, client, bearer):
    """It acts on none through the API (each answers 404): ``actions`` says so, empty,
    rather than being left out."""
    reference = make.request(make.user())
    headers = bearer(make.user("coordinator"))
    read = client.get(f"/api/v1/requests/{reference}", headers=headers)
    assert read.get_json()["actions"] == []
    version = read.headers["ETag"]
    for action in ("transfer", "assign", "message"):
        response = client.post(
            f"/api/v1/requests/{reference}/actions/{action}",
            data={"centre": "nazarbayev-university", "text": "x"},
            headers=headers | {"If-Match": version},
        )  # fmt: skip
        assert response.status_code == 404, action


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_problems_speak_the_pages_words_in_the_reader_s_language(app, make, client, bearer,
                                                                  language):  # fmt: skip
    response = client.post(
        "/api/v1/requests", data=SUBMISSION | {"region_code": "KZ-00"},
        headers=bearer(make.user()) | {"Accept-Language": language},
    )  # fmt: skip
    assert response.status_code == 400
    problem = response.get_json()
    with app.test_request_context(), force_locale(language):
        expected = gettext("Choose your region.")
        title = gettext("Some input is missing or wrong")
    assert problem["errors"] == [{"field": "region_code", "message": expected}]
    assert problem["detail"] == expected and problem["title"] == title
    assert response.headers["Content-Language"] == language
    if language != "en":
        assert expected != "Choose your region."  # really translated
    described = client.get(problem["type"], headers={"Accept-Language": language}).get_json()
    assert described == {"type": problem["type"], "title": title, "status": 400}


@pytest.mark.parametrize("near", ["KZ-00", "43.2,76.9"])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_unknown_region_to_measure_from_is_said_like_any_other_bad_input(app, client, near,
                                                                             language):  # fmt: skip
    response = client.get(f"/api/v1/centres?near={near}", headers={"Accept-Language": language})
    assert response.status_code == 400
    with app.test_request_context(), force_locale(language):
        expected = gettext("Choose one of the options.")
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/invalid"
    assert problem["errors"] == [{"field": "near", "message": expected}]
    assert problem["detail"] == expected


def test_unknown_and_wrongly_typed_fields_are_named(make, client, bearer):
    response = client.post(
        "/api/v1/requests", data=SUBMISSION | {"service": "astrology", "colour": "red"},
        headers=bearer(make.user()),
    )  # fmt: skip
    assert response.status_code == 400
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"service", "colour"}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", json.dumps(SUBMISSION | {"text": "hello"})),
     ("application/json", "{broken"), ("text/plain", "text=hello"), (None, "text=hello")],
)  # fmt: skip
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_body_that_is_no_form_is_refused_saying_what_to_send(
    app, make, client, bearer, content_type, body, language
):
    """Read as no fields at all, it was answered with "required" for the fields it held."""
    inventor = make.user()
    reference = make.request(inventor)
    before = make.row(reference)
    headers = bearer(inventor) | {"If-Match": "*", "Accept-Language": language}
    for path in ("/api/v1/requests", f"/api/v1/requests/{reference}/actions/message"):
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        assert response.status_code == 415, path
        problem = response.get_json()
        assert problem["type"] == "/api/v1/problems/unsupported-media-type"
        with app.test_request_context(), force_locale(language):
            assert problem["detail"] == gettext(
                "Send the fields as multipart/form-data or application/x-www-form-urlencoded."
            )
            assert problem["title"] == gettext("Unsupported content type")
        accepted = ["multipart/form-data", "application/x-www-form-urlencoded"]
        assert problem["accepted"] == accepted
        assert response.headers["Accept-Post"] == ", ".join(accepted)
    assert make.row(reference) == before
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 1


UNREADABLE = (
    "What was sent could not be read as a form: send the fields url-encoded in UTF-8, or "
    "as a complete multipart/form-data body."
)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/x-www-form-urlencoded",
      b"service=training&title=\xff\xfe&description=y&region_code=KZ-75&text=x"),
     ("multipart/form-data; boundary=xyz",
      b'--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nabc'),
     ("multipart/form-data", b'--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
                             b"abc\r\n--xyz--\r\n")],
    ids=["not UTF-8", "cut off", "no boundary"],
)  # fmt: skip
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_form_body_that_cannot_be_read_is_said_so_not_read_as_no_fields(
    app, make, client, bearer, content_type, body, language
):
    """Werkzeug reads it as no fields at all: every field sent was said to be missing."""
    inventor = make.user()
    reference = make.request(inventor)
    before = make.row(reference)
    headers = bearer(inventor) | {"If-Match": "*", "Accept-Language": language}
    with app.test_request_context(), force_locale(language):
        expected = gettext(UNREADABLE)
    if language != "en":
        assert expected != UNREADABLE  # really translated
    for path in ("/api/v1/requests", f"/api/v1/requests/{reference}/actions/message"):
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        assert response.status_code == 400, path
        problem = response.get_json()
        assert problem["type"] == "/api/v1/problems/invalid"
        assert problem["detail"] == expected
        assert problem["errors"] == [{"field": "", "message": expected}]
    assert make.row(reference) == before
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 1


@pytest.mark.parametrize("content_type", [None, "application/json", "multipart/form-data"])
def test_an_action_that_needs_no_fields_needs_no_body(make, client, bearer, content_type):
    """An empty body holds no field to miss, whatever type it is said to be."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("assigned", make.user(), staff)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/start", content_type=content_type,
        headers=bearer(staff) | {"If-Match": "*"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.get_json()["status"] == "in_progress"


def test_url_encoded_fields_are_read_like_multipart_ones(make, client, bearer):
    inventor = make.user()
    reference = make.request(inventor)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/message", data=urlencode({"text": "Сәлем"}),
        content_type="application/x-www-form-urlencoded",
        headers=bearer(inventor) | {"If-Match": "*"},
    )  # fmt: skip
    assert response.status_code == 200
    timeline = client.get(f"/api/v1/requests/{reference}/timeline", headers=bearer(inventor))
    assert timeline.get_json()[-1]["text"] == "Сәлем"


def test_a_due_dates_move_is_on_the_timeline_with_both_dates(make, client, bearer):
    from dataclasses import replace

    from tisc.domain.catalogue import Service
    from tisc.services import due_dates

    inventor = make.user()
    reference = make.request(inventor)
    policy = make.policy
    longer = replace(policy, target_days={**policy.target_days, Service.PRIOR_ART_SEARCH: 20})
    with make.app.app_context():
        due_dates.follow_rules(policy)
        before = db.session.scalar(sa.select(ServiceRequest.due_at))
        due_dates.follow_rules(longer)
    timeline = client.get(f"/api/v1/requests/{reference}/timeline", headers=bearer(inventor))
    request = client.get(f"/api/v1/requests/{reference}", headers=bearer(inventor)).get_json()
    moved = timeline.get_json()[-1]
    assert moved["action"] == "move_due_date"
    assert moved["from_status"] == moved["to_status"] == "submitted"
    assert moved["actor"] is None and moved["text"] == ""  # the stored form is not for people
    assert datetime.fromisoformat(moved["due_at_moved"]["before"]) == before
    assert moved["due_at_moved"]["after"] == request["due_at"]
    assert "due_at_moved" not in timeline.get_json()[0]  # the submission's event


def test_method_not_allowed_says_which_are(make, client):
    response = client.delete("/api/v1/centres")
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_api_s_root_is_a_problem_with_or_without_its_slash(client, path, method):
    """Without the slash it was the pages' HTML 404."""
    response = client.open(path, method=method)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"] == "/api/v1/problems/not-found"


@pytest.mark.parametrize("path", ["/api/v1x", "/api/v10/centres", "/api/v1.json"])
def test_a_path_that_only_starts_like_the_api_s_is_a_page(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_first_request_asks_for_the_requester_category_once(make, client, bearer):
    newcomer = make.user(category=None)
    headers = bearer(newcomer)
    without = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    assert without.status_code == 400
    assert without.get_json()["errors"][0]["field"] == "requester_category"
    given = client.post(
        "/api/v1/requests", data=SUBMISSION | {"requester_category": "startup_sme"},
        headers=headers,
    )  # fmt: skip
    assert given.status_code == 201
    assert given.get_json()["requester_category"] == "startup_sme"
    assert make.person(newcomer.id) and _category(make, newcomer) == "startup_sme"


def _category(make, person) -> str:
    with make.app.app_context():
        return db.session.get(User, person.id).requester_category.value


def test_an_idempotency_key_makes_one_request_however_often_it_is_sent(make, client, bearer):
    headers = bearer(make.user()) | {"Idempotency-Key": "crm-4711"}
    first = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    again = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["reference"] == again.get_json()["reference"]
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 1


@pytest.mark.parametrize(
    "changed",
    [{"service": "training"}, {"title": "Жел диірмені"}, {"description": "Басқа сипаттама"},
     {"region_code": "KZ-23"}, {"preferred_language": "kk"}, {"keywords": "күн"},
     {"ipc_classes": "H02S 40/00"}, {"preferred_centre": "nazarbayev-university"},
     {"files": "a drawing"}],  # a file is made afresh for each run: a sent one is closed
    ids=lambda changed: next(iter(changed)),
)  # fmt: skip
def test_an_idempotency_key_sent_again_with_another_submission_is_refused(make, client, bearer,
                                                                          changed):  # fmt: skip
    """A client's bug (the IETF draft's 422): the first request, returned, dropped the
    second without a word."""
    headers = bearer(make.user()) | {"Idempotency-Key": "crm-4711"}
    first = client.post("/api/v1/requests", data=SUBMISSION, headers=headers).get_json()
    before = make.row(first["reference"])
    if "files" in changed:
        changed = {"files": [(io.BytesIO(PDF), "сызба.pdf")]}
    again = client.post("/api/v1/requests", data=SUBMISSION | changed, headers=headers)
    assert again.status_code == 422
    problem = again.get_json()
    assert problem["type"] == "/api/v1/problems/idempotency-key-reused"
    assert [error["field"] for error in problem["errors"]] == ["Idempotency-Key"]
    assert first["reference"] in problem["detail"]
    assert make.row(first["reference"]) == before
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 1
    described = client.get(problem["type"]).get_json()
    assert described["status"] == 422 and "Idempotency-Key" in described["title"]


def test_the_same_submission_is_the_same_however_it_is_written(make, client, bearer):
    """Compared as the request keeps it: spaces around, IPC classes as written; the files by
    their content; send_anyway and the requester category are no part of it."""
    headers = bearer(make.user()) | {"Idempotency-Key": "crm-4711"}
    sent = SUBMISSION | {"ipc_classes": "E04B 1/76; H02S40/00"}
    first = client.post("/api/v1/requests", headers=headers,
                        data=sent | {"files": [(io.BytesIO(PDF), "сызба.pdf")]})  # fmt: skip
    assert first.status_code == 201
    again = client.post(
        "/api/v1/requests", headers=headers,
        data=sent | {"title": f"  {SUBMISSION['title']} ", "ipc_classes": "e04b1/76 ; h02s 40/00",
                     "send_anyway": "true", "files": [(io.BytesIO(PDF), "drawing.pdf")]},
    )  # fmt: skip
    assert again.status_code == 200
    assert again.get_json()["reference"] == first.get_json()["reference"]
    without_the_file = client.post("/api/v1/requests", data=sent, headers=headers)
    assert without_the_file.status_code == 422


@pytest.mark.parametrize(
    "key", ["", " crm-4711", "crm 4711 ", "x" * 65, "ключ", "crm\t4711"], ids=repr
)
def test_an_idempotency_key_it_cannot_keep_is_refused_not_ignored(make, client, bearer, key):
    """Ignored, a retry with it would make a second request: refused, naming the header."""
    headers = bearer(make.user()) | {"Idempotency-Key": key.encode().decode("latin-1")}
    response = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


@pytest.mark.parametrize("bad", [{"title": ""}, {"title": "x" * 201}, {"region_code": "KZ-00"}])
def test_a_bad_idempotency_key_is_named_beside_the_submission_s_other_problems(
    make, client, bearer, bad
):
    """Once it was named only when the rest was right: a second round for the client."""
    headers = bearer(make.user()) | {"Idempotency-Key": "k" * 65}
    response = client.post("/api/v1/requests", data=SUBMISSION | bad, headers=headers)
    assert response.status_code == 400
    named = [error["field"] for error in response.get_json()["errors"]]
    assert sorted(named) == sorted([*bad, "Idempotency-Key"])


def test_a_similar_open_request_is_pointed_out_until_the_inventor_says_it_is_new(make, client,
                                                                               bearer):  # fmt: skip
    inventor = make.user()
    headers = bearer(inventor)
    first = client.post("/api/v1/requests", data=SUBMISSION, headers=headers).get_json()
    similar = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    assert similar.status_code == 409
    assert similar.get_json()["similar"] == [first["reference"]]
    assert first["reference"] in similar.get_json()["detail"]
    anyway = client.post(
        "/api/v1/requests", data=SUBMISSION | {"send_anyway": "true"}, headers=headers
    )
    assert anyway.status_code == 201


def test_files_go_in_with_the_submission_and_come_out_the_same(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    response = client.post(
        "/api/v1/requests", headers=bearer(inventor),
        data=SUBMISSION | {"files": [(io.BytesIO(PDF), "сызба.pdf")]},
    )  # fmt: skip
    assert response.status_code == 201
    reference = response.get_json()["reference"]
    timeline = client.get(f"/api/v1/requests/{reference}/timeline", headers=bearer(staff))
    [attached] = timeline.get_json()[0]["files"]
    assert attached["filename"] == "сызба.pdf" and attached["size"] == len(PDF)
    download = client.get(attached["url"], headers=bearer(staff))
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    office = client.get(attached["url"], headers=bearer(make.user("coordinator")))
    assert office.status_code == 404  # the national office never sees the content


def test_a_file_sent_without_a_name_is_kept_under_one(make, client, bearer):
    """Some clients name no file: its content is the inventor's all the same, as on the page."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    response = client.post(
        "/api/v1/requests", headers=bearer(inventor),
        data=SUBMISSION | {"files": [(io.BytesIO(PDF), "")]},
    )  # fmt: skip
    assert response.status_code == 201
    reference = response.get_json()["reference"]
    timeline = client.get(f"/api/v1/requests/{reference}/timeline", headers=bearer(staff))
    [attached] = timeline.get_json()[0]["files"]
    assert (attached["filename"], attached["size"]) == ("file.pdf", len(PDF))


@pytest.mark.parametrize(
    "title", ["Күн панелі\r\nBcc: evil@example.kz", "Күн панелі \u202eлетатербози"]
)
def test_a_title_on_more_than_one_line_is_refused_by_name(make, client, bearer, title):
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"title": title},
    )  # fmt: skip
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["field"] == "title" and error["message"].startswith("Keep this to one line")
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_a_title_and_description_of_invisible_characters_are_refused_by_name(make, client, bearer):
    """A zero-width space or a word joiner is not whitespace to Python, yet shows nothing:
    such a request was listed with an empty title."""
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"title": "\u200b\u200f\u2060", "description": " \ufeff "},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "title", "message": "Give your request a title."},
        {"field": "description", "message": "Describe your invention or question."},
    ]
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_a_note_of_invisible_characters_is_refused(make, client, bearer):
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/note", data={"text": "\u200b\u200b"},
        headers=bearer(staff) | {"If-Match": "*", "Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "text"
    assert make.row(reference) == before
    with make.app.app_context():  # a note changes no column: count the events
        assert (
            db.session.scalar(sa.text("SELECT count(*) FROM request_events WHERE action = 'note'"))
            == 0
        )


def test_a_file_that_is_not_allowed_is_refused_by_name(make, client, bearer):
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()),
        data=SUBMISSION | {"files": [(io.BytesIO(b"MZ\x90\x00"), "setup.exe")]},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "files"
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_an_action_names_every_file_it_refuses_in_one_answer(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request(inventor, centre="kbtu")
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/message",
        headers=bearer(staff) | {"Accept-Language": "en", "If-Match": "*"},
        data={"text": "Есеп", "files": [
            (io.BytesIO(b"MZ\x90\x00"), "setup.exe"), (io.BytesIO(b""), "empty.pdf"),
            (io.BytesIO(PDF), "ok.pdf"),
        ]},
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert [error["field"] for error in errors] == ["files", "files"]
    messages = " ".join(error["message"] for error in errors)
    assert "setup.exe" in messages and "empty.pdf" in messages and "ok.pdf" not in messages
    assert make.row(reference) == before


def test_every_problem_the_schema_cannot_see_is_named_in_one_answer(make, client, bearer):
    """The unknown centre, the IPC classes and each refused file together, as the page names
    them: it took a client three rounds, one problem a round."""
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"preferred_centre": "no-such-centre", "ipc_classes": "Q99Z 1/00",
                           "files": [(io.BytesIO(b"MZ\x90\x00"), "setup.exe"),
                                     (io.BytesIO(b""), "empty.pdf")]},
    )  # fmt: skip
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["detail"] == "Some input is missing or wrong."
    assert [error["field"] for error in problem["errors"]] == [
        "preferred_centre", "ipc_classes", "files", "files"
    ]  # fmt: skip
    messages = " ".join(error["message"] for error in problem["errors"])
    assert "setup.exe" in messages and "empty.pdf" in messages and "Q99Z" in messages
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_malformed_fields_and_what_only_the_whole_submission_shows_come_in_one_answer(
    make, client, bearer
):
    """Fields the schema refuses beside the services' own refusals: it took a client a
    round for the schema's, then one for the view's, then one a problem for the rest."""
    inventor = make.user(category=None)  # to say who they ask as, on this first request
    response = client.post(
        "/api/v1/requests", headers=bearer(inventor) | {"Accept-Language": "en"},
        data={"service": "no-such-service", "title": "   ", "description": "x" * 20001,
              "region_code": "KZ-00", "preferred_language": "ru",
              "confidentiality_ack": "false", "ipc_classes": "Q99Z 1/00",
              "preferred_centre": "no-such-centre",
              "files": [(io.BytesIO(b"MZ\x90\x00"), "setup.exe")]},
    )  # fmt: skip
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["detail"] == "Some input is missing or wrong."
    named = {}
    for error in problem["errors"]:
        named.setdefault(error["field"], []).append(error["message"])
    assert named == {
        "service": ["Choose one of the options."],  # the schema's, and not the services' too
        "description": [named["description"][0]],  # too long: the schema's
        "title": ["Give your request a title."],
        "confidentiality_ack": ["Please confirm that you have read this."],
        "region_code": ["Choose your region."],
        "preferred_centre": ["Choose one of the options."],
        "ipc_classes": [named["ipc_classes"][0]],
        "files": [named["files"][0]],
        "requester_category": ["Tell us who you are asking as."],
    }
    assert "20000" in named["description"][0] and "Q99Z" in named["ipc_classes"][0]
    assert "setup.exe" in named["files"][0]
    missing = client.post(
        "/api/v1/requests",
        headers=bearer(make.user()) | {"Accept-Language": "en"},
        data={key: value for key, value in SUBMISSION.items() if key != "title"},
    )  # a field missing is the schema's to name, once
    assert missing.get_json()["errors"] == [
        {"field": "title", "message": missing.get_json()["detail"]}
    ]
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_only_an_inventor_hears_what_a_submission_lacks(make, client, bearer):
    staff = make.user("staff", centre="kbtu")
    response = client.post(
        "/api/v1/requests",
        headers=bearer(staff) | {"Accept-Language": "en"},
        data=SUBMISSION | {"title": "   ", "region_code": "KZ-00"},
    )
    assert response.status_code == 404  # refused as a whole, as a well-formed one is


def test_one_problem_is_the_answer_s_detail(make, client, bearer):
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"ipc_classes": "Q99Z 1/00"},
    )  # fmt: skip
    problem = response.get_json()
    assert response.status_code == 400
    assert [error["field"] for error in problem["errors"]] == ["ipc_classes"]
    assert problem["detail"] == problem["errors"][0]["message"]


def test_the_figures_count_what_happened(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    make.request_in("completed", inventor, staff)
    make.request(inventor, title="Ашық")
    office = client.get("/api/v1/figures", headers=bearer(make.user("coordinator"))).get_json()
    assert office["total"]["received"] == 2 and office["total"]["completed"] == 1
    kbtu = next(row for row in office["centres"] if row["key"] == "kbtu")
    assert kbtu["figures"]["received"] == 2
    desk = client.get("/api/v1/figures", headers=bearer(staff)).get_json()
    assert [row["key"] for row in desk["centres"]] == ["kbtu"]
    elsewhere = make.user("staff", centre="atyrau-university")
    theirs = client.get("/api/v1/figures", headers=bearer(elsewhere)).get_json()
    assert theirs["total"]["received"] == 0


def test_events_are_given_per_centre_and_no_breakdown_says_a_false_zero(make, client, bearer):
    """A training event is a centre's: a service's, region's or month's row once said 0
    events beside a total of 8, and a month's said 0 open "now"."""
    staff = make.user("staff", centre="kbtu")
    make.request(make.user(), title="Ашық")
    with make.app.app_context():
        events.create_event(
            db.session.get(User, staff.id),
            events.EventDetails("Seminar", today_in_kazakhstan(), "seminar", "kk", "public", 20),
            today_in_kazakhstan(),
        )
    office = client.get("/api/v1/figures", headers=bearer(make.user("coordinator"))).get_json()
    assert office["events"]["events"] == 1
    kbtu = next(row for row in office["centres"] if row["key"] == "kbtu")
    assert kbtu["events"] == {"events": 1, "participants": 20, "staff_trained": 0}
    for key in ("services", "regions", "months"):
        assert office[key] and all("events" not in row for row in office[key]), key
    assert all("open_now" not in row["figures"] for row in office["months"])
    assert any("open_now" in row["figures"] for row in office["services"])  # open now, by service
    headers = bearer(make.user("coordinator"))
    year = today_in_kazakhstan().year
    report = client.get(f"/api/v1/reports/wipo?year={year}", headers=headers).get_json()
    assert report["events"]["events"] == 1
    for key in ("services", "categories", "regions"):
        assert all("events" not in row for row in report[key]), key


@pytest.mark.parametrize(
    ("query", "field"),
    [("period=custom&first=2026-13&last=2026-12", "first"),
     ("period=custom&first=2026-05&last=2026-01", "last"), ("period=decade", "period"),
     ("region=KZ-00", "region"), ("centre=nowhere", "centre"),
     # A range's months with no period make it custom: checked, not ignored for this year.
     ("first=2026-13", "first"), ("first=2026-01", "last"),
     ("period=this_year&first=2026-01&last=2026-03", "first"),
     ("period=last_year&last=2026-03", "last")],
)  # fmt: skip
def test_bad_figures_parameters_are_named(make, client, bearer, query, field):
    response = client.get(f"/api/v1/figures?{query}", headers=bearer(make.user("coordinator")))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field


def test_a_range_s_months_alone_make_the_period_custom(make, client, bearer):
    headers = bearer(make.user("coordinator"))
    year = today_in_kazakhstan().year
    query = f"first={year - 1}-03&last={year - 1}-05"
    ranged = client.get(f"/api/v1/figures?{query}", headers=headers).get_json()
    assert ranged["period"] == {"first": f"{year - 1}-03", "last": f"{year - 1}-05"}


def test_the_wipo_report_for_a_year(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    make.request_in("completed", inventor, staff)
    headers = bearer(make.user("coordinator"))
    year = today_in_kazakhstan().year  # the network's year, in which it was completed
    report = client.get(f"/api/v1/reports/wipo?year={year}", headers=headers).get_json()
    assert report["year"] == year and report["total"]["completed"] == 1
    assert report["centres_active"] >= 4
    wrong = client.get("/api/v1/reports/wipo?year=1990", headers=headers)
    assert wrong.status_code == 400 and wrong.get_json()["errors"][0]["field"] == "year"
    # A year's report has no "open now" (the dashboards' figure, which it always said was 0).
    parts = [report["total"]] + [row["figures"] for key in ("services", "categories", "regions")
                                 for row in report[key]]  # fmt: skip
    assert all("open_now" not in part for part in parts)
    document = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "open_now" not in document["YearFigures"]["properties"]
    assert "open_now" in document["Figures"]["properties"]  # the dashboards' keep it
    assert document["WipoReport"]["properties"]["total"]["$ref"].endswith("/YearFigures")


def test_the_document_s_report_years_are_the_ones_the_report_takes(make, client, bearer):
    document = client.get("/api/v1/openapi.json").get_json()
    [year] = document["paths"]["/api/v1/reports/wipo"]["get"]["parameters"]
    bounds = year["schema"]["minimum"], year["schema"]["maximum"]
    assert bounds == (2000, today_in_kazakhstan().year)
    headers = bearer(make.user("coordinator"))
    for year, status in ((bounds[0] - 1, 400), (bounds[0], 200), (bounds[1], 200),
                         (bounds[1] + 1, 400)):  # fmt: skip
        response = client.get(f"/api/v1/reports/wipo?year={year}", headers=headers)
        assert response.status_code == status, year


def _files_sent(document) -> list[dict]:
    """The ``files`` of a submission and of an action, as the document describes them."""
    schemas = document["components"]["schemas"]
    return [schemas[name]["properties"]["files"] for name in ("Submission", "ActionInput")]


def test_the_document_states_the_file_limits_the_deployment_sets(client, database):
    """Not a fixed "10 MB": the limit ``TISC_UPLOAD_MAX_BYTES`` sets, as the pages say it."""
    default = _files_sent(client.get("/api/v1/openapi.json").get_json())
    small = create_app(settings_for(database) | {"TISC_UPLOAD_MAX_BYTES": 3 * 1024 * 1024})
    smaller = _files_sent(small.test_client().get("/api/v1/openapi.json").get_json())
    for files in default:
        assert files["maxItems"] == 5
        assert "Up to 5 files" in files["description"]
        assert "each at most 10 MB (10485760 bytes)" in files["description"]
    for files in smaller:
        assert files["maxItems"] == 5
        assert "each at most 3 MB (3145728 bytes)" in files["description"]
        assert "10 MB" not in files["description"]


def test_the_docs_page_loads_swagger_ui_from_our_own_origin(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sources = re.findall(r'<script src="([^"]+)"', page)
    sources += re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert any("swagger-ui" in source for source in sources)
    assert all(source.startswith("/") for source in sources)  # no CDN
    for source in sources:
        with client.get(source) as asset:  # a file response: closed when done
            assert asset.status_code == 200, source


@pytest.mark.parametrize(
    ("query", "english"),
    [("limit=0", "Choose a number from 1 to 100."), ("colour=red", "There is no such field."),
     ("status=nonsense", "Choose one of the options."), ("limit=x", "Not a valid value.")],
)  # fmt: skip
def test_schema_refusals_are_said_in_the_reader_s_language_too(app, make, client, bearer, query,
                                                               english):  # fmt: skip
    headers = bearer(make.user())
    said = {}
    for language in ("en", "ru", "kk"):
        response = client.get(f"/api/v1/requests?{query}",
                              headers=headers | {"Accept-Language": language})  # fmt: skip
        said[language] = response.get_json()["errors"][0]["message"]
    assert said["en"] == english
    assert len({said["en"], said["ru"], said["kk"]}) == 3  # three languages, three texts


@pytest.mark.parametrize(("given", "kept"), [("0.249", 0.25), ("0.244", None),
                                              ("1000.004", 1000), ("1000.006", None),
                                              ("2.345", 2.34)])  # fmt: skip
def test_hours_are_rounded_to_the_hundredth_as_the_page_rounds_them(make, client, bearer,
                                                                      given, kept):  # fmt: skip
    """The same table as the page's (tests/web/test_requests_pages.py, HOURS_ROUNDED)."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/complete",
        data={"outcome": "advice_given", "summary": "Done", "hours_spent": given},
        headers=bearer(staff) | {"If-Match": "*", "Accept-Language": "en"},
    )  # fmt: skip
    if kept is None:
        assert response.status_code == 400
        assert response.get_json()["errors"] == [
            {"field": "hours_spent", "message": "Give the hours spent, from 0.25 to 1,000."}
        ]
        assert make.row(reference) == before
    else:
        assert response.status_code == 200
        assert response.get_json()["hours_spent"] == kept


def test_hours_spent_are_a_json_number_as_the_document_says(make, client, bearer):
    staff, inventor = make.user("staff", centre="kbtu"), make.user()
    reference = make.request_in("in_progress", inventor, staff)
    completed = client.post(
        f"/api/v1/requests/{reference}/actions/complete",
        data={"outcome": "advice_given", "summary": "Done", "hours_spent": "3.50"},
        headers=bearer(staff) | {"If-Match": "*"},
    )  # fmt: skip
    assert completed.status_code == 200
    read = client.get(f"/api/v1/requests/{reference}", headers=bearer(staff))
    listed = client.get("/api/v1/requests?status=all", headers=bearer(staff))
    for body in (completed.get_json(), read.get_json(), listed.get_json()[0]):
        assert body["hours_spent"] == 3.5 and isinstance(body["hours_spent"], float)
    document = client.get("/api/v1/openapi.json").get_json()
    hours = document["components"]["schemas"]["Request"]["properties"]["hours_spent"]
    assert hours["type"] == ["number", "null"]
    # The centre's measure of its work, not its inventor's (the pages do the same).
    seen = client.get(f"/api/v1/requests/{reference}", headers=bearer(inventor)).get_json()
    assert seen["status"] == "completed" and seen["documents_cited"] == 0
    assert seen["hours_spent"] is None
    office = client.get(f"/api/v1/requests/{reference}", headers=bearer(make.user("coordinator")))
    assert office.get_json()["hours_spent"] == 3.5


def test_completing_with_every_part_of_the_result_wrong_names_every_one(make, client, bearer):
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/complete",
        # A zero-width space is no summary; a few minutes are less than the page's form takes.
        data={"summary": " \u200b ", "hours_spent": "0.2", "documents_cited": "2"},
        headers=bearer(staff) | {"If-Match": "*", "Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["detail"] == "Some input is missing or wrong."
    assert problem["errors"] == [
        {"field": "outcome", "message": "Choose an outcome."},
        {"field": "summary", "message": "Summarise the result for the inventor."},
        {"field": "hours_spent", "message": "Give the hours spent, from 0.25 to 1,000."},
    ]
    assert make.row(reference) == before
    response = client.post(
        f"/api/v1/requests/{reference}/actions/complete",
        data={"outcome": "training_delivered", "summary": "Done", "hours_spent": "0.2"},
        headers=bearer(staff) | {"If-Match": "*", "Accept-Language": "ru"},
    )  # fmt: skip
    assert response.get_json()["errors"] == [
        {"field": "hours_spent", "message": "Укажите затраченное время: от 0,25 до 1\xa0000 ч."},
    ]
    assert make.row(reference) == before


@pytest.mark.parametrize("hours", ["nan", "NaN", "inf", "-Infinity"])
def test_hours_that_are_no_number_are_refused_in_the_reader_s_language(app, make, client, bearer,
                                                                        hours):  # fmt: skip
    """marshmallow's own English words for NaN and infinity once came through untranslated."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    said = {}
    for language in ("en", "ru", "kk"):
        response = client.post(
            f"/api/v1/requests/{reference}/actions/complete",
            data={"outcome": "advice_given", "summary": "Done", "hours_spent": hours},
            headers=bearer(staff) | {"If-Match": "*", "Accept-Language": language},
        )  # fmt: skip
        assert response.status_code == 400
        [error] = response.get_json()["errors"]
        assert error["field"] == "hours_spent"
        with app.test_request_context(), force_locale(language):
            assert error["message"] == gettext("Not a valid value.")
        said[language] = error["message"]
    assert len(set(said.values())) == 3  # three languages, three texts
    assert make.row(reference) == before


def test_a_filing_with_every_part_wrong_names_every_one(make, client, bearer):
    inventor = make.user()
    reference = make.request_in("completed", inventor, make.user("staff", centre="kbtu"))
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/record_filing",
        data={"ip_right": "utility_model", "application_number": "<none>"},
        headers=bearer(inventor) | {"If-Match": "*", "Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 400
    fields = [error["field"] for error in response.get_json()["errors"]]
    assert fields == ["office", "application_number", "filed_on"]  # the office: not given
    assert make.row(reference) == before


@pytest.mark.parametrize("filed_on", ["05.12.2026", "2026-12-05T10:00:00", "2026-02-30"])
def test_a_date_not_written_as_the_api_takes_it_says_how_to_write_it(app, make, client, bearer,
                                                                     filed_on):  # fmt: skip
    inventor = make.user()
    reference = make.request_in("completed", inventor, make.user("staff", centre="kbtu"))
    before = make.row(reference)
    for language in ("en", "kk"):
        response = client.post(
            f"/api/v1/requests/{reference}/actions/record_filing",
            data={"ip_right": "utility_model", "office": "kazpatent", "filed_on": filed_on},
            headers=bearer(inventor) | {"If-Match": "*", "Accept-Language": language},
        )  # fmt: skip
        assert response.status_code == 400
        [error] = response.get_json()["errors"]
        with app.test_request_context(), force_locale(language):
            assert error == {"field": "filed_on", "message": gettext("Give a date as YYYY-MM-DD.")}
    assert make.row(reference) == before


@pytest.mark.parametrize("tag", ['"²"', '"' + "9" * 5000 + '"'])
def test_an_if_match_that_is_no_version_is_a_stale_one(make, client, bearer, tag):
    """A superscript two is a digit to Python and 5,000 nines too long for int(): both once
    answered 500."""
    inventor = make.user()
    reference = make.request(inventor)
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/message", data={"text": "x"},
        headers=bearer(inventor) | {"If-Match": tag},
    )  # fmt: skip
    assert response.status_code == 412
    assert make.row(reference) == before


def _note(client, headers, reference, if_match):
    return client.post(
        f"/api/v1/requests/{reference}/actions/note", data={"text": "Ішкі ескерту"},
        headers=headers | {"If-Match": if_match},
    )  # fmt: skip


@pytest.mark.parametrize("place", ["first", "middle", "last"])
def test_an_if_match_list_holding_the_current_version_anywhere_is_a_match(make, client, bearer,
                                                                          place):  # fmt: skip
    """RFC 9110: any listed tag may match. The first version-like tag of an unordered set
    was taken, so the current one among stale ones was a 412 most of the time."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    current = make.row(reference)["version"]
    stale = [f'"{version}"' for version in range(current + 1, current + 12)]
    at = {"first": 0, "middle": len(stale) // 2, "last": len(stale)}[place]
    tags = stale[:at] + [f'"{current}"'] + stale[at:]
    response = _note(client, bearer(staff), reference, ", ".join(tags))
    assert response.status_code == 200, response.get_json()


def test_a_stale_version_s_412_says_the_current_one(make, client, bearer):
    """A version that was a number went on to the use case, whose 412 carried no ETag."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    response = _note(client, bearer(staff), reference, f'"{before["version"] - 1}", "0"')
    assert response.status_code == 412
    assert response.get_json()["type"] == "/api/v1/problems/stale"
    assert response.headers["ETag"] == f'"{before["version"]}"'
    assert make.row(reference) == before


def test_a_request_changed_during_the_action_gets_a_412_with_its_new_version(
    make, client, bearer, monkeypatch
):
    """The version read was the current one, and a colleague acted before this action did."""
    from tisc.services import requests as request_service

    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("assigned", make.user(), staff)
    version = make.row(reference)["version"]
    perform, overtaking = request_service.perform, []

    def overtaken(*args, **kwargs):
        if not overtaking:  # the API's call (make.act's own goes straight through)
            overtaking.append(True)
            db.session.rollback()  # the view's reads end, as they do before a write
            make.act(staff, reference, "start")  # meanwhile, from the page
        return perform(*args, **kwargs)

    monkeypatch.setattr(request_service, "perform", overtaken)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/ask", data={"text": "Қай нарықтар?"},
        headers=bearer(staff) | {"If-Match": f'"{version}"'},
    )  # fmt: skip
    assert response.status_code == 412
    after = make.row(reference)
    assert after["version"] > version and after["status"].value == "in_progress"
    assert response.headers["ETag"] == f'"{after["version"]}"'


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_weak_if_match_is_refused_as_weak_not_as_stale(app, make, client, bearer, language):
    """A proxy that compresses may weaken the ETag it passes on; the request did not change,
    and the problem must not say it did."""
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    before = make.row(reference)
    current = f'"{before["version"]}"'
    headers = bearer(staff) | {"Accept-Language": language}
    for tags in (f"W/{current}", f'W/{current}, "0"'):
        response = _note(client, headers, reference, tags)
        assert response.status_code == 412
        problem = response.get_json()
        assert problem["type"] == "/api/v1/problems/weak-etag"
        with app.test_request_context(), force_locale(language):
            assert problem["title"] == gettext("A weak entity tag cannot be used")
            assert problem["title"] != gettext("The request changed since you read it")
            english = 'A weak entity tag (W/"…") cannot show which version you read: ' + (
                "send the ETag exactly as you received it."
            )
            assert problem["detail"] == gettext(english)
        assert language == "en" or problem["detail"] != english  # really translated
        assert response.headers["ETag"] == current
    assert make.row(reference) == before
    described = client.get("/api/v1/problems/weak-etag").get_json()
    assert described["status"] == 412


@pytest.mark.parametrize(("action", "field"), [("assign", "assignee"), ("link_duplicate", "flag")])
def test_an_id_beyond_the_database_s_integers_is_named(make, client, bearer, action, field):
    staff = make.user("staff", centre="kbtu")
    reference = make.request(make.user())
    before = make.row(reference)
    response = client.post(
        f"/api/v1/requests/{reference}/actions/{action}", data={field: "9" * 20},
        headers=bearer(staff) | {"If-Match": "*"},
    )  # fmt: skip
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == [field]
    assert make.row(reference) == before


def test_a_submission_goes_in_with_rate_limits_switched_off(make, client, bearer, monkeypatch):
    """RATELIMIT_ENABLED=false leaves Flask-Limiter without a strategy, and asking it for
    one fails: the per-person limit must not ask then."""
    from tisc.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_limiter", None)
    response = client.post("/api/v1/requests", data=SUBMISSION, headers=bearer(make.user()))
    assert response.status_code == 201


def test_a_reopened_requests_outcome_is_no_longer_its_result(make, client, bearer):
    """As on the pages: the outcome, its summary and figures while the request is completed;
    reopened, the earlier result is in its timeline, not in its fields."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request_in("completed", inventor, staff)
    make.act(inventor, reference, "rate", rating=2, text="Too short.")
    path = f"/api/v1/requests/{reference}"
    fields = ("outcome", "outcome_summary", "hours_spent", "documents_cited", "rating_comment")
    done = client.get(path, headers=bearer(staff)).get_json()
    assert done["outcome"] == "prior_art_found" and done["hours_spent"] == 6.5
    assert done["rating_comment"] == "Too short."
    make.act(staff, reference, "reopen", text="A gap in the search.")
    for person in (staff, inventor, make.user("coordinator")):
        shown = client.get(path, headers=bearer(person)).get_json()
        assert shown["status"] == "assigned"
        assert all(shown.get(name) is None for name in fields), shown
        assert shown.get("rating") is None


def test_a_text_part_among_the_files_is_named_without_muddling_the_files(make, client, bearer):
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"title": "   ", "files": [(io.BytesIO(b"MZ\x90\x00"), "a.exe"), "text"]},
    )  # fmt: skip
    assert response.status_code == 400
    fields = sorted(error["field"] for error in response.get_json()["errors"])
    # the text part by its place among the parts; the files' contents once it is gone
    assert len(fields) == 2 and fields[1] == "title"
    assert re.fullmatch(r"files\.\d", fields[0])


def test_a_centre_gone_between_the_check_and_the_submission_is_refused(
    make, client, bearer, monkeypatch
):
    from tisc.services import centres

    found = centres.find_centre
    looks = []

    def gone_the_second_time(slug):
        looks.append(slug)
        return found(slug) if len(looks) == 1 else None

    monkeypatch.setattr(centres, "find_centre", gone_the_second_time)
    response = client.post(
        "/api/v1/requests", headers=bearer(make.user()) | {"Accept-Language": "en"},
        data=SUBMISSION | {"preferred_centre": "kbtu"},
    )  # fmt: skip
    assert looks == ["kbtu", "kbtu"] and response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "preferred_centre", "message": "Choose one of the options."}
    ]
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_a_nul_sent_to_the_api_is_refused_naming_its_field(make, client, bearer):
    """The API has no form to show again: problem+json, naming the field."""
    body = SUBMISSION | {"description": "Hot\x00"}
    response = client.post("/api/v1/requests", headers=bearer(make.user()), data=body)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["description"]
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0
