"""A staff member who moves or leaves stops receiving their old centre's content.

Their open requests there are unassigned (each timeline says so and who did
it), nobody is ever told about a request they cannot open, and what the
inventor writes on a request nobody holds reaches the centre's staff.
"""

import pytest
import sqlalchemy as sa

from tests.factories import login
from tests.mail import outbox
from tisc.domain.errors import Invalid
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.formatting import address_breaks
from tisc.models import Handover, RequestEvent, User
from tisc.services import accounts, handover


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor"),
        "leaver": make.user("staff", centre="kbtu", name="Leaver"),
        "colleague": make.user("staff", centre="kbtu"),
        "coordinator": make.user("coordinator"),
    }


def told(app, since: int = 0) -> list[tuple[str, str]]:
    return [(m.kind, m.to_address) for m in outbox(app)[since:]]


def unassign_events(make, reference: str) -> list[RequestEvent]:
    with make.app.app_context():
        request_id = make.row(reference)["id"]
        events = db.session.scalars(
            sa.select(RequestEvent).where(
                RequestEvent.request_id == request_id, RequestEvent.action == Action.UNASSIGN
            )
        ).all()
        db.session.expunge_all()
        return list(events)


def _user(person) -> User:
    return db.session.get(User, person.id)


def test_moving_staff_unassigns_their_open_requests_at_the_old_centre(make, people):
    inventor, leaver = people["inventor"], people["leaver"]
    assigned = make.request_in("assigned", inventor, leaver)
    working = make.request_in("awaiting_inventor", inventor, leaver)
    done = make.request_in("completed", inventor, leaver)
    with make.app.app_context():
        accounts.move_staff(leaver.id, "atyrau-university", by=_user(people["coordinator"]))
    assert make.row(assigned)["assignee_id"] is None
    assert make.row(assigned)["status"] == "submitted"  # back in the queue for someone to take
    assert make.row(working)["assignee_id"] is None
    assert make.row(working)["status"] == "awaiting_inventor"
    assert make.row(done)["assignee_id"] == leaver.id  # closed work keeps its history
    for reference in (assigned, working):
        (event,) = unassign_events(make, reference)
        assert event.actor_id == people["coordinator"].id  # who did it, honestly
        assert event.assignee_id == leaver.id  # whom it concerned
        assert not event.internal
    assert unassign_events(make, done) == []


def test_nobody_is_moved_to_a_suspended_centre(make, people):
    make.centre("closed-tisc", status="suspended")
    with make.app.app_context():
        with pytest.raises(Invalid) as refused:
            accounts.move_staff(people["leaver"].id, "closed-tisc", by=_user(people["coordinator"]))
        assert refused.value.field == "centre"
    assert make.person(people["leaver"].id).centre_id == make.centre_id("kbtu")


def test_deactivating_staff_unassigns_their_open_requests(make, people):
    reference = make.request_in("in_progress", people["inventor"], people["leaver"])
    with make.app.app_context():
        accounts.set_staff_active(people["leaver"].id, False, by=_user(people["coordinator"]))
    assert make.row(reference)["assignee_id"] is None
    (event,) = unassign_events(make, reference)
    assert event.actor_id == people["coordinator"].id


def test_deactivating_from_the_command_line_is_done_by_the_system(make, people):
    reference = make.request_in("in_progress", people["inventor"], people["leaver"])
    with make.app.app_context():
        accounts.set_active_by_email(people["leaver"].email, False)
    assert make.row(reference)["assignee_id"] is None
    (event,) = unassign_events(make, reference)
    assert event.actor_id is None


def test_someone_holding_many_requests_is_moved_at_once_and_the_worker_unassigns_the_rest(
    make, people, monkeypatch
):
    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 1)
    inventor, leaver = people["inventor"], people["leaver"]
    held = [make.request_in("in_progress", inventor, leaver) for _ in range(4)]
    with make.app.app_context():
        accounts.move_staff(leaver.id, "atyrau-university", by=_user(people["coordinator"]))
        accounts.move_staff(leaver.id, "karaganda-buketov", by=_user(people["coordinator"]))
        assert db.session.scalar(sa.select(sa.func.count(Handover.id))) == 1  # one at a time
    assert [make.row(r)["assignee_id"] for r in held] == [None, None, leaver.id, leaver.id]
    with make.app.app_context():
        assert handover.hand_over_more(make.policy, limit=1) == 1
        assert handover.hand_over_more(make.policy, limit=2) == 1  # fewer than a batch: done
        assert handover.hand_over_more(make.policy, limit=2) is None
        record = db.session.scalar(sa.select(Handover))
        assert (record.unassigned, record.finished_at is not None) == (4, True)
    assert [make.row(r)["assignee_id"] for r in held] == [None] * 4
    for reference in held:
        (event,) = unassign_events(make, reference)
        assert event.actor_id == people["coordinator"].id  # the worker's too


def test_one_who_can_open_their_requests_again_keeps_the_rest(make, people, monkeypatch):
    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 1)
    inventor, leaver = people["inventor"], people["leaver"]
    held = [make.request_in("in_progress", inventor, leaver) for _ in range(3)]
    with make.app.app_context():
        coordinator = _user(people["coordinator"])
        accounts.set_staff_active(leaver.id, False, by=coordinator)
        accounts.set_staff_active(leaver.id, True, by=_user(people["coordinator"]))
        assert handover.hand_over_more(make.policy) == 0  # nothing they cannot open: done
        assert handover.hand_over_all(make.policy) == 0
        accounts.set_active_by_email(people["leaver"].email, False)  # a second leave
        assert db.session.scalar(sa.select(sa.func.count(Handover.id))) == 2
    assert [make.row(r)["assignee_id"] for r in held] == [None, None, leaver.id]


