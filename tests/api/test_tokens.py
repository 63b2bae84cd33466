"""Personal access tokens: made, shown once, kept hashed, scoped, expiring, revoked - on the
account page and in what the API accepts."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import settings_for
from tests.factories import PASSWORD, login
from tisc import create_app
from tisc.extensions import db, limiter
from tisc.models import ApiToken, AuditEntry, User
from tisc.models.base import utcnow
from tisc.services import accounts, tokens


def make_token(make, person, scope="write", days=30) -> str:
    with make.app.app_context():
        return tokens.create(db.session.get(User, person.id), "CRM", scope, days)[1]


def get(client, path: str, secret: str | None = None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.get(path, headers=headers)


def test_a_token_is_made_on_the_account_page_shown_once_and_kept_only_as_a_hash(make, client):
    inventor = make.user()
    login(client, inventor)
    response = client.post(
        "/account/tokens", data={"name": "Университет CRM", "scope": "read", "days": "90"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # the secret is in this page
    page = response.get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("tisc_") and len(secret) > 40
    with make.app.app_context():
        kept = db.session.scalar(sa.select(ApiToken))
        assert kept.name == "Университет CRM" and kept.scope == "read"
        assert secret not in (kept.secret_hash, kept.hint) and kept.hint == secret[:10]
        assert 89 <= (kept.expires_at - utcnow()).days <= 90
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.created"))
        assert entry.actor_id == inventor.id
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and "Университет CRM" in again and secret[:10] in again
    stranger = make.app.test_client()  # no cookie: the token alone is enough
    assert get(stranger, "/api/v1/requests", secret).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scope": "read", "days": "30"}, "name"),
        ({"name": "x" * 81, "scope": "read", "days": "30"}, "name"),
        ({"name": "CRM", "scope": "admin", "days": "30"}, "scope"),
        ({"name": "CRM", "scope": "read", "days": "3650"}, "days"),
        ({"name": "CRM", "scope": "read", "days": "many"}, "days"),
    ],
)
def test_bad_input_on_the_token_form_is_said_and_makes_nothing(make, client, data, field):
    login(client, make.user())
    response = client.post("/account/tokens", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with make.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_the_token_page_is_for_signed_in_people_only(make, client):
    assert client.get("/account/tokens").status_code == 302
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 302


def test_a_revoked_token_stops_working_and_only_its_owner_may_revoke_it(make, client):
    owner, other = make.user(), make.user()
    secret = make_token(make, owner)
    with make.app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    login(client, other)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert get(client, "/api/v1/requests", secret).status_code == 200
    login(client, owner)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    response = get(client, "/api/v1/requests", secret)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["type"] == "/api/v1/problems/unauthenticated"
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404  # once


def test_an_expired_token_or_a_deactivated_owner_s_token_stops_working(make, client):
    staff, coordinator = make.user("staff", centre="kbtu"), make.user("coordinator")
    secret = make_token(make, staff)
    assert get(client, "/api/v1/requests", secret).status_code == 200
    with make.app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert get(client, "/api/v1/requests", secret).status_code == 401
    fresh = make_token(make, staff)
    with make.app.app_context():
        accounts.set_staff_active(staff.id, False, db.session.get(User, coordinator.id))
    assert get(client, "/api/v1/requests", fresh).status_code == 401


def _change_password(make, client, person):
    login(client, person)
    new = "Другой-пароль-2026!"
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 302


def _reset_password(make, client, person):
    with make.app.app_context():
        user = db.session.get(User, person.id)
        accounts.set_password_from_link(
            user.id, user.session_version, "Другой-пароль-2026!", make.policy.password_hash_method
        )


def _sign_out_everywhere(make, client, person):
    login(client, person)
    assert client.post("/account/sessions/end").status_code == 302


def _deactivate_and_reactivate(make, client, person):
    with make.app.app_context():
        accounts.set_active_by_email(person.email, False)
        accounts.set_active_by_email(person.email, True)


@pytest.mark.parametrize(
    "taken_back",
    [_change_password, _reset_password, _sign_out_everywhere, _deactivate_and_reactivate],
)
def test_whatever_ends_every_session_revokes_every_token(make, client, taken_back):
    """Someone who held the account for a while (a squatted address, a stolen session)
    may have made a token: taking the account back must stop it."""
    owner, other = make.user(), make.user()
    secrets_ = [make_token(make, owner, "read"), make_token(make, owner, "write")]
    others = make_token(make, other)
    taken_back(make, make.app.test_client(), owner)
    stranger = make.app.test_client()
    for secret in secrets_:
        assert get(stranger, "/api/v1/me", secret).status_code == 401
    assert get(stranger, "/api/v1/me", others).status_code == 200
    with make.app.app_context():
        assert tokens.active_for(db.session.get(User, owner.id)) == []


def test_tokens_are_made_only_for_a_confirmed_address(make, client):
    """Anyone may register with an address that is not theirs; until its owner's link
    confirms it, that account makes no token to keep reading with later."""
    inventor = make.user()
    with make.app.app_context():
        db.session.get(User, inventor.id).email_verified_at = None
        db.session.commit()
    login(client, inventor)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'id="confirm-first"' in page and 'name="scope"' not in page
    response = client.post("/account/tokens", data={"name": "CRM", "scope": "read", "days": "30"})
    assert response.status_code == 400 and 'id="confirm-first"' in response.get_data(as_text=True)
    with make.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
        db.session.get(User, inventor.id).email_verified_at = utcnow()
        db.session.commit()
    response = client.post("/account/tokens", data={"name": "CRM", "scope": "read", "days": "30"})
    assert response.status_code == 200 and 'id="new-token"' in response.get_data(as_text=True)


def test_a_token_of_an_unconfirmed_address_made_before_the_rule_is_not_accepted(make, client):
    """Tokens made before they needed a confirmed address: one of a squatted address would
    still read its owner's requests until the owner reset the password."""
    inventor = make.user()
    secret = make_token(make, inventor)
    with make.app.app_context():
        db.session.get(User, inventor.id).email_verified_at = None
        db.session.commit()
    assert get(client, "/api/v1/me", secret).status_code == 401
    with make.app.app_context():
        db.session.get(User, inventor.id).email_verified_at = utcnow()
        db.session.commit()
    assert get(client, "/api/v1/me", secret).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer tisc_not-a-real-token", "Bearer tisc_" + "a" * 200,
     "Basic Zm9vOmJhcg==", "Token tisc_x"],
)  # fmt: skip
def test_a_wrong_authorization_header_is_401_never_a_visitor(make, client, header):
    response = client.get("/api/v1/centres", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_a_signed_in_browser_is_not_signed_in_to_the_api(make, client):
    """Cookies do not authenticate the API, so a forged cross-site call has nothing to ride."""
    login(client, make.user())
    response = client.get("/api/v1/requests")
    assert response.status_code == 401
    posted = client.post("/api/v1/requests", data={"title": "forged"})
    assert posted.status_code == 401


def test_using_a_token_is_noted_now_and_then_not_on_every_call(make, client):
    secret = make_token(make, make.user())
    get(client, "/api/v1/requests", secret)
    with make.app.app_context():
        first = db.session.scalar(sa.select(ApiToken.last_used_at))
    assert first is not None
    get(client, "/api/v1/requests", secret)
    with make.app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) == first


