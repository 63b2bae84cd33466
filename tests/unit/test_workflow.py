"""The transition table against DESIGN.md, case by case: every action, every
status, every kind of actor - allowed ones move as drawn, all others refused."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tisc.domain.catalogue import IpRight, Outcome, PatentOffice, Role
from tisc.domain.errors import Invalid, Refused
from tisc.domain.permissions import SCHEDULE
from tisc.domain.workflow import (
    Action,
    Actor,
    Completion,
    FiledApplication,
    Filing,
    Inputs,
    MovedDueDate,
    RequestState,
    Status,
    apply,
    available_actions,
    filed_application,
    moved_due_date,
    moved_due_date_text,
)

S = Status
OPEN = {S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INVENTOR}
CENTRE, OTHER_CENTRE, TARGET_CENTRE = 10, 20, 30
INVENTOR_ID, STAFF_ID, COLLEAGUE_ID = 1, 2, 3

ACTORS = {
    "owner": Actor(INVENTOR_ID, Role.INVENTOR),
    "other_inventor": Actor(99, Role.INVENTOR),
    "staff": Actor(STAFF_ID, Role.STAFF, CENTRE),
    "other_staff": Actor(98, Role.STAFF, OTHER_CENTRE),
    "coordinator": Actor(97, Role.COORDINATOR),
    "schedule": SCHEDULE,  # the daily jobs
}

# Written out from DESIGN.md's diagram, independently of the module's table:
# (action, actor) -> {from status: to status}.
EXPECTED = {
    (Action.ASSIGN, "staff"): {S.SUBMITTED: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED,
                               S.IN_PROGRESS: S.IN_PROGRESS,
                               S.AWAITING_INVENTOR: S.AWAITING_INVENTOR},
    (Action.TRANSFER, "staff"): {s: S.SUBMITTED for s in OPEN},
    (Action.START, "staff"): {S.ASSIGNED: S.IN_PROGRESS},
    (Action.ASK, "staff"): {S.IN_PROGRESS: S.AWAITING_INVENTOR},
    (Action.REPLY, "owner"): {S.AWAITING_INVENTOR: S.IN_PROGRESS},
    (Action.MESSAGE, "owner"): {s: s for s in OPEN},
    (Action.MESSAGE, "staff"): {s: s for s in OPEN},
    (Action.NOTE, "staff"): {s: s for s in Status},
    (Action.COMPLETE, "staff"): {S.IN_PROGRESS: S.COMPLETED},
    (Action.DECLINE, "staff"): {S.SUBMITTED: S.DECLINED, S.ASSIGNED: S.DECLINED,
                                S.IN_PROGRESS: S.DECLINED},
    (Action.WITHDRAW, "owner"): {s: S.WITHDRAWN for s in OPEN},
    (Action.REOPEN, "staff"): {S.COMPLETED: S.ASSIGNED, S.DECLINED: S.ASSIGNED,
                               S.NO_ANSWER: S.ASSIGNED, S.DUPLICATE: S.ASSIGNED},
    (Action.RATE, "owner"): {S.COMPLETED: S.COMPLETED},
    (Action.RECORD_FILING, "staff"): {S.COMPLETED: S.COMPLETED},
    (Action.RECORD_FILING, "owner"): {S.COMPLETED: S.COMPLETED},
    # The national office moves requests off a centre it suspends.
    (Action.TRANSFER, "coordinator"): {s: S.SUBMITTED for s in OPEN},
    # Requests the inventor abandoned.
    (Action.REMIND, "schedule"): {S.AWAITING_INVENTOR: S.AWAITING_INVENTOR},
    (Action.EXPIRE, "schedule"): {S.AWAITING_INVENTOR: S.NO_ANSWER},
    (Action.CLOSE_NO_ANSWER, "staff"): {S.AWAITING_INVENTOR: S.NO_ANSWER},
    (Action.RESUME, "owner"): {S.NO_ANSWER: S.IN_PROGRESS},
    # After completion.
    (Action.FOLLOW_UP, "owner"): {S.COMPLETED: S.COMPLETED},
    (Action.ANSWER, "staff"): {S.COMPLETED: S.COMPLETED},
    (Action.RESOLVE, "owner"): {S.COMPLETED: S.COMPLETED},
    # The same invention twice.
    (Action.LINK_DUPLICATE, "staff"): {s: S.DUPLICATE for s in OPEN},
    (Action.DISMISS_DUPLICATE, "staff"): {s: s for s in OPEN},
    # Not in the diagram: the office unassigns someone who left; "assigned" needs an assignee.
    (Action.UNASSIGN, "coordinator"): {S.SUBMITTED: S.SUBMITTED, S.ASSIGNED: S.SUBMITTED,
                                       S.IN_PROGRESS: S.IN_PROGRESS,
                                       S.AWAITING_INVENTOR: S.AWAITING_INVENTOR},
}  # fmt: skip

ACTIONS = [a for a in Action if a is not Action.SUBMIT]

GOOD_INPUTS = Inputs(
    text="Because.",
    assignee_id=COLLEAGUE_ID,
    assignee_centre_id=CENTRE,
    target_centre_id=TARGET_CENTRE,
    target_centre_takes_service=True,
    completion=Completion("Found it.", Outcome.PRIOR_ART_FOUND, Decimal("2.5"), 4),
    rating=4,
    flag_other_id=42,
    flag_other_open=True,
    filing=Filing(IpRight.PATENT, PatentOffice.KAZPATENT, "2026/0123.1", date(2026, 1, 5)),
)

# Long enough ago for a reminder and a closing to be due; recent enough to reopen.
LONG_AGO = datetime.now(UTC) - timedelta(days=60)
RECENTLY = datetime.now(UTC) - timedelta(days=1)
# What each action needs beyond its status to be due (the rest of the table: a plain state).
DUE = {Action.EXPIRE: {"reminded_at": LONG_AGO}}


def state(status: Status, **changes) -> RequestState:
    values = {"status": status, "centre_id": CENTRE, "inventor_id": INVENTOR_ID,
              "assignee_id": STAFF_ID, "awaiting_since": LONG_AGO, "question_since": RECENTLY,
              "closed_at": RECENTLY} | changes  # fmt: skip
    return RequestState(**values)


CASES = [(action, who, status) for action in ACTIONS for who in ACTORS for status in Status]


@pytest.mark.parametrize(("action", "who", "status"), CASES)
def test_every_action_by_every_actor_in_every_status(action, who, status):
    expected = EXPECTED.get((action, who), {})
    if status in expected:
        transition = apply(state(status, **DUE.get(action, {})), action, ACTORS[who], GOOD_INPUTS)
        assert transition.state.status is expected[status]
        assert [event.action for event in transition.events] == [action]
        assert transition.events[0].from_status is status
        assert transition.events[0].to_status is expected[status]
    else:
        with pytest.raises(Refused):
            apply(state(status, **DUE.get(action, {})), action, ACTORS[who], GOOD_INPUTS)


@pytest.mark.parametrize(("action", "who", "status"), CASES)
def test_available_actions_agree_with_apply(action, who, status):
    offered = action in available_actions(state(status, **DUE.get(action, {})), ACTORS[who])
    assert offered == (status in EXPECTED.get((action, who), {}))


@pytest.mark.parametrize(
    ("action", "status", "inputs", "field"),
    [
        (Action.ASK, S.IN_PROGRESS, Inputs(text="   "), "text"),
        (Action.DECLINE, S.SUBMITTED, Inputs(), "text"),
        (Action.REOPEN, S.COMPLETED, Inputs(), "text"),
        (Action.TRANSFER, S.ASSIGNED, Inputs(text="x"), "centre"),
        (Action.TRANSFER, S.ASSIGNED, Inputs(text="x", target_centre_id=CENTRE,
                                             target_centre_takes_service=True), "centre"),
        (Action.TRANSFER, S.ASSIGNED, Inputs(text="x", target_centre_id=TARGET_CENTRE), "centre"),
        (Action.TRANSFER, S.ASSIGNED, Inputs(target_centre_id=TARGET_CENTRE,
                                             target_centre_takes_service=True), "text"),
        (Action.ASSIGN, S.SUBMITTED, Inputs(), "assignee"),
        (Action.ASSIGN, S.SUBMITTED, Inputs(assignee_id=5, assignee_centre_id=OTHER_CENTRE),
         "assignee"),
        (Action.COMPLETE, S.IN_PROGRESS, Inputs(), "outcome"),
        (Action.COMPLETE, S.IN_PROGRESS, Inputs(completion=Completion(
            " ", Outcome.ADVICE_GIVEN, Decimal(1), 0)), "summary"),
        (Action.COMPLETE, S.IN_PROGRESS, Inputs(completion=Completion(
            "ok", Outcome.ADVICE_GIVEN, Decimal(0), 0)), "hours_spent"),
        (Action.COMPLETE, S.IN_PROGRESS, Inputs(completion=Completion(
            "ok", Outcome.ADVICE_GIVEN, Decimal(1001), 0)), "hours_spent"),
        (Action.COMPLETE, S.IN_PROGRESS, Inputs(completion=Completion(
            "ok", Outcome.ADVICE_GIVEN, Decimal(1), -1)), "documents_cited"),
        (Action.RATE, S.COMPLETED, Inputs(rating=0), "rating"),
        (Action.RATE, S.COMPLETED, Inputs(rating=6), "rating"),
        (Action.RATE, S.COMPLETED, Inputs(), "rating"),
        (Action.REPLY, S.AWAITING_INVENTOR, Inputs(), "text"),
        (Action.CLOSE_NO_ANSWER, S.AWAITING_INVENTOR, Inputs(text=" "), "text"),
        (Action.RESUME, S.NO_ANSWER, Inputs(), "text"),
        (Action.FOLLOW_UP, S.COMPLETED, Inputs(), "text"),
        (Action.ANSWER, S.COMPLETED, Inputs(), "text"),
        (Action.LINK_DUPLICATE, S.SUBMITTED, Inputs(), "flag"),
        (Action.LINK_DUPLICATE, S.SUBMITTED, Inputs(flag_other_id=42), "flag"),  # closed
        (Action.DISMISS_DUPLICATE, S.SUBMITTED, Inputs(), "flag"),
        (Action.RECORD_FILING, S.COMPLETED, Inputs(), "ip_right"),
        (Action.RECORD_FILING, S.COMPLETED, Inputs(filing=Filing(
            IpRight.PATENT, PatentOffice.EAPO, "<x>", date(2026, 1, 5))), "application_number"),
        (Action.RECORD_FILING, S.COMPLETED, Inputs(filing=Filing(
            IpRight.PATENT, PatentOffice.EAPO, "2026/1", date(2999, 1, 5))), "filed_on"),
        (Action.RECORD_FILING, S.COMPLETED, Inputs(
            filing=Filing(IpRight.PATENT, PatentOffice.EAPO, "2026/1", date(2026, 1, 5)),
            known_filings=frozenset({("eapo", "2026/1")})), "application_number"),
    ],
)  # fmt: skip
def test_missing_or_bad_inputs_name_the_field(action, status, inputs, field):
    owners = {Action.RATE, Action.REPLY, Action.RESUME, Action.FOLLOW_UP}
    who = "owner" if action in owners else "staff"
    with pytest.raises(Invalid) as refusal:
        apply(state(status), action, ACTORS[who], inputs)
    assert refusal.value.field == field


def test_completing_names_every_problem_of_its_result_at_once():
    nothing_right = Completion(" ", None, None, -1)
    with pytest.raises(Invalid) as refusal:
        apply(state(S.IN_PROGRESS), Action.COMPLETE, ACTORS["staff"],
              Inputs(completion=nothing_right))  # fmt: skip
    assert [problem.field for problem in refusal.value.every] == [
        "outcome", "summary", "hours_spent", "documents_cited"
    ]  # fmt: skip
    assert refusal.value.field == "outcome"  # the first, for whoever reads one
    too_long = Completion("ok", Outcome.ADVICE_GIVEN, Decimal(1001), 0)
    with pytest.raises(Invalid) as refusal:
        apply(state(S.IN_PROGRESS), Action.COMPLETE, ACTORS["staff"], Inputs(completion=too_long))
    assert [problem.field for problem in refusal.value.every] == ["hours_spent"]


def test_a_filing_names_every_problem_at_once():
    sent = state(S.COMPLETED, created_at=datetime(2026, 11, 9, 5, 0, tzinfo=UTC))
    wrong = Filing(None, PatentOffice.EAPO, "<x>", date(2026, 1, 5))  # before the request
    with pytest.raises(Invalid) as refusal:
        apply(sent, Action.RECORD_FILING, ACTORS["staff"], Inputs(filing=wrong))
    assert [problem.field for problem in refusal.value.every] == [
        "ip_right", "application_number", "filed_on"
    ]  # fmt: skip
    no_office = Filing(IpRight.PATENT, None, "2026/1", date(2026, 11, 20))
    with pytest.raises(Invalid) as refusal:
        apply(sent, Action.RECORD_FILING, ACTORS["staff"], Inputs(filing=no_office))
    assert [problem.field for problem in refusal.value.every] == ["office"]  # the part missing
    undated = Filing(IpRight.PATENT, PatentOffice.EAPO, "2026/1", None)
    known = frozenset({("eapo", "2026/1")})
    with pytest.raises(Invalid) as refusal:
        apply(sent, Action.RECORD_FILING, ACTORS["staff"],
              Inputs(filing=undated, known_filings=known))  # fmt: skip
    assert [(problem.field, problem.message) for problem in refusal.value.every] == [
        ("application_number", "This application is already recorded."),
        ("filed_on", "Give the filing date."),
    ]


def test_a_filing_date_is_a_day_in_kazakhstan_not_in_utc():
    """At 01:30 in Almaty it is still yesterday in UTC: today's filing is not "in the
    future", tomorrow's is; and a filing the day before a request sent at 00:30 local
    time (the previous day in UTC) was filed before it."""
    now = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)  # 3 December, 01:30 in Almaty
    sent = state(S.COMPLETED, created_at=datetime(2026, 11, 9, 19, 30, tzinfo=UTC))  # 10th

    def filed(day):
        filing = Filing(IpRight.PATENT, PatentOffice.KAZPATENT, "2026/0123.1", day)
        return apply(sent, Action.RECORD_FILING, ACTORS["owner"], Inputs(filing=filing), now=now)

    assert filed(date(2026, 12, 3)).records[0].filed_on == date(2026, 12, 3)
    assert filed(date(2026, 11, 10)).records
    for day in (date(2026, 12, 4), date(2026, 11, 9)):
        with pytest.raises(Invalid) as refusal:
            filed(day)
        assert refusal.value.field == "filed_on"


def test_a_filings_event_names_its_codes_and_is_read_back_for_the_pages():
    filing = Filing(IpRight.UTILITY_MODEL, PatentOffice.EAPO, "2026/0123.1", date(2026, 12, 3))
    sent = state(S.COMPLETED, created_at=datetime(2026, 11, 9, tzinfo=UTC))
    now = datetime(2026, 12, 4, tzinfo=UTC)
    done = apply(sent, Action.RECORD_FILING, ACTORS["owner"], Inputs(filing=filing), now=now)
    text = done.events[0].text
    assert text == "utility_model · eapo · 2026/0123.1"  # as stored since filings began
    assert filed_application(text) == FiledApplication(
        IpRight.UTILITY_MODEL, PatentOffice.EAPO, "2026/0123.1"
    )
    for other in ("", None, "patent · nowhere · 1", "Қазпатентке бердік", "patent · eapo"):
        assert filed_application(other) is None


def test_a_due_dates_move_is_stored_as_two_moments_and_read_back_for_the_pages():
    before = datetime(2026, 11, 23, 5, tzinfo=UTC)
    after = datetime(2026, 11, 24, 5, tzinfo=UTC)
    text = moved_due_date_text(before, after)
    assert text == "2026-11-23T05:00:00+00:00 → 2026-11-24T05:00:00+00:00"
    assert moved_due_date(text) == MovedDueDate(before, after)
    for other in ("", None, "2026-11-23T05:00:00+00:00", "Мерзім → ауысты", "a → b → c"):
        assert moved_due_date(other) is None


def test_a_request_is_rated_only_once():
    rated = apply(state(S.COMPLETED), Action.RATE, ACTORS["owner"], GOOD_INPUTS).state
    assert rated.rated
    with pytest.raises(Refused):
        apply(rated, Action.RATE, ACTORS["owner"], GOOD_INPUTS)
    assert Action.RATE not in available_actions(rated, ACTORS["owner"])


def test_transfer_moves_the_request_and_clears_the_assignee():
    transition = apply(state(S.IN_PROGRESS), Action.TRANSFER, ACTORS["staff"], GOOD_INPUTS)
    assert transition.state.centre_id == TARGET_CENTRE
    assert transition.state.assignee_id is None
    event = transition.events[0]
    assert (event.from_centre_id, event.to_centre_id) == (CENTRE, TARGET_CENTRE)
    assert event.text == "Because."


def test_assign_sets_the_colleague():
    transition = apply(state(S.SUBMITTED, assignee_id=None), Action.ASSIGN, ACTORS["staff"],
                       GOOD_INPUTS)  # fmt: skip
    assert transition.state.assignee_id == COLLEAGUE_ID
    assert transition.events[0].assignee_id == COLLEAGUE_ID


def test_a_request_is_not_assigned_again_to_who_has_it():
    """It would record an assignment that changes nothing (and tell nobody anything new)."""
    again = Inputs(assignee_id=STAFF_ID, assignee_centre_id=CENTRE)
    for status in (S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INVENTOR):
        with pytest.raises(Invalid) as refusal:
            apply(state(status), Action.ASSIGN, ACTORS["staff"], again)
        assert refusal.value.field == "assignee"
    taken = apply(state(S.SUBMITTED, assignee_id=None), Action.ASSIGN, ACTORS["staff"], again)
    assert taken.state.assignee_id == STAFF_ID  # taking a request nobody has


def test_reopening_an_unassigned_request_assigns_whoever_reopens_it():
    transition = apply(state(S.DECLINED, assignee_id=None), Action.REOPEN, ACTORS["staff"],
                       GOOD_INPUTS)  # fmt: skip
    assert transition.state.assignee_id == STAFF_ID
    assert transition.state.status is S.ASSIGNED


def test_a_result_completed_again_is_rated_afresh():
    """The rating and "resolved for me" were of the result before the reopening: kept with
    it while the request is open again, gone with the new result, which may be rated."""
    rated = state(S.COMPLETED, outcome=Outcome.REPORT_DELIVERED, rating=1, rating_comment="Poor",
                  resolved_at=RECENTLY, question_since=None)  # fmt: skip
    reopened = apply(rated, Action.REOPEN, ACTORS["staff"], GOOD_INPUTS).state
    assert (reopened.rating, reopened.resolved_at) == (1, RECENTLY)  # the previous result's
    working = apply(reopened, Action.START, ACTORS["staff"], GOOD_INPUTS).state
    again = apply(working, Action.COMPLETE, ACTORS["staff"], GOOD_INPUTS).state
    assert (again.rating, again.rating_comment, again.resolved_at) == (None, "", None)
    assert Action.RATE in available_actions(again, ACTORS["owner"])
    rerated = apply(again, Action.RATE, ACTORS["owner"], Inputs(rating=5, text="Better")).state
    assert (rerated.rating, rerated.rating_comment) == (5, "Better")


def test_notes_are_internal_and_messages_are_not():
    note = apply(state(S.IN_PROGRESS), Action.NOTE, ACTORS["staff"], GOOD_INPUTS).events[0]
    message = apply(state(S.IN_PROGRESS), Action.MESSAGE, ACTORS["staff"], GOOD_INPUTS).events[0]
    assert note.internal and not message.internal


def test_refusal_names_the_status_it_was_refused_in():
    with pytest.raises(Refused) as refusal:
        apply(state(S.SUBMITTED), Action.COMPLETE, ACTORS["staff"], GOOD_INPUTS)
    assert refusal.value.params["status"] is S.SUBMITTED  # labelled where it is shown
