"""The `flask tisc` commands: data, demo, accounts."""

import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import Centre, City, Region, ServiceRequest, User
from tisc.services.demo import ACCOUNTS, DEMO_PASSWORD


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_load_data_is_idempotent(clean):
    runner = clean.test_cli_runner()
    first = runner.invoke(args=["tisc", "load-data"])
    second = runner.invoke(args=["tisc", "load-data"])
    assert first.exit_code == second.exit_code == 0
    assert "Loaded 20 regions, 34 cities; added 0 centres." in second.output
    assert (count(clean, Region), count(clean, City), count(clean, Centre)) == (20, 34, 5)
    with clean.app_context():
        astana = db.session.get(Region, "KZ-71")
        assert (astana.name_kk, astana.population) == ("Астана", 1638233)
        assert astana.boundary.startswith('{"type":')


def test_demo_creates_every_role_and_requests_in_many_states_once(clean):
    runner = clean.test_cli_runner()
    result = runner.invoke(args=["tisc", "demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for email, *_ in ACCOUNTS:
        assert email in result.output
    assert count(clean, User) == len(ACCOUNTS)
    with clean.app_context():
        statuses = set(db.session.scalars(sa.select(ServiceRequest.status)))
    assert statuses >= {"submitted", "in_progress", "awaiting_inventor", "completed", "declined",
                        "withdrawn"}  # fmt: skip
    requests_before = count(clean, ServiceRequest)
    again = runner.invoke(args=["tisc", "demo"])
    assert "0 accounts and 0 requests created" in again.output
    assert count(clean, ServiceRequest) == requests_before


def test_the_demo_password_signs_in(clean):
    clean.test_cli_runner().invoke(args=["tisc", "demo"])
    client = clean.test_client()
    response = client.post("/login", data={"email": ACCOUNTS[0][0], "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_create_user_with_a_prompted_password(clean):
    runner = clean.test_cli_runner()
    result = runner.invoke(
        args=["tisc", "create-user", "--email", "Staff@Tisc-Test.kz", "--name", "Дана",
              "--role", "staff", "--centre", "kbtu"],
        input="a long enough secret\na long enough secret\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created staff staff@tisc-test.kz." in result.output
    client = clean.test_client()
    response = client.post(
        "/login", data={"email": "staff@tisc-test.kz", "password": "a long enough secret"}
    )
    assert response.status_code == 302
    assert client.get("/desk").status_code == 200


def test_create_user_refuses_bad_input_with_a_message(clean):
    runner = clean.test_cli_runner()
    base = ["tisc", "create-user", "--email", "x@tisc-test.kz", "--name", "X"]
    staff_without_centre = runner.invoke(
        args=[*base, "--role", "staff", "--password", "long enough pw"]
    )
    assert staff_without_centre.exit_code != 0
    assert "Staff must belong to a centre" in staff_without_centre.output
    short = runner.invoke(args=[*base, "--role", "inventor", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    bad_role = runner.invoke(args=[*base, "--role", "admin", "--password", "long enough pw"])
    assert bad_role.exit_code != 0
    assert count(clean, User) == 0


def test_create_user_refuses_a_suspended_centre(clean, make):
    make.centre("closed-tisc", status="suspended")
    result = clean.test_cli_runner().invoke(
        args=["tisc", "create-user", "--email", "x@tisc-test.kz", "--name", "X",
              "--role", "staff", "--centre", "closed-tisc", "--password", "long enough pw"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "a suspended centre takes no new staff" in result.output
    assert count(clean, User) == 0


def test_deactivate_user_and_back(clean, make):
    person = make.user()
    runner = clean.test_cli_runner()
    result = runner.invoke(args=["tisc", "deactivate-user", "--email", person.email])
    assert result.exit_code == 0 and "deactivated" in result.output
    assert (
        make.app.test_client()
        .post("/login", data={"email": person.email, "password": person.password})
        .status_code
        == 400
    )
    runner.invoke(args=["tisc", "deactivate-user", "--email", person.email, "--reactivate"])
    assert (
        make.app.test_client()
        .post("/login", data={"email": person.email, "password": person.password})
        .status_code
        == 302
    )
    missing = runner.invoke(args=["tisc", "deactivate-user", "--email", "nobody@tisc-test.kz"])
    assert missing.exit_code != 0 and "There is no such account." in missing.output


def test_daily_jobs_twice_a_day_send_the_digest_once(clean, make):
    from datetime import UTC, datetime, timedelta

    staff = make.user("staff", centre="kbtu")
    reference = make.request(make.user())
    with clean.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == reference)
            .values(due_at=datetime.now(UTC) - timedelta(hours=1))
        )
        db.session.commit()
    runner = clean.test_cli_runner()
    first = runner.invoke(args=["tisc", "daily"])
    second = runner.invoke(args=["tisc", "daily"])
    assert "daily_digest: 1" in first.output
    assert "daily_digest" not in second.output
    shown = runner.invoke(args=["tisc", "outbox", "--to", staff.email, "--limit", "1"])
    assert reference in shown.output and "OVERDUE" in shown.output


def test_setup_creates_no_demo_accounts_unless_asked(clean):
    runner = clean.test_cli_runner()
    result = runner.invoke(args=["tisc", "setup"])
    assert result.exit_code == 0, result.output
    assert count(clean, User) == 0 and DEMO_PASSWORD not in result.output
    result = runner.invoke(args=["tisc", "setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert count(clean, User) == len(ACCOUNTS) and DEMO_PASSWORD in result.output


def test_a_banner_shows_on_every_page_while_demo_accounts_exist(clean):
    client = clean.test_client()
    assert "demo-banner" not in client.get("/").get_data(as_text=True)
    clean.test_cli_runner().invoke(args=["tisc", "demo"])
    for path in ("/", "/centres", "/login", "/no/such/page"):
        assert "demo-banner" in client.get(path).get_data(as_text=True), path
    for email, *_ in ACCOUNTS:
        clean.test_cli_runner().invoke(args=["tisc", "deactivate-user", "--email", email])
    assert "demo-banner" not in client.get("/").get_data(as_text=True)


def test_setup_moves_the_open_requests_due_dates_when_the_targets_changed(clean, monkeypatch):
    from dataclasses import replace

    from tisc.domain.workflow import OPEN_STATUSES

    runner = clean.test_cli_runner()
    assert runner.invoke(args=["tisc", "setup", "--demo"]).exit_code == 0
    assert "Due dates" not in runner.invoke(args=["tisc", "setup"]).output  # nothing changed
    policy = clean.extensions["tisc.policy"]
    longer = {service: days + 1 for service, days in policy.target_days.items()}
    monkeypatch.setitem(clean.extensions, "tisc.policy", replace(policy, target_days=longer))
    with clean.app_context():
        still_open = db.session.scalar(
            sa.select(sa.func.count()).where(ServiceRequest.status.in_(OPEN_STATUSES))
        )
    result = runner.invoke(args=["tisc", "setup"])
    assert result.exit_code == 0, result.output
    assert still_open >= 5  # the demo's timelines all say how each came to be where it is
    assert f"Due dates of {still_open} open requests moved" in result.output
