"""CSRF, headers, cookies, escaping, and Kazakh text surviving the round trip."""

import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.test import encode_multipart

from tests.conftest import settings_for
from tests.factories import PDF, login
from tisc import create_app
from tisc.extensions import db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_post_without_the_csrf_token_is_refused(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    person = make.user()
    response = client.post("/login", data={"email": person.email, "password": person.password})
    assert response.status_code == 400
    assert "The form expired or was sent from elsewhere" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(
        "/login", data={"email": person.email, "password": person.password, "csrf_token": token}
    )
    assert response.status_code == 302


def test_security_headers_and_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_pages_have_no_inline_scripts(client, make):
    login(client, make.user())
    for url in ("/", "/centres", "/requests/new", "/account"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " onclick=" not in page and " onload=" not in page


def test_session_cookie_is_httponly_and_samesite(client, make):
    person = make.user()
    response = client.post("/login", data={"email": person.email, "password": person.password})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_user_text_is_escaped_everywhere_it_appears(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    reference = make.request(inventor, title=HOSTILE, description=HOSTILE, keywords=HOSTILE)
    make.act(staff, reference, "note", text=HOSTILE)
    make.act(staff, reference, "message", text=HOSTILE)
    pages = [
        as_("staff").get(f"/requests/{reference}"),
        as_("staff").get("/desk"),
        as_("inventor").get(f"/requests/{reference}"),
        as_("inventor").get("/requests"),
    ]
    for response in pages:
        page = response.get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_hostile_names_are_escaped(make, client):
    person = make.user(name=HOSTILE)
    login(client, person)
    page = client.get("/account").get_data(as_text=True)
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    "text", ["ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І", "Ёлка съёмка «ёж» — №5", "日本語 😀 é"]
)
def test_unicode_round_trips_through_form_database_and_page(world, as_, make, text):
    client = as_("inventor")
    response = client.post(
        "/requests/new",
        data={"service": "prior_art_search", "title": text, "description": text,
              "keywords": text, "region_code": "KZ-75", "preferred_language": "kk",
              "confidentiality_ack": "y"},
        follow_redirects=True,
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert page.count(text) >= 3
    reference = re.search(r"TISC-\d{4}-\d{5}", page)[0]
    row = make.row(reference)
    assert row["title"] == row["description"] == row["keywords"] == text


MB = 1024 * 1024


def test_an_overlong_upload_is_refused_cleanly(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    login(client, make.user())
    response = client.post(
        "/requests/new", data={"title": "x" * 5000},
        headers={"Referer": "http://localhost/requests/new?service=training"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "too large" in page and "at most 5 files of at most 10 MB each" in page
    assert "or shorten the text" in page  # a text alone may be what was too large
    assert 'href="/requests/new?service=training">Back to the form<' in page
    elsewhere = client.post("/requests/new", data={"title": "x" * 5000},
                            headers={"Referer": "https://evil.example/requests/new"})  # fmt: skip
    assert "Back to the form" not in elsewhere.get_data(as_text=True)


def test_a_text_too_long_for_any_form_is_refused_saying_so(client, make):
    """Under the default limits a text alone can be what is too large (a field over the
    form parser's memory limit): the answer names the text, not only files."""
    login(client, make.user())
    # Encoded here, in memory: the test client would spool it to a file it never closes.
    boundary, body = encode_multipart({"title": "A brick", "description": "ж" * 300_000})
    response = client.post(
        "/requests/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "or shorten the text" in response.get_data(as_text=True)
    with make.app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM service_requests")) == 0


def test_a_request_takes_as_many_files_of_the_largest_size_as_the_form_allows(
    make, database, monkeypatch
):
    """The whole request's cap follows the per-file cap: five files of 1 MB here (five of
    10 MB by default, beyond a fixed 32 MB), with the form's text."""
    assert create_app(settings_for(database)).config["MAX_CONTENT_LENGTH"] >= 5 * 10 * MB
    small = create_app(settings_for(database) | {"TISC_UPLOAD_MAX_BYTES": MB})
    client = small.test_client()
    login(client, make.user())
    help_text = "PDF, DOCX, PNG or JPEG; up to 5 files of at most 1 MB each."
    assert help_text in client.get("/requests/new").get_data(as_text=True)  # the limits set
    # Encoded here, in memory: the test client would spool so large a body to a file it
    # never closes.
    boundary, body = encode_multipart({
        "service": "prior_art_search", "title": "Five drawings", "description": "x" * 20_000,
        "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
        "files": [(io.BytesIO(PDF + b"0" * (MB - len(PDF))), f"part-{n}.pdf") for n in range(5)],
    })  # fmt: skip
    response = client.post(
        "/requests/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with small.app_context():
        db.engine.dispose()


def test_unknown_pages_and_methods_get_friendly_errors(client):
    assert client.get("/no/such/page").status_code == 404
    response = client.delete("/")
    assert response.status_code == 405 and "Allow" in response.headers


def test_signed_in_pages_files_and_the_mailbox_are_never_stored(world, as_):
    client = as_("inventor")
    request = f"/requests/{world.reference}"
    paths = ["/", "/centres", "/account", "/account/mailbox", request,
             f"{request}/files/{world.file_id}", "/requests/TISC-2026-99999"]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_public_pages_and_static_files_may_be_cached(world, as_):
    anonymous = as_("anonymous")
    assert "no-store" not in anonymous.get("/centres").headers.get("Cache-Control", "")
    signed_in = as_("staff")
    response = signed_in.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
