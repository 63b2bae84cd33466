"""The API's authorisation matrix: every role against every endpoint, like the pages'.

Anything a person may not see is 404; no token is 401; a read-only token that
tries to act is 403; and a refused call changes nothing.
"""

import pytest

ROLES = ["anonymous", "inventor", "other_inventor", "staff", "other_staff", "coordinator"]


def expect(**codes) -> dict[str, int]:
    rest = codes.pop("rest")
    return {role: codes.get(role, rest) for role in ROLES}


VIEWERS = expect(anonymous=401, inventor=200, staff=200, coordinator=200, rest=404)
PEOPLE_WHO_RUN_IT = expect(anonymous=401, staff=200, other_staff=200, coordinator=200, rest=404)

READS = {
    "/api/v1/openapi.json": expect(rest=200),
    "/api/v1/problems/not-found": expect(rest=200),
    "/api/v1/centres": expect(rest=200),
    "/api/v1/centres?service=training&language=kk&near=KZ-75": expect(rest=200),
    "/api/v1/centres/kbtu": expect(rest=200),
    "/api/v1/centres/no-such-centre": expect(rest=404),
    "/api/v1/services": expect(rest=200),
    "/api/v1/languages": expect(rest=200),
    "/api/v1/labels": expect(rest=200),
    "/api/v1/regions": expect(rest=200),
    "/api/v1/me": expect(anonymous=401, rest=200),
    "/api/v1/requests": expect(anonymous=401, rest=200),
    "/api/v1/requests/{ref}": VIEWERS,
    "/api/v1/requests/{ref}/timeline": VIEWERS,
    "/api/v1/requests/{ref}/files/{file}": expect(anonymous=401, inventor=200, staff=200, rest=404),
    "/api/v1/requests/TISC-2026-99999": expect(anonymous=401, rest=404),
    "/api/v1/requests/not-a-reference": expect(anonymous=401, rest=404),
    "/api/v1/requests/{ref}/files/99999999999999999999": expect(rest=404),  # no such route
    "/api/v1/statistics": expect(anonymous=401, coordinator=200, rest=404),
    "/api/v1/coverage?radius=150&proposals=1": expect(anonymous=401, coordinator=200, rest=404),
    "/api/v1/figures": PEOPLE_WHO_RUN_IT,
    "/api/v1/figures?period=last_year&service=training": PEOPLE_WHO_RUN_IT,
    "/api/v1/figures?centre=kbtu": expect(
        anonymous=401, staff=200, coordinator=200, rest=404
    ),  # other_staff: another centre's figures
    "/api/v1/reports/wipo?year=2026": expect(anonymous=401, coordinator=200, rest=404),
    "/api/v1/nothing-here": expect(rest=404),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", READS)
def test_every_read_for_every_role(api_world, call, path, role):
    url = path.format(ref=api_world.reference, file=api_world.file_id)
    response = call(role, "GET", url)
    assert response.status_code == READS[path][role], f"{role} GET {url}"
    if response.status_code >= 400:
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == response.status_code


def test_a_refused_request_looks_like_a_missing_one(api_world, call):
    refused = call("other_staff", "GET", f"/api/v1/requests/{api_world.reference}").get_json()
    missing = call("other_staff", "GET", "/api/v1/requests/TISC-2026-99999").get_json()
    assert {k: v for k, v in refused.items() if k != "instance"} == {
        k: v for k, v in missing.items() if k != "instance"
    }


# Actions on the inventor's freshly submitted request, by role: the pages' matrix
# (tests/web/test_access.py) with 200 for their redirect and 401 for their sign-in page.
ACTIONS = {
    "assign": expect(anonymous=401, staff=200, inventor=409, rest=404),
    "transfer": expect(anonymous=401, staff=200, inventor=409, rest=404),
    "start": expect(anonymous=401, inventor=409, staff=409, rest=404),  # not assigned yet
    "ask": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "reply": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "message": expect(anonymous=401, inventor=200, staff=200, rest=404),
    "note": expect(anonymous=401, inventor=409, staff=200, rest=404),
    "complete": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "decline": expect(anonymous=401, inventor=409, staff=200, rest=404),
    "withdraw": expect(anonymous=401, inventor=200, staff=409, rest=404),
    "reopen": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "rate": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "record_filing": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "close_no_answer": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "resume": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "follow_up": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "answer": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "resolve": expect(anonymous=401, inventor=409, staff=409, rest=404),
    "link_duplicate": expect(anonymous=401, inventor=409, staff=400, rest=404),  # no flag
    "dismiss_duplicate": expect(anonymous=401, inventor=409, staff=400, rest=404),
    # Not actions anyone asks for by name: no such address, whoever asks.
    "remind": expect(rest=404),  # the daily jobs' own
    "expire": expect(rest=404),
    "unassign": expect(rest=404),  # only a consequence of moving staff
    "no-such-action": expect(rest=404),
}


def action_body(api_world, action: str) -> dict:
    return {
        "text": "Себебі: ә ғ қ", "assignee": api_world.people["staff"].id,
        "centre": "nazarbayev-university", "outcome": "advice_given", "summary": "Done",
        "hours_spent": "1", "documents_cited": "0", "rating": "4",
        "application_number": "2026/0123.1", "flag": "999999", "ip_right": "patent",
        "office": "kazpatent", "filed_on": "2026-01-05",
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_for_every_role(api_world, call, action, role):
    before = api_world.make.row(api_world.reference)
    response = call(
        role, "POST", f"/api/v1/requests/{api_world.reference}/actions/{action}",
        data=action_body(api_world, action), headers={"If-Match": f'"{before["version"]}"'},
    )  # fmt: skip
    assert response.status_code == ACTIONS[action][role], f"{role} {action}: {response.json}"
    if response.status_code != 200:
        assert response.content_type == "application/problem+json"
        assert api_world.make.row(api_world.reference) == before, "a refused call changed it"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_a_read_only_token_may_not_act(api_world, call, role):
    before = api_world.make.row(api_world.reference)
    response = call(
        role, "POST", f"/api/v1/requests/{api_world.reference}/actions/message",
        data={"text": "hello"}, headers={"If-Match": f'"{before["version"]}"'}, read_only=True,
    )  # fmt: skip
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/forbidden")
    assert api_world.make.row(api_world.reference) == before


@pytest.mark.parametrize("role", ROLES)
def test_only_inventors_submit(api_world, call, role):
    response = call(role, "POST", "/api/v1/requests", data={
        "service": "ip_consultation", "title": "Жел диірмені", "description": "D",
        "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "true",
    })  # fmt: skip
    expected = {"anonymous": 401, "inventor": 201, "other_inventor": 201}.get(role, 404)
    assert response.status_code == expected, response.get_json()
    assert requests_in_database(api_world) == (2 if expected == 201 else 1)


def requests_in_database(api_world) -> int:
    with api_world.make.app.app_context():
        from tisc.extensions import db

        return db.session.scalar(db.text("SELECT count(*) FROM service_requests"))


def test_the_coordinator_s_timeline_has_every_status_change_and_none_of_the_talk(
    api_world, call, make
):
    staff, inventor, reference = (api_world.people["staff"], api_world.people["inventor"],
                                  api_world.reference)  # fmt: skip
    make.act(staff, reference, "assign", assignee_id=staff.id)
    make.act(staff, reference, "start")
    make.act(staff, reference, "ask", text="QUESTION-TEXT")
    make.act(inventor, reference, "reply", text="REPLY-TEXT")
    make.act(staff, reference, "note", text="NOTE-TEXT")
    make.act(staff, reference, "ask", text="SECOND-QUESTION")
    response = call("coordinator", "GET", f"/api/v1/requests/{reference}/timeline")
    assert response.status_code == 200
    steps = [(s["action"], s["from_status"], s["to_status"]) for s in response.get_json()]
    assert steps == [
        ("submit", None, "submitted"), ("assign", "submitted", "assigned"),
        ("start", "assigned", "in_progress"), ("ask", "in_progress", "awaiting_inventor"),
        ("reply", "awaiting_inventor", "in_progress"),
        ("ask", "in_progress", "awaiting_inventor"),
    ]  # fmt: skip
    assert all(
        set(step) == {"action", "at", "from_status", "to_status", "from_centre", "to_centre"}
        for step in response.get_json()
    )
    for secret in ("QUESTION-TEXT", "REPLY-TEXT", "NOTE-TEXT", "SECOND-QUESTION", "сызба.pdf"):
        assert secret not in response.get_data(as_text=True), secret