def test_calls_are_limited_per_token(app, make, client, monkeypatch):
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "3 per minute")
    limiter.reset()
    first, second = make_token(make, make.user()), make_token(make, make.user())
    codes = [get(client, "/api/v1/requests", first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = get(client, "/api/v1/requests", first)
    assert refused.content_type == "application/problem+json"
    assert refused.get_json()["type"] == "/api/v1/problems/too-many-requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert get(client, "/api/v1/requests", second).status_code == 200  # another token
    limiter.reset()


def test_a_token_s_allowance_is_one_for_the_whole_api(app, make, client, monkeypatch):
    """Counted per endpoint, each of the API's paths gave a token a whole allowance more."""
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "3 per minute")
    limiter.reset()
    secret = make_token(make, make.user())
    paths = ["/api/v1/requests", "/api/v1/centres", "/api/v1/services", "/api/v1/languages"]
    codes = [get(client, path, secret).status_code for path in paths]
    assert codes == [200, 200, 200, 429]
    limiter.reset()


def test_a_token_is_counted_once_however_its_header_is_written(app, make, client, monkeypatch):
    """Counted by the raw header, each way of writing "Bearer" and each number of spaces
    had a limit of its own."""
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "3 per minute")
    limiter.reset()
    secret = make_token(make, make.user())
    spellings = ["Bearer {}", "bearer {}", "BEARER {}", "Bearer   {}", "bEaReR {}"]
    codes = [
        client.get("/api/v1/requests", headers={"Authorization": spelling.format(secret)})
        for spelling in spellings
    ]
    assert [response.status_code for response in codes] == [200, 200, 200, 429, 429]
    limiter.reset()


