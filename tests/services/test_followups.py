"""The daily jobs that tie loose ends, run with a fake clock: reminding and closing requests the
inventor abandoned, inviting ratings - once, however often they run."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION
from tests.mail import outbox
from tisc.domain.errors import Refused
from tisc.domain.notifications import Kind
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import OutboxMessage, QueueCount, RequestEvent, RequestRead, ServiceRequest, User
from tisc.services import accounts, followups, notifications, requests, schedule

ALMATY = ZoneInfo("Asia/Almaty")


def almaty(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+05:00").astimezone(UTC)


ASKED = almaty("2026-11-02")  # a Monday
REMINDER_DUE = almaty("2026-11-09", 11)  # five working days later
CLOSING_DUE = almaty("2026-11-23", 12)  # ten working days after the reminder


class Clock:
    """Acts at given moments through the real use cases."""

    def __init__(self, make, people):
        self.make, self.people = make, people

    def user(self, who):
        return db.session.get(User, self.people[who].id)

    def submit(self, at, **fields) -> str:
        draft = requests.Draft(
            service="prior_art_search", title=fields.pop("title", "Жылу сақтайтын кірпіш"),
            description="A confidential invention.", region_code="KZ-75",
            preferred_language="kk", confidentiality_ack=True, **{"send_anyway": True} | fields,
        )  # fmt: skip
        return requests.submit(self.user("inventor"), draft, self.make.policy, now=at).reference

    def act(self, who, reference, action, at, **given):
        requests.perform(
            self.user(who), reference, Action(action), requests.ActionInput(**given),
            self.make.policy, now=at,
        )  # fmt: skip

    def awaiting(self, at) -> str:
        reference = self.submit(at - timedelta(hours=2))
        self.act("staff", reference, "assign", at - timedelta(hours=1),
                 assignee_id=self.people["staff"].id)  # fmt: skip
        self.act("staff", reference, "start", at - timedelta(minutes=30))
        self.act("staff", reference, "ask", at, text="Which markets?")
        return reference

    def completed(self, at) -> str:
        reference = self.submit(at - timedelta(days=3))
        self.act("staff", reference, "assign", at - timedelta(days=2),
                 assignee_id=self.people["staff"].id)  # fmt: skip
        self.act("staff", reference, "start", at - timedelta(days=1))
        self.act("staff", reference, "complete", at, **COMPLETION)
        return reference


@pytest.fixture
def clock(make, ctx):
    people = {
        "inventor": make.user("inventor", locale="ru"),
        "staff": make.user("staff", centre="kbtu", locale="kk"),
    }
    return Clock(make, people)


def chase(make, at) -> int:
    done = followups.chase_unanswered(at.astimezone(ALMATY).date(), at, make.policy)
    db.session.commit()
    return done


def row(reference) -> ServiceRequest:
    db.session.expire_all()
    return db.session.scalar(sa.select(ServiceRequest).where(ServiceRequest.reference == reference))


def kinds(make) -> list[str]:
    return [message.kind for message in outbox(make.app)]


def test_the_inventor_is_reminded_after_five_working_days_once(make, clock):
    reference = clock.awaiting(ASKED)
    sent = len(kinds(make))
    assert chase(make, REMINDER_DUE - timedelta(hours=2)) == 0
    assert chase(make, REMINDER_DUE) == 1
    assert chase(make, REMINDER_DUE + timedelta(hours=3)) == 0  # the same day, run again
    assert chase(make, REMINDER_DUE + timedelta(days=2)) == 0  # and on later days
    new = outbox(make.app)[sent:]
    assert [m.kind for m in new] == ["reminder"]
    assert new[0].to_address == clock.people["inventor"].email and new[0].locale == "ru"
    assert row(reference).status == "awaiting_inventor"
    assert row(reference).reminded_at == REMINDER_DUE


def test_unanswered_after_the_reminder_it_closes_with_a_note_and_how_to_reopen(make, clock):
    reference = clock.awaiting(ASKED)
    chase(make, REMINDER_DUE)
    assert chase(make, CLOSING_DUE - timedelta(hours=3)) == 0
    assert chase(make, CLOSING_DUE) == 1
    assert chase(make, CLOSING_DUE + timedelta(hours=1)) == 0
    closed = row(reference)
    assert (closed.status, closed.closed_at) == ("no_answer", CLOSING_DUE)
    events = db.session.scalars(
        sa.select(RequestEvent)
        .where(RequestEvent.request_id == closed.id)
        .order_by(RequestEvent.id)
    ).all()
    assert [e.action for e in events][-2:] == [Action.REMIND, Action.EXPIRE]
    assert events[-1].actor_id is None and not events[-1].internal  # on the inventor's timeline
    (message,) = outbox(make.app, kind="closed_no_answer")
    assert "23 дек. 2026" in message.body_text  # thirty days to reopen, in Russian
    at_centre = QueueCount.centre_id == closed.centre_id
    counts = dict(
        db.session.execute(sa.select(QueueCount.status, QueueCount.count).where(at_centre)).all()
    )
    assert counts["no_answer"] == 1 and counts["awaiting_inventor"] == 0
    unread = db.session.get(RequestRead, (clock.people["inventor"].id, closed.id))
    assert unread is not None and unread.unread


def test_an_answer_in_time_stops_the_closing(make, clock):
    reference = clock.awaiting(ASKED)
    chase(make, REMINDER_DUE)
    clock.act("inventor", reference, "reply", REMINDER_DUE + timedelta(days=1), text="Kazakhstan.")
    assert chase(make, CLOSING_DUE) == 0
    assert row(reference).status == "in_progress" and row(reference).reminded_at is None


def test_the_inventor_reopens_within_the_window_back_in_the_queue(make, clock):
    reference = clock.awaiting(ASKED)
    due_when_asked = row(reference).due_at
    chase(make, REMINDER_DUE)
    chase(make, CLOSING_DUE)
    before = len(kinds(make))
    later = CLOSING_DUE + timedelta(days=10)
    clock.act("inventor", reference, "resume", later, text="Sorry: Kazakhstan and Russia.")
    reopened = row(reference)
    assert (reopened.status, reopened.closed_at) == ("in_progress", None)
    # The centre has the time it had left when it asked: the wait and the time closed
    # move the due date, as they are left out of the turnaround.
    calendar = make.policy.calendar
    stood_still = calendar.working_seconds_between(ASKED, later)
    assert reopened.due_at == calendar.add_working_seconds(due_when_asked, stood_still)
    assert kinds(make)[before:] == ["resumed"]  # to the centre's staff


def test_after_the_window_the_inventor_is_told_to_send_a_new_request(make, clock):
    reference = clock.awaiting(ASKED)
    chase(make, REMINDER_DUE)
    chase(make, CLOSING_DUE)
    with pytest.raises(Refused):
        clock.act("inventor", reference, "resume", CLOSING_DUE + timedelta(days=31), text="Late.")
    assert row(reference).status == "no_answer"


def test_the_jobs_run_once_a_day_through_the_schedule(make, clock):
    clock.awaiting(ASKED)
    first = schedule.run_due(make.policy, REMINDER_DUE)
    assert first["unanswered_requests"] == 1
    sent = kinds(make)
    assert schedule.run_due(make.policy, REMINDER_DUE + timedelta(hours=5)) == {}
    assert kinds(make) == sent


def test_a_backlog_is_chased_in_transactions_of_its_own(make, clock, monkeypatch):
    """Each batch commits: what was done stays when a later batch fails, and the next run
    does the rest (each chase is done once)."""
    monkeypatch.setattr(followups, "CHASED_PER_TRANSACTION", 2)
    references = [clock.awaiting(ASKED + timedelta(minutes=i)) for i in range(5)]
    real_act_on = followups.act_on

    def failing_on_the_fifth(service_request, *args):
        if service_request.reference == references[4]:
            raise RuntimeError("the database went away")
        return real_act_on(service_request, *args)

    monkeypatch.setattr(followups, "act_on", failing_on_the_fifth)
    with pytest.raises(RuntimeError):
        chase(make, REMINDER_DUE + timedelta(hours=1))
    db.session.rollback()
    assert [row(r).reminded_at is not None for r in references] == [True] * 4 + [False]
    monkeypatch.setattr(followups, "act_on", real_act_on)
    assert chase(make, REMINDER_DUE + timedelta(hours=2)) == 1
    assert all(row(r).reminded_at is not None for r in references)
    assert kinds(make).count("reminder") == 5


def test_ordinary_requests_are_left_exactly_as_they_were(make, clock):
    """Requests that never wait for the inventor: the jobs change nothing and send nothing."""
    submitted = clock.submit(ASKED)
    working = clock.submit(ASKED)
    clock.act("staff", working, "assign", ASKED, assignee_id=clock.people["staff"].id)
    clock.act("staff", working, "start", ASKED + timedelta(hours=1))
    rated = clock.completed(ASKED)
    clock.act("inventor", rated, "rate", ASKED + timedelta(hours=1), rating=5)
    before = {ref: dict(vars(row(ref))) for ref in (submitted, working, rated)}
    sent = kinds(make)
    for day in range(40):
        now = ASKED + timedelta(days=day)
        chase(make, now)
        followups.invite_ratings(now.date(), now)
        db.session.commit()
    for ref, values in before.items():
        after = vars(row(ref))
        assert {k: after[k] for k in values if not k.startswith("_")} == {
            k: v for k, v in values.items() if not k.startswith("_")
        }, ref
    assert kinds(make) == sent


# --- the invitation to rate -----------------------------------------------------------------


def invite(at) -> int:
    queued = followups.invite_ratings(at.astimezone(ALMATY).date(), at)
    db.session.commit()
    return queued


def test_an_unrated_request_is_invited_once_a_few_days_after_completion(make, clock):
    reference = clock.completed(ASKED)
    assert invite(ASKED + timedelta(days=1)) == 0  # the completion e-mail is enough for now
    assert invite(ASKED + timedelta(days=3, hours=1)) == 1
    assert invite(ASKED + timedelta(days=3, hours=2)) == 0
    assert invite(ASKED + timedelta(days=9)) == 0
    (message,) = outbox(make.app, kind="rating_invitation")
    assert message.locale == "ru" and reference in message.subject


def test_a_result_completed_again_is_invited_again_once(make, clock):
    """Rated afresh, so invited afresh: the first result's invitation does not count for
    the next, nor does one sent under the key of one invitation per request before it."""
    reference = clock.completed(ASKED)
    assert invite(ASKED + timedelta(days=3, hours=1)) == 1
    clock.act("staff", reference, "reopen", ASKED + timedelta(days=4), text="One more search.")
    clock.act("staff", reference, "start", ASKED + timedelta(days=4))
    clock.act("staff", reference, "complete", ASKED + timedelta(days=5), **COMPLETION)
    assert invite(ASKED + timedelta(days=6)) == 0  # a few days after the new completion
    assert invite(ASKED + timedelta(days=8, hours=1)) == 1
    assert invite(ASKED + timedelta(days=8, hours=2)) == 0
    assert len(outbox(make.app, kind="rating_invitation")) == 2
    # Invited before results were told apart, under "rating:<id>": after this completion,
    # the invitation was of this result; before it, of a previous one. The migration that
    # told them apart gives the first its result's key.
    from flask_migrate import downgrade, upgrade

    for sent_after_completion in (True, False):
        before = row(clock.completed(ASKED))
        old_key = f"rating:{before.id}"
        notifications.queue(Kind.RATING_INVITATION, clock.user("inventor"),
                            service_request=before, dedupe_key=old_key)  # fmt: skip
        sent_at = before.closed_at + timedelta(hours=1 if sent_after_completion else -1)
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.dedupe_key == old_key)
            .values(created_at=sent_at)
        )  # fmt: skip
        db.session.commit()
        downgrade(revision="a4c8e1f07b3d")
        upgrade()
        assert invite(ASKED + timedelta(days=3, hours=1)) == (0 if sent_after_completion else 1)


def test_no_invitation_when_rated_muted_reopened_or_long_ago(make, clock):
    rated = clock.completed(ASKED)
    clock.act("inventor", rated, "rate", ASKED + timedelta(days=1), rating=4)
    reopened = clock.completed(ASKED)
    clock.act("staff", reopened, "reopen", ASKED + timedelta(days=1), text="One more search.")
    clock.completed(ASKED - timedelta(days=40))
    assert invite(ASKED + timedelta(days=4)) == 0
    muted = clock.completed(ASKED)
    accounts.set_notifications(clock.user("inventor"), [])
    assert invite(ASKED + timedelta(days=4)) == 0
    assert not outbox(make.app, kind="rating_invitation")
    assert row(muted).rating is None
