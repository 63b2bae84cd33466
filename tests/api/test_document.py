"""The OpenAPI document says what the API really does: the headers it needs and sends, the
problems it answers and their members, each checked against real answers (schemathesis's
conformance checks) as well as read from the document."""

import copy
import io

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PDF
from tisc.api import schemas
from tisc.extensions import limiter

ONE = "/api/v1/requests/{reference}"
ACT = "/api/v1/requests/{reference}/actions/{action}"
SUBMISSION = {
    "service": "training", "title": "Патенттік іздеу курсы", "description": "Зертхана үшін",
    "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "true",
}  # fmt: skip
CONFORMANCE = [
    status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance,
]  # fmt: skip


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def conforms(app):
    """``conforms(path, method, response)``: the real answer, checked against the document."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    def check(path: str, method: str, response) -> None:
        schema[path][method].Case().validate_response(response, checks=CONFORMANCE)

    return check


def test_an_action_declares_if_match_and_needs_no_body(document):
    """Without If-Match in the document, a generated client (and Swagger UI's Try it out)
    got 428 on every action; an action without fields takes no body."""
    operation = document["paths"][ACT]["post"]
    [if_match] = [p for p in operation["parameters"] if p["name"] == "If-Match"]
    assert if_match["in"] == "header" and if_match["required"] is True
    assert "428" in if_match["description"] and "412" in if_match["description"]
    assert operation["requestBody"].get("required", False) is False
    assert {"412", "428"} <= set(operation["responses"])


def test_the_document_names_the_headers_that_carry_the_protocol(document):
    paths = document["paths"]

    def headers(path, method, status):
        return paths[path][method]["responses"][status].get("headers", {})

    for path, method, status in ((ONE, "get", "200"), (ACT, "post", "200"), (ACT, "post", "412"),
                                 ("/api/v1/requests", "post", "201"),
                                 ("/api/v1/requests", "post", "200")):  # fmt: skip
        etag = headers(path, method, status)["ETag"]
        assert etag["required"] is True and etag["schema"]["pattern"] == '^"[0-9]+"$'
    for status in ("201", "200"):
        assert headers("/api/v1/requests", "post", status)["Location"]["required"] is True
    listed = headers("/api/v1/requests", "get", "200")
    assert "rel=" in listed["Link"]["description"] and not listed["Link"].get("required")
    assert listed["TISC-Search-Newest"]["schema"]["type"] == "integer"


def test_the_problem_schema_admits_the_members_problems_carry(document):
    problem = document["components"]["schemas"]["Problem"]
    assert problem["additionalProperties"] is True  # RFC 9457 extension members
    assert problem["properties"]["similar"]["type"] == "array"
    assert problem["properties"]["accepted"]["type"] == "array"


def test_refusals_are_declared_where_they_happen(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), f"{method} {path}"  # any token, any caller
            assert "WWW-Authenticate" in responses["401"]["headers"]
            assert responses["429"]["headers"]["Retry-After"]["required"] is True
    for path in (ACT, "/api/v1/requests"):
        assert {"403", "413", "415"} <= set(document["paths"][path]["post"]["responses"]), path
    assert "404" in document["paths"]["/api/v1/requests"]["post"]["responses"]  # staff, office


def test_reads_and_lists_send_what_the_document_says(make, client, bearer, conforms,
                                                      monkeypatch):  # fmt: skip
    from tisc.services import search

    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    made = [make.request(inventor, title=f"Кірпіш {word}") for word in ("бір", "екі", "үш")]
    headers = bearer(staff)
    read = client.get(f"/api/v1/requests/{made[0]}", headers=headers)
    assert read.headers["ETag"]
    conforms(ONE, "GET", read)
    paged = client.get("/api/v1/requests?limit=1", headers=headers)
    assert 'rel="next"' in paged.headers["Link"]
    conforms("/api/v1/requests", "GET", paged)
    monkeypatch.setattr(search, "NEWEST", 2)
    monkeypatch.setattr(search, "_common_elements", dict)  # every word rare (PostgreSQL)
    capped = client.get("/api/v1/requests?q=кірпіш", headers=headers)
    assert capped.headers["TISC-Search-Newest"] == "2"
    conforms("/api/v1/requests", "GET", capped)


def test_submissions_and_their_problems_are_what_the_document_says(make, client, bearer,
                                                                    conforms):  # fmt: skip
    """The 409's ``similar`` and the 415's ``accepted`` broke a schema that allowed no member
    beyond the standard ones."""
    headers = bearer(make.user()) | {"Idempotency-Key": "crm-4711"}
    made = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    again = client.post("/api/v1/requests", data=SUBMISSION, headers=headers)
    assert (made.status_code, again.status_code) == (201, 200)
    similar = client.post("/api/v1/requests", data=SUBMISSION,
                          headers={"Authorization": headers["Authorization"]})  # fmt: skip
    assert similar.status_code == 409 and similar.get_json()["similar"]
    json_body = client.post("/api/v1/requests", json=SUBMISSION, headers=headers)
    assert json_body.status_code == 415 and json_body.get_json()["accepted"]
    for response in (made, again, similar, json_body):
        conforms("/api/v1/requests", "POST", response)


def test_action_answers_and_refusals_are_what_the_document_says(make, client, bearer, conforms):
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user(), staff)
    url = f"/api/v1/requests/{reference}/actions/note"
    current = make.row(reference)["version"]
    answers = {
        "done": client.post(url, data={"text": "x"},
                            headers=bearer(staff) | {"If-Match": f'"{current}"'}),
        "no body": client.post(f"/api/v1/requests/{reference}/actions/ask",
                               headers=bearer(staff) | {"If-Match": f'"{current}"'}),
        "stale": client.post(url, data={"text": "x"},
                             headers=bearer(staff) | {"If-Match": f'"{current - 1}"'}),
        "weak": client.post(url, data={"text": "x"},
                            headers=bearer(staff) | {"If-Match": f'W/"{current}"'}),
        "missing": client.post(url, data={"text": "x"}, headers=bearer(staff)),
        "read only": client.post(url, data={"text": "x"},
                                 headers=bearer(staff, "read") | {"If-Match": "*"}),
        "no token": client.post(url, data={"text": "x"}, headers={"If-Match": "*"}),
    }  # fmt: skip
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {"done": 200, "no body": 400, "stale": 412, "weak": 412, "missing": 428,
                        "read only": 403, "no token": 401}  # fmt: skip
    for response in answers.values():
        conforms(ACT, "POST", response)


def test_a_body_too_large_and_too_many_calls_are_what_the_document_says(app, make, client,
                                                                       bearer, conforms,
                                                                       monkeypatch):  # fmt: skip
    inventor = make.user()
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    too_large = client.post(
        "/api/v1/requests",
        headers=bearer(inventor),
        data=SUBMISSION | {"files": [(io.BytesIO(PDF * 100), "a.pdf")]},
    )
    assert too_large.status_code == 413
    conforms("/api/v1/requests", "POST", too_large)
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "1 per hour")
    limiter.reset()
    sent = [client.post("/api/v1/requests", headers=bearer(inventor),
                        data=SUBMISSION | {"title": f"Курс {n}", "send_anyway": "true"})
            for n in range(2)]  # fmt: skip
    assert [response.status_code for response in sent] == [201, 429]
    conforms("/api/v1/requests", "POST", sent[1])
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "1 per minute")
    limiter.reset()
    headers = bearer(inventor)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    limited = client.get("/api/v1/me", headers=headers)
    assert limited.status_code == 429
    conforms("/api/v1/me", "GET", limited)
    limiter.reset()


def test_copying_the_documentation_keeps_each_schema_as_it_is():
    """flask-smorest deep-copies a view's documentation at each of its decorators and again
    when it is registered; the copies of our schemas are the schemas themselves, so that a
    worker keeps one of each (the copies were 1.6 MB). The document is unchanged by it:
    the tests above read it."""
    every = [schemas.Schema, *_subclasses(schemas.Schema)]
    assert len(every) > 30
    for schema_class in every:
        documented = {"response": {"schema": schema_class(), "description": "…"}}
        copied = copy.deepcopy(documented)
        assert copied["response"]["schema"] is documented["response"]["schema"], schema_class
        assert copied["response"] is not documented["response"]  # the documentation is copied


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
