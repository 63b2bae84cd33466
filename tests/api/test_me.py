"""Who the token acts for (``GET /api/v1/me``), and the account ids that ``assign`` takes:
given to a centre's staff (their colleagues, a request's assignee), never to inventors or
the national office."""

import re
from html import unescape

import pytest

from tests.factories import login
from tisc.services import accounts


@pytest.mark.parametrize(
    "authorization", [None, "Bearer tisc_not-a-token", "Basic dXNlcjpwYXNz"], ids=repr
)
def test_me_without_a_valid_token_is_a_401_problem(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"] == "/api/v1/problems/unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "id" not in response.get_json()


@pytest.mark.parametrize("role", ["inventor", "coordinator"])
def test_me_says_who_the_token_acts_for_and_gives_others_no_colleagues(make, client, bearer,
                                                                       role):  # fmt: skip
    person = make.user(role, name="Сәуле Ахметова")
    make.user("staff", centre="kbtu")
    response = client.get("/api/v1/me", headers=bearer(person, "read"))  # reading is enough
    assert response.status_code == 200
    assert response.get_json() == {
        "id": person.id, "name": "Сәуле Ахметова", "role": role, "centre": None,
    }  # fmt: skip
    assert response.headers["Cache-Control"] == "no-store"


def test_staff_get_their_centre_and_the_colleagues_the_page_offers_to_assign(make, client,
                                                                             bearer):  # fmt: skip
    """The same people as the request page's "Assign to a colleague" select, in its order:
    the centre's active staff, themselves included; not those who left, nor other centres'."""
    staff = make.user("staff", centre="kbtu", name="Бекзат Ерланұлы")
    colleague = make.user("staff", centre="kbtu", name="Әсел Қанатқызы")
    gone = make.user("staff", centre="kbtu", name="Арман Сейітов")
    make.user("staff", centre="atyrau-university", name="Айгерім Болатқызы")
    with make.app.app_context():
        accounts.set_active_by_email(gone.email, False)
    reference = make.request(make.user())

    response = client.get("/api/v1/me", headers=bearer(staff) | {"Accept-Language": "kk"})
    assert response.status_code == 200
    me = response.get_json()
    assert (me["id"], me["name"], me["role"]) == (staff.id, staff.name, "staff")
    assert me["centre"]["slug"] == "kbtu" and me["centre"]["names"]["en"]
    assert {person["id"] for person in me["colleagues"]} == {staff.id, colleague.id}

    login(client, staff)
    client.post("/locale", data={"locale": "kk", "next": "/"})
    page = client.get(f"/requests/{reference}?do=assign").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="assign-assignee"[^>]*>(.*?)</select>', page, re.S)
    offered = [
        {"id": int(value), "name": unescape(name).strip()}
        for value, name in re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)<', select[1])
    ]
    assert me["colleagues"] == offered


def test_staff_assign_and_start_a_new_request_through_the_api_alone(make, client, bearer):
    """The review's way in: an id from /me, never from the database."""
    inventor, staff = make.user(), make.user("staff", centre="kbtu", name="Бекзат Ерланұлы")
    make.user("staff", centre="kbtu", name="Әсел Қанатқызы")
    reference = make.request(inventor)
    headers = bearer(staff)
    me = client.get("/api/v1/me", headers=headers).get_json()
    [myself] = [person for person in me["colleagues"] if person["name"] == "Бекзат Ерланұлы"]
    read = client.get(f"/api/v1/requests/{reference}", headers=headers)
    assigned = client.post(
        f"/api/v1/requests/{reference}/actions/assign", data={"assignee": myself["id"]},
        headers=headers | {"If-Match": read.headers["ETag"]},
    )  # fmt: skip
    assert assigned.status_code == 200, assigned.get_json()
    assert assigned.get_json()["assignee"] == myself
    started = client.post(
        f"/api/v1/requests/{reference}/actions/start",
        headers=headers | {"If-Match": assigned.headers["ETag"]},
    )  # fmt: skip
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"


def test_a_request_is_not_assigned_again_to_who_has_it(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request_in("assigned", inventor, staff)
    before = make.row(reference)
    again = client.post(
        f"/api/v1/requests/{reference}/actions/assign", data={"assignee": staff.id},
        headers=bearer(staff) | {"If-Match": "*"},
    )  # fmt: skip
    assert again.status_code == 400
    assert again.get_json()["errors"] == [
        {"field": "assignee", "message": "The request is assigned to this person already."}
    ]
    assert make.row(reference) == before


def test_an_assignee_s_id_is_shown_to_the_centre_s_staff_only(make, client, bearer):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    reference = make.request_in("assigned", inventor, staff)
    detail, listed = f"/api/v1/requests/{reference}", "/api/v1/requests?status=all"

    for path in (detail, listed):
        body = client.get(path, headers=bearer(staff)).get_json()
        body = body[0] if isinstance(body, list) else body
        assert body["assignee"] == {"id": staff.id, "name": staff.name}, path

        mine = client.get(path.replace("?status=all", ""), headers=bearer(inventor)).get_json()
        mine = mine[0] if isinstance(mine, list) else mine
        assert mine["assignee"] == {"name": staff.name}, path  # the inventor: a name only

        office = client.get(path, headers=bearer(make.user("coordinator"))).get_json()
        office = office[0] if isinstance(office, list) else office
        assert "assignee" not in office and office["assigned"] is True, path


def test_the_document_describes_me_and_where_an_assignee_s_id_comes_from(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/me"]["get"]
    assert "security" not in operation  # the document's own: a token
    assert "401" in operation["responses"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Me"]["required"]) == {"id", "name", "role", "centre"}
    assert "id" in schemas["Colleague"]["required"]
    assert "/api/v1/me" in schemas["ActionInput"]["properties"]["assignee"]["description"]
    assert "id" in schemas["Assignee"]["properties"]