def test_calls_without_a_valid_token_are_counted_per_address(app, make, client, monkeypatch):
    """Each made-up token had a limit of its own, and cost a lookup each time."""
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "3 per minute")
    limiter.reset()
    made_up = [get(client, "/api/v1/requests", f"tisc_made-up-{n}") for n in range(4)]
    assert [response.status_code for response in made_up] == [401, 401, 401, 429]
    assert get(client, "/api/v1/requests").status_code == 429  # no token: the same address
    elsewhere = client.get(
        "/api/v1/requests", headers={"Authorization": "Bearer tisc_made-up-9"},
        environ_overrides={"REMOTE_ADDR": "192.0.2.7"},
    )  # fmt: skip
    assert elsewhere.status_code == 401
    assert get(client, "/api/v1/requests", make_token(make, make.user())).status_code == 200
    limiter.reset()


def test_another_app_of_the_process_adds_no_limit_of_its_own(app, database, make, client,
                                                              monkeypatch):  # fmt: skip
    """The limiter is the process's, shared by its apps (the tests and schemathesis make
    several): each app's own lambda added a limit to the API read from that app's settings."""
    other = create_app(settings_for(database) | {"TISC_API_LIMIT": "1 per minute"})
    with other.app_context():
        db.engine.dispose()
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "2 per minute")
    limiter.reset()
    secret = make_token(make, make.user())
    answers = [get(client, "/api/v1/requests", secret) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert [answer.headers["X-RateLimit-Limit"] for answer in answers] == ["2", "2", "2"]
    limiter.reset()


def test_retry_after_comes_with_a_refusal_only_the_limit_s_headers_with_every_answer(
    app, make, client, monkeypatch
):
    """Sent with every answer (200, 401, 404), Retry-After made clients that obey it wait
    after calls that had nothing to retry."""
    monkeypatch.setitem(app.config, "TISC_API_LIMIT", "4 per minute")
    limiter.reset()
    secret = make_token(make, make.user())
    answers = [
        get(client, "/api/v1/requests", secret),
        get(client, "/api/v1/requests/TISC-2026-99999", secret),
        get(client, "/api/v1/requests", "tisc_not-a-real-token"),
        get(client, "/api/v1/centres"),
    ]
    assert [answer.status_code for answer in answers] == [200, 404, 401, 200]
    for answer in answers:
        assert "Retry-After" not in answer.headers
        assert answer.headers["X-RateLimit-Limit"] == "4"
        assert int(answer.headers["X-RateLimit-Reset"]) > 0
    remaining = [answer.headers["X-RateLimit-Remaining"] for answer in answers]
    assert remaining == ["3", "2", "3", "2"]  # the token's, then the address's
    more = [get(client, "/api/v1/requests", secret) for _ in range(3)]
    assert [answer.status_code for answer in more] == [200, 200, 429]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in more] == ["1", "0", "0"]
    assert all("Retry-After" not in answer.headers for answer in more[:2])
    refused = more[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Limit"] == "4"
    limiter.reset()


def test_submissions_through_the_api_keep_the_pages_limit_per_person(app, make, client,
                                                                      monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "2 per hour")
    limiter.reset()
    inventor = make.user()
    secrets = [make_token(make, inventor), make_token(make, inventor)]  # two tokens, one person
    codes = []
    for n in range(3):
        response = client.post(
            "/api/v1/requests",
            headers={"Authorization": f"Bearer {secrets[n % 2]}"},
            data={"service": "training", "title": f"Курс {n}", "description": f"Тақырып {n}",
                  "region_code": "KZ-75", "preferred_language": "kk",
                  "confidentiality_ack": "true", "send_anyway": "true"},
        )  # fmt: skip
        codes.append(response.status_code)
    assert codes == [201, 201, 429]
    limiter.reset()


def test_a_retried_submission_spends_none_of_the_submission_limit(app, make, client,
                                                                  monkeypatch):  # fmt: skip
    """Counted, the tenth retry of a submission already made got 429 instead of the request
    it had made; the 429 then showed the per-token limit's figures, not its own."""
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "2 per hour")
    limiter.reset()
    token = {"Authorization": f"Bearer {make_token(make, make.user())}"}

    def submit(n: int, key: str, **more):
        return client.post(
            "/api/v1/requests", headers=token | {"Idempotency-Key": key},
            data={"service": "training", "title": f"Курс {n}", "description": f"Тақырып {n}",
                  "region_code": "KZ-75", "preferred_language": "kk",
                  "confidentiality_ack": "true", "send_anyway": "true", **more},
        )  # fmt: skip

    retried = [submit(0, "crm-1") for _ in range(5)]
    assert [response.status_code for response in retried] == [201, 200, 200, 200, 200]
    assert len({response.get_json()["reference"] for response in retried}) == 1
    assert submit(1, "crm-1").status_code == 422  # the key of another submission: nothing made
    assert submit(1, "crm-2", preferred_centre="nowhere").status_code == 400
    assert submit(1, "crm-2").status_code == 201  # the second of two
    refused = submit(2, "crm-3")
    assert refused.status_code == 429
    assert submit(0, "crm-1").status_code == 200  # a retry is answered even now
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 3601
    assert 0 < int(refused.headers["X-RateLimit-Reset"]) - time.time() <= 3601
    limiter.reset()


