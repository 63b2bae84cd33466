"""Acting on requests through the use case: state, clock, counters, locking."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION, PDF, today_in_kazakhstan
from tisc.domain.calendar import DAY_SECONDS
from tisc.domain.errors import Conflict, Invalid, NotFound, Refused
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import QueueCount, RequestEvent, ServiceRequest, User
from tisc.services import accounts, counters, requests
from tisc.services.files import Upload
from tisc.services.timeline import timeline


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor"),
        "staff": make.user("staff", centre="kbtu"),
        "colleague": make.user("staff", centre="kbtu"),
        "outsider": make.user("staff", centre="atyrau-university"),
        "coordinator": make.user("coordinator"),
    }


def perform(app, person, reference, action, expected_version=None, **given):
    with app.app_context():
        requests.perform(
            db.session.get(User, person.id), reference, Action(action),
            requests.ActionInput(**given), app.extensions["tisc.policy"],
            expected_version=expected_version,
        )  # fmt: skip


def counts(app, centre_id) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(QueueCount.status, QueueCount.count).where(QueueCount.centre_id == centre_id)
        )
        return {status.value: n for status, n in rows if n}


def test_the_whole_life_of_a_request(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request(inventor)
    kbtu = make.centre_id("kbtu")
    make.act(staff, reference, "assign", assignee_id=people["colleague"].id)
    make.act(people["colleague"], reference, "start")
    make.act(people["colleague"], reference, "ask", text="Сіздің өнертабысыңыз қай салаға жатады?")
    make.act(inventor, reference, "reply", text="Құрылыс материалдары.")
    make.act(people["colleague"], reference, "complete", **COMPLETION)
    make.act(inventor, reference, "rate", rating=5, text="Рақмет!")
    row = make.row(reference)
    assert row["status"] == "completed"
    assert row["assignee_id"] == people["colleague"].id
    assert row["outcome"] == "prior_art_found" and row["documents_cited"] == 3
    assert str(row["hours_spent"]) == "6.50"
    assert row["rating"] == 5 and row["rating_comment"] == "Рақмет!"
    assert row["closed_at"] is not None
    assert counts(make.app, kbtu) == {"completed": 1}
    with make.app.app_context():
        actions = db.session.scalars(sa.select(RequestEvent.action).order_by(RequestEvent.id)).all()
    assert actions == ["submit", "assign", "start", "ask", "reply", "complete", "rate"]


def test_awaiting_the_inventor_pauses_the_clock(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request_in("in_progress", inventor, staff)
    due_before = make.row(reference)["due_at"]
    make.act(staff, reference, "ask", text="?")
    asked = make.row(reference)
    assert asked["awaiting_since"] is not None
    # Pretend the inventor took a week to answer.
    with make.app.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == reference)
            .values(awaiting_since=asked["awaiting_since"] - timedelta(days=7))
        )
        db.session.commit()
    make.act(inventor, reference, "reply", text="!")
    replied = make.row(reference)
    assert replied["awaiting_since"] is None
    # The due date moved by the working time of the week's wait (about five working days):
    # counted in working time, whatever weekends and holidays lie after the old due date
    # (in December the New Year's holidays do).
    calendar = Policy.from_config(make.app.config).calendar
    moved = calendar.working_seconds_between(due_before, replied["due_at"])
    waited = calendar.working_seconds_between(asked["awaiting_since"] - timedelta(days=7),
                                              asked["awaiting_since"])  # fmt: skip
    assert waited >= 4 * DAY_SECONDS  # a week holds at least four working days
    # The clock keeps whole seconds (half a second either way), plus the seconds the test
    # itself took when it ran in working time.
    assert waited - 0.5 <= moved <= waited + 60


def test_transfer_moves_it_to_another_centre_with_the_chain_kept(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request_in("assigned", inventor, staff)
    nu = make.centre_id("nazarbayev-university")
    make.act(staff, reference, "transfer", centre_id=nu, text="Астанада маман бар.")
    row = make.row(reference)
    assert (row["centre_id"], row["status"], row["assignee_id"]) == (nu, "submitted", None)
    assert counts(make.app, nu) == {"submitted": 1}
    assert counts(make.app, make.centre_id("kbtu")) == {}
    # The old centre no longer sees it; the new one does.
    with pytest.raises(NotFound):
        make.act(staff, reference, "note", text="still mine?")
    newcomer = make.user("staff", centre="nazarbayev-university")
    make.act(newcomer, reference, "assign", assignee_id=newcomer.id)


def test_transfer_to_a_centre_without_the_service_is_refused(make, people):
    reference = make.request(people["inventor"], service="freedom_to_operate")
    with pytest.raises(Invalid) as refusal:
        make.act(people["staff"], reference, "transfer",
                 centre_id=make.centre_id("atyrau-university"), text="?")  # fmt: skip
    assert refusal.value.field == "centre"


def test_assigning_someone_from_another_centre_is_refused(make, people):
    reference = make.request(people["inventor"])
    with pytest.raises(Invalid):
        make.act(people["staff"], reference, "assign", assignee_id=people["outsider"].id)


def test_decline_reopen_gives_a_fresh_due_date(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request_in("declined", inventor, staff)
    assert make.row(reference)["closed_at"] is not None
    make.act(staff, reference, "reopen", text="Inventor sent more details.")
    row = make.row(reference)
    assert (row["status"], row["assignee_id"], row["closed_at"]) == ("assigned", staff.id, None)
    assert row["due_at"] > row["updated_at"]


@pytest.mark.parametrize("who", ["outsider", "coordinator"])
def test_people_who_may_not_see_it_get_not_found(make, people, who):
    reference = make.request(people["inventor"])
    with pytest.raises(NotFound):
        make.act(people[who], reference, "note", text="peek")


def test_another_inventor_gets_not_found(make, people):
    reference = make.request(people["inventor"])
    stranger = make.user("inventor")
    with pytest.raises(NotFound):
        make.act(stranger, reference, "withdraw")


def test_an_action_not_allowed_now_is_refused_and_changes_nothing(make, people):
    reference = make.request(people["inventor"])
    before = make.row(reference)
    with pytest.raises(Refused):
        make.act(people["staff"], reference, "complete", **COMPLETION)
    assert make.row(reference) == before


def test_notes_do_not_touch_the_request_or_its_version(make, people):
    reference = make.request(people["inventor"])
    before = make.row(reference)
    make.act(people["staff"], reference, "note", text="internal")
    assert make.row(reference) == before


def test_a_stale_version_is_a_conflict_and_nothing_is_applied(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request(inventor)
    version = make.row(reference)["version"]
    perform(make.app, staff, reference, "assign", expected_version=version, assignee_id=staff.id)
    with pytest.raises(Conflict):
        perform(make.app, people["colleague"], reference, "decline", expected_version=version,
                text="too late")  # fmt: skip
    assert make.row(reference)["status"] == "assigned"


def test_two_staff_acting_at_once_one_wins_the_other_is_told(make, people):
    inventor, staff, colleague = people["inventor"], people["staff"], people["colleague"]
    reference = make.request(inventor)
    version = make.row(reference)["version"]
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(person, action, **given):
        barrier.wait()
        try:
            perform(make.app, person, reference, action, expected_version=version, **given)
            outcomes[person.id] = "applied"
        except Conflict:
            outcomes[person.id] = "conflict"

    threads = [
        threading.Thread(target=act, args=(staff, "assign"), kwargs={"assignee_id": staff.id}),
        threading.Thread(target=act, args=(colleague, "decline"), kwargs={"text": "no"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["applied", "conflict"]
    with make.app.app_context():
        events = db.session.scalars(sa.select(RequestEvent.action)).all()
    assert len(events) == 2  # the submission and exactly one of the two actions
    assert make.row(reference)["version"] == version + 1


def test_files_go_with_replies_and_reports(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request_in("awaiting_inventor", inventor, staff)
    make.act(inventor, reference, "reply", text="Сызба қоса берілді.",
             files=[Upload("сызба.pdf", PDF)])  # fmt: skip
    make.act(staff, reference, "complete", **COMPLETION, files=[Upload("report.pdf", PDF)])
    with make.app.app_context():
        user = db.session.get(User, inventor.id)
        service_request = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        names = [f.filename for e in timeline(user, service_request) for f in e.files]
    assert names == ["сызба.pdf", "report.pdf"]


def test_files_cannot_ride_on_actions_that_take_none(make, people):
    reference = make.request(people["inventor"])
    with pytest.raises(Invalid):
        make.act(people["staff"], reference, "note", text="x", files=[Upload("a.pdf", PDF)])


def test_the_inventor_never_sees_internal_notes(make, people):
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request(inventor)
    make.act(staff, reference, "note", text="Өте құпия ескертпе")
    with make.app.app_context():
        service_request = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        seen_by_inventor = timeline(db.session.get(User, inventor.id), service_request)
        seen_by_staff = timeline(db.session.get(User, staff.id), service_request)
    assert [e.action for e in seen_by_inventor] == ["submit"]
    assert [e.action for e in seen_by_staff] == ["submit", "note"]


def test_internal_files_are_not_served_to_the_inventor(make, people):
    # Files only ride on public events today; the rule still filters by event.
    inventor, staff = people["inventor"], people["staff"]
    reference = make.request(inventor, files=[Upload("a.pdf", PDF)])
    with make.app.app_context():
        file_id = db.session.scalar(sa.text("SELECT id FROM request_files"))
        db.session.execute(sa.update(RequestEvent).values(internal=True))
        db.session.commit()
        with pytest.raises(NotFound):
            requests.file_for(db.session.get(User, inventor.id), reference, file_id)
        assert requests.file_for(db.session.get(User, staff.id), reference, file_id).content == PDF


def test_an_action_reads_the_requests_filings_once_for_the_figures(app, make, people):
    """The figures' facts after an action are those before it plus what it recorded: the
    filings are read before, not again (a suspension moves thousands of requests)."""
    from tests.sql import statements

    reference = make.request_in("completed", people["inventor"], people["staff"])
    with app.app_context():
        engine = db.engine
    filing = {"ip_right": "patent", "office": "kazpatent", "application_number": "2026/1",
              "filed_on": today_in_kazakhstan()}  # fmt: skip
    with statements(engine) as seen:
        perform(app, people["inventor"], reference, "record_filing", **filing)
    assert len([s for s in seen if "SELECT filings.filed_on, filings.ip_right" in s]) == 1


def test_assigning_and_unassigning_lock_the_queue_counters_in_one_order(make, people, monkeypatch):
    """Opposite moves (a colleague assigning while a batch unassigns someone who left)
    change the same two counter rows: in the same order, else each could wait for the
    other's lock."""
    touched = []
    add = counters._add

    def recorded(model, keys, column, delta):
        if model is QueueCount:
            touched.append(str(keys["status"]))
        return add(model, keys, column, delta)

    monkeypatch.setattr(counters, "_add", recorded)
    reference = make.request(people["inventor"])
    touched.clear()
    perform(make.app, people["staff"], reference, "assign", assignee_id=people["staff"].id)
    assigned, touched[:] = list(touched), []
    with make.app.app_context():  # the staff member leaves: their request is unassigned
        accounts.move_staff(people["staff"].id, "atyrau-university")
    assert len(assigned) == 2 and touched == assigned


@pytest.mark.parametrize("hours", ["1e26", "nan", "-inf", "many"])
def test_hours_no_form_could_send_are_refused_with_the_rest_of_the_result(make, people, hours):
    """Numbers too large to keep to the cent once raised past the refusal (a 500)."""
    staff = people["staff"]
    reference = make.request_in("in_progress", people["inventor"], staff)
    with pytest.raises(Invalid) as refusal:
        perform(make.app, staff, reference, "complete", outcome="nothing", summary=" ",
                hours_spent=hours)  # fmt: skip
    assert [problem.field for problem in refusal.value.every] == [
        "outcome", "summary", "hours_spent"
    ]  # fmt: skip
    assert make.row(reference)["status"] == "in_progress"