def test_a_request_someone_holds_is_unassigned_later(make, people, monkeypatch, database):
    """PostgreSQL: the worker skips a request another transaction holds, and the handover
    is finished only once that one is unassigned too."""
    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 0)
    inventor, leaver = people["inventor"], people["leaver"]
    held, free = (make.request_in("in_progress", inventor, leaver) for _ in "ab")
    with make.app.app_context():
        accounts.move_staff(leaver.id, "atyrau-university", by=_user(people["coordinator"]))
        if database.startswith("postgresql"):  # SQLite: one writer at a time, nothing held
            with db.engine.connect() as colleague:
                colleague.execute(
                    sa.text("SELECT id FROM service_requests WHERE id = :id FOR UPDATE"),
                    {"id": make.row(held)["id"]},
                )
                assert handover.hand_over_more(make.policy) == 1  # the free one
                assert handover.hand_over_more(make.policy) is None  # the held one: later
                assert make.row(held)["assignee_id"] == leaver.id
                colleague.rollback()
        handover.hand_over_all(make.policy)
        assert db.session.scalar(sa.select(Handover.finished_at)) is not None
    assert make.row(held)["assignee_id"] is None and make.row(free)["assignee_id"] is None


def test_staff_of_no_centre_are_unassigned_too(make, people):
    """The rule in SQL says so even where the centre is missing (NULL compares to nothing)."""
    reference = make.request_in("in_progress", people["inventor"], people["leaver"])
    with make.app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == people["leaver"].id).values(centre_id=None)
        )
        db.session.add(Handover(user_id=people["leaver"].id))
        db.session.commit()
        assert handover.hand_over_all(make.policy) == 1
    assert make.row(reference)["assignee_id"] is None


def test_the_staff_table_says_how_many_are_still_to_be_left_to_colleagues(
    make, people, monkeypatch
):
    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 1)
    for _ in range(3):
        make.request_in("in_progress", people["inventor"], people["leaver"])
    client = make.app.test_client()
    login(client, people["coordinator"])
    leaver = people["leaver"].id
    response = client.post(f"/office/staff/{leaver}/active", data={"active": "0", "confirmed": "y"})
    page = client.get("/office/staff").get_data(as_text=True)  # before the rest is done
    shown = str(address_breaks(people["leaver"].email))  # as the table writes it
    row = page.split(shown, 1)[1].split("</tr>", 1)[0]
    assert "2 open requests still to be left to colleagues" in row
    response.close()  # without a worker, the web process does the rest now
    page = client.get("/office/staff").get_data(as_text=True)
    assert "still to be left to colleagues" not in page


def test_the_command_line_unassigns_them_all_at_once(make, people, monkeypatch):
    from tisc.cli import tisc_cli

    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 1)
    held = [make.request_in("in_progress", people["inventor"], people["leaver"]) for _ in "abc"]
    result = make.app.test_cli_runner().invoke(
        tisc_cli, ["deactivate-user", "--email", people["leaver"].email]
    )
    assert result.exit_code == 0, result.output
    assert "Unassigned from 2 more open requests." in result.output
    assert [make.row(r)["assignee_id"] for r in held] == [None] * 3


def test_a_move_within_the_same_centre_keeps_the_assignments(make, people):
    reference = make.request_in("in_progress", people["inventor"], people["leaver"])
    with make.app.app_context():
        accounts.move_staff(people["leaver"].id, "kbtu", by=_user(people["coordinator"]))
    assert make.row(reference)["assignee_id"] == people["leaver"].id


@pytest.mark.parametrize("action", ["reply", "message"])
def test_the_inventor_writing_after_the_assignee_moved_reaches_the_centres_staff(
    make, people, action
):
    inventor, leaver = people["inventor"], people["leaver"]
    reference = make.request_in("awaiting_inventor", inventor, leaver)
    with make.app.app_context():
        accounts.move_staff(leaver.id, "atyrau-university", by=_user(people["coordinator"]))
    before = len(outbox(make.app))
    make.act(inventor, reference, action, text="Here is the secret formula")
    assert told(make.app, before) == [("inventor_replied", people["colleague"].email)]


def test_withdrawing_an_unassigned_request_tells_the_centres_staff(make, people):
    reference = make.request(people["inventor"])
    before = len(outbox(make.app))
    make.act(people["inventor"], reference, "withdraw")
    assert sorted(told(make.app, before)) == sorted(
        [("withdrawn", people["leaver"].email), ("withdrawn", people["colleague"].email)]
    )


def test_nobody_is_told_about_a_request_they_cannot_open(make, people, ctx):
    """Even when an assignee somehow belongs elsewhere, the message follows the request."""
    inventor, leaver = people["inventor"], people["leaver"]
    reference = make.request_in("in_progress", inventor, leaver)
    nu = make.centre_id("nazarbayev-university")
    db.session.execute(sa.update(User).where(User.id == leaver.id).values(centre_id=nu))
    db.session.commit()
    before = len(outbox(make.app))
    make.act(inventor, reference, "message", text="Secret")
    assert told(make.app, before) == [("inventor_replied", people["colleague"].email)]


def test_the_timeline_says_who_no_longer_handles_the_request(make, people):
    reference = make.request_in("in_progress", people["inventor"], people["leaver"])
    with make.app.app_context():
        accounts.move_staff(
            people["leaver"].id, "atyrau-university", by=_user(people["coordinator"])
        )
    client = make.app.test_client()
    login(client, people["colleague"])
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert "Unassigned" in page and "no longer handled by <bdi>Leaver</bdi>" in page