def test_refused_submissions_spend_none_of_the_submission_limit(app, make, client,
                                                                monkeypatch):  # fmt: skip
    """As on the pages: an invalid submission or one refused as similar made nothing and
    counts nothing (review 10, finding 1)."""
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "1 per hour")
    limiter.reset()
    token = {"Authorization": f"Bearer {make_token(make, make.user())}"}
    data = {"service": "prior_art_search", "title": "Күн панелі", "description": "Сипаттама",
            "region_code": "KZ-75", "preferred_language": "kk",
            "confidentiality_ack": "true"}  # fmt: skip
    assert client.post("/api/v1/requests", headers=token, data=data).status_code == 201
    limiter.reset()  # the first made the next similar; the allowance starts again
    for _ in range(3):
        assert client.post("/api/v1/requests", headers=token,
                           data=data | {"ipc_classes": "XYZ"}).status_code == 400  # fmt: skip
        assert client.post("/api/v1/requests", headers=token, data=data).status_code == 409
    made = client.post("/api/v1/requests", headers=token, data=data | {"send_anyway": "true"})
    assert made.status_code == 201
    refused = client.post("/api/v1/requests", headers=token,
                          data=data | {"send_anyway": "true", "title": "Тағы"})  # fmt: skip
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "1"
    assert client.get(f"/api/v1/requests/{made.get_json()['reference']}",
                      headers=token).status_code == 200  # fmt: skip
    limiter.reset()


def test_at_most_twenty_live_tokens_per_person(make):
    inventor = make.user()
    for _ in range(tokens.MAX_TOKENS):
        make_token(make, inventor)
    with make.app.app_context(), pytest.raises(Exception, match="Revoke"):
        tokens.create(db.session.get(User, inventor.id), "one more", "read", 30)
