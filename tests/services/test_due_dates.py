"""Open requests' due dates follow the working calendar and the targets when a deployment
changes them: as if the new rules had always held, closed requests left as they were."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION
from tisc.domain.calendar import due_day
from tisc.domain.catalogue import Service
from tisc.domain.errors import Conflict
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action, MovedDueDate
from tisc.extensions import db
from tisc.models import AuditEntry, DueDateRules, ServiceRequest, User
from tisc.services import due_dates, requests, schedule, timeline
from tisc.services.unit_of_work import use_case


def almaty(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+05:00").astimezone(UTC)


MONDAY = almaty("2026-11-02")  # prior-art search: due fifteen working days later, 23 Nov
NEW_HOLIDAY = date(2026, 11, 11)  # a Wednesday, within every timeline below


def with_holiday(policy: Policy, day: date = NEW_HOLIDAY) -> Policy:
    return replace(policy, calendar=replace(policy.calendar, dated=policy.calendar.dated | {day}))


class Timelines:
    """Requests lived through the real use cases at given moments, under a given policy."""

    def __init__(self, make, policy):
        self.make, self.policy = make, policy
        self.inventor = make.user("inventor")
        self.staff = make.user("staff", centre="kbtu")

    def _user(self, person) -> User:
        return db.session.get(User, person.id)

    def submit(self, at, service="prior_art_search") -> str:
        draft = requests.Draft(
            service=service, title="Жылу сақтайтын кірпіш", description="A brick.",
            region_code="KZ-75", preferred_language="kk", confidentiality_ack=True,
            send_anyway=True,
        )  # fmt: skip
        return requests.submit(self._user(self.inventor), draft, self.policy, now=at).reference

    def act(self, person, reference, action, at, expected_version=None, **given):
        requests.perform(
            self._user(person), reference, Action(action), requests.ActionInput(**given),
            self.policy, expected_version=expected_version, now=at,
        )  # fmt: skip

    def started(self, at) -> str:
        reference = self.submit(at)
        self.act(self.staff, reference, "assign", at + timedelta(hours=1),
                 assignee_id=self.staff.id)  # fmt: skip
        self.act(self.staff, reference, "start", at + timedelta(hours=2))
        return reference

    def lived(self) -> dict[str, str]:
        """One request of each kind the rules touch differently, all submitted on MONDAY."""
        waiting = self.started(MONDAY)
        received = self.submit(MONDAY)
        paused = self.started(MONDAY)  # awaiting the inventor across the new holiday
        self.act(self.staff, paused, "ask", almaty("2026-11-03"), text="Which markets?")
        self.act(self.inventor, paused, "reply", almaty("2026-11-12"), text="Europe.")
        reopened = self.started(MONDAY)  # closed across the new holiday, then reopened
        self.act(self.staff, reopened, "complete", almaty("2026-11-09"), **COMPLETION)
        self.act(self.staff, reopened, "reopen", almaty("2026-11-13"), text="Missed a source.")
        completed = self.started(MONDAY)
        self.act(self.staff, completed, "complete", almaty("2026-11-13"), **COMPLETION)
        return {"received": received, "in progress": waiting, "paused": paused,
                "reopened": reopened, "completed": completed}  # fmt: skip


def row(reference) -> ServiceRequest:
    db.session.expire_all()
    return db.session.scalar(sa.select(ServiceRequest).where(ServiceRequest.reference == reference))


def clock_of(reference) -> tuple:
    found = row(reference)
    return found.due_at, found.paused_seconds, found.turnaround_days


def moves_told(person, reference) -> list[MovedDueDate]:
    """The due date's moves on the request's timeline as ``person`` reads it."""
    entries = timeline.timeline(db.session.get(User, person.id), row(reference))
    return [entry.moved for entry in entries if entry.action is Action.MOVE_DUE_DATE]


def followed() -> str | None:
    return db.session.scalar(sa.select(DueDateRules.rules))


def entries() -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "requests.due_dates_followed")
    ).all()


def test_a_new_holiday_moves_open_requests_due_dates_as_if_it_had_always_been_one(make, ctx):
    old, new = make.policy, with_holiday(make.policy)
    under_old, under_new = Timelines(make, old), Timelines(make, new)
    assert due_dates.follow_rules(old) == 0  # a new database keeps the rules it has
    lived = under_old.lived()
    before = {kind: clock_of(reference) for kind, reference in lived.items()}

    # The four open ones are corrected; two due dates move. The holiday fell within the
    # other two's pause (awaiting the inventor, closed), which is a working day shorter now.
    assert due_dates.follow_rules(new) == 2
    assert followed() == new.due_date_rules
    # The same timelines, lived under the new rules from the start, give the same clocks.
    again = under_new.lived()
    for kind in ("received", "in progress", "paused", "reopened"):
        assert clock_of(lived[kind]) == clock_of(again[kind]), kind
        assert clock_of(lived[kind]) != before[kind], kind
    assert clock_of(lived["received"])[0] == almaty("2026-11-24")  # a working day later
    assert clock_of(lived["paused"])[1] < before["paused"][1]  # the holiday paused nothing
    assert clock_of(lived["completed"]) == before["completed"]  # its turnaround was reported
    assert clock_of(again["completed"]) != before["completed"]  # (the rules would change it)
    for kind, reference in lived.items():  # told on the timeline, to the inventor too
        told = moves_told(under_old.inventor, reference)
        if kind in ("received", "in progress"):
            assert told == [MovedDueDate(before[kind][0], clock_of(reference)[0])], kind
        else:
            assert told == [], kind
    (entry,) = entries()
    assert entry.actor_id is None and entry.after == {"due_dates_moved": 2}

    assert due_dates.follow_rules(new) == 0  # nothing left to follow
    assert len(entries()) == 1


def test_a_changed_target_moves_the_due_dates_of_that_service_only(make, ctx):
    old = make.policy
    due_dates.follow_rules(old)
    timelines = Timelines(make, old)
    search, training = timelines.submit(MONDAY), timelines.submit(MONDAY, "training")
    assert row(training).due_at == almaty("2026-11-16")  # ten working days
    longer = replace(old, target_days={**old.target_days, Service.PRIOR_ART_SEARCH: 16})
    assert due_dates.follow_rules(longer) == 1
    assert row(search).due_at == almaty("2026-11-24")  # sixteen, not fifteen
    assert row(training).due_at == almaty("2026-11-16")


def test_a_due_date_that_stays_on_its_day_is_corrected_without_a_word(make, ctx):
    """A submission's own day made a holiday: its clock starts the next morning and ends
    later on the same due day, which is all people read."""
    old, zone = make.policy, make.policy.calendar.tz
    due_dates.follow_rules(old)
    timelines = Timelines(make, old)
    reference = timelines.submit(almaty("2026-11-17"), "database_access")  # five working days
    before = row(reference).due_at
    assert due_dates.follow_rules(with_holiday(old, date(2026, 11, 17))) == 0
    after = row(reference).due_at
    assert after > before and due_day(after, zone) == due_day(before, zone) == date(2026, 11, 24)
    assert moves_told(timelines.inventor, reference) == []
    assert [entry.after for entry in entries()] == [{"due_dates_moved": 0}]


def test_a_database_that_never_kept_the_rules_keeps_its_due_dates_and_the_rules_it_has(make, ctx):
    reference = Timelines(make, make.policy).submit(MONDAY)
    odd = almaty("2026-12-31")
    db.session.execute(
        sa.update(ServiceRequest).where(ServiceRequest.reference == reference).values(due_at=odd)
    )
    db.session.commit()
    assert followed() is None
    assert due_dates.follow_rules(with_holiday(make.policy)) == 0
    assert followed() == with_holiday(make.policy).due_date_rules
    assert row(reference).due_at == odd and entries() == []


def test_a_form_opened_before_the_correction_is_told_the_request_changed(make, ctx):
    old = make.policy
    due_dates.follow_rules(old)
    timelines = Timelines(make, old)
    moved = timelines.submit(MONDAY)
    untouched = timelines.submit(almaty("2026-10-01"))  # due on 22 Oct, before the holiday
    versions = {reference: row(reference).version for reference in (moved, untouched)}
    assert due_dates.follow_rules(with_holiday(old)) == 1
    assert row(moved).version == versions[moved] + 1
    assert row(untouched).version == versions[untouched]
    with pytest.raises(Conflict):
        timelines.act(timelines.staff, moved, "assign", almaty("2026-11-04"),
                      expected_version=versions[moved], assignee_id=timelines.staff.id)  # fmt: skip
    timelines.act(timelines.staff, untouched, "assign", almaty("2026-11-04"),
                  expected_version=versions[untouched], assignee_id=timelines.staff.id)  # fmt: skip


def test_the_first_daily_job_follows_the_rules_once_they_change(make, ctx):
    old = make.policy
    reference = Timelines(make, old).submit(MONDAY)
    first_day = almaty("2026-11-04", 8)
    assert schedule.run_due(old, first_day)["due_dates"] == 0
    new = with_holiday(old)
    assert "due_dates" not in schedule.run_due(new, first_day + timedelta(hours=2))  # once a day
    assert schedule.run_due(new, first_day + timedelta(days=1))["due_dates"] == 1
    assert row(reference).due_at == almaty("2026-11-24")
    ran = list(schedule.run_due(new, first_day + timedelta(days=2)))
    assert ran.index("due_dates") < ran.index("daily_digest")  # which counts overdue requests


def test_a_request_whose_timeline_does_not_explain_its_status_is_left_alone(make, ctx):
    old = make.policy
    due_dates.follow_rules(old)
    timelines = Timelines(make, old)
    told, untold = timelines.submit(MONDAY), timelines.submit(MONDAY)
    db.session.execute(  # as data brought in from elsewhere may be: no event says it moved
        sa.update(ServiceRequest)
        .where(ServiceRequest.reference == untold)
        .values(status="in_progress")
    )
    db.session.commit()
    before = clock_of(untold)
    assert due_dates.follow_rules(with_holiday(old)) == 1
    assert clock_of(untold) == before and clock_of(told) != before


def test_a_network_of_open_requests_is_followed_a_few_at_a_time(make, ctx, monkeypatch):
    old = make.policy
    due_dates.follow_rules(old)
    timelines = Timelines(make, old)
    references = [timelines.submit(MONDAY + timedelta(minutes=minute)) for minute in range(5)]
    batches = []
    replayed = due_dates._replayed.__wrapped__  # one transaction each, as use_case makes it

    def counted(ids, policy, now):
        batches.append(len(ids))
        return replayed(ids, policy, now)

    monkeypatch.setattr(due_dates, "PER_TRANSACTION", 2)
    monkeypatch.setattr(due_dates, "_replayed", use_case(counted))
    assert due_dates.follow_rules(with_holiday(old)) == 5
    assert batches == [2, 2, 1]
    assert all(row(reference).due_at > almaty("2026-11-23") for reference in references)


def test_a_change_followed_twice_at_once_is_noted_once(make, ctx):
    new = with_holiday(make.policy)
    due_dates.follow_rules(make.policy)
    now = almaty("2026-11-04")
    due_dates._followed(new.due_date_rules, 3, now)  # the worker
    due_dates._followed(new.due_date_rules, 0, now)  # tisc setup, a moment later
    assert [entry.after for entry in entries()] == [{"due_dates_moved": 3}]
