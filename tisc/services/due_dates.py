"""The open requests' due dates, worked out again when the rules they follow change.

A request's due date is its submission plus its service's target in working days,
moved by every working second its clock stood still (awaiting the inventor, or closed
before a reopening: ``workflow._clock``). It is stored when the request comes in and
moved as the request goes. When a deployment changes its working calendar
(``TISC_HOLIDAYS``, ``TISC_HOLIDAYS_NOT_MOVED``, ``TISC_TIMEZONE``) or its targets
(``TISC_TARGET_DAYS``) - a public holiday announced, a day off moved - the stored dates
of the requests still open no longer say what the rules say, and queues would call
requests overdue on a day the centres were closed.

:func:`follow_rules` notices the change (the rules' key against the one kept in
:class:`~tisc.models.DueDateRules`), replays each open request's clock from its
timeline under the rules of now (``workflow.replay_clock``, the same bookkeeping the
workflow does as it goes) and corrects the requests whose due date or paused time
differs; a due day moved is told on the request's timeline (``Action.MOVE_DUE_DATE``),
where the inventor and the staff see why the date they knew changed. Closed requests keep
theirs: their turnaround was fixed, and counted in the figures, when they were completed;
one closed when the rules change and reopened later goes on from the due date it had,
moved by the time it stood closed. It runs as the first daily job and from ``tisc setup``;
with the rules unchanged it is one read. The worker, ``tisc setup`` and the web servers
must be given the same rules: each that runs it with rules of its own works the due dates
out again by those.

A database that has never kept the rules (a new one, or one made before they were kept)
takes its stored due dates as worked out by the rules it has at the first run, and keeps
those: the due dates were stored by the rules of their day, and the alternative, a
replay of every open request's timeline, would be paid on every new database. To have
them worked out again anyway, give the row other rules (``UPDATE due_date_rules SET
rules = 'again'``) and run ``flask tisc setup``.
"""

from datetime import datetime

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.calendar import due_day
from tisc.domain.policy import Policy
from tisc.domain.workflow import OPEN_STATUSES, Action, moved_due_date_text, replay_clock
from tisc.extensions import db
from tisc.models import DueDateRules, RequestEvent, ServiceRequest
from tisc.models.base import utcnow
from tisc.services import audit, timeline
from tisc.services.unit_of_work import use_case

# Open requests replayed and corrected per write transaction: a network's worth of open
# requests must not keep submissions waiting for long.
PER_TRANSACTION = 200


def follow_rules(policy: Policy, now: datetime | None = None) -> int:
    """When the rules of due dates changed since the open requests' were last worked
    out, work them out again; how many due dates it moved (0 with the rules unchanged).

    Safe to run again at any time, from any process: a replay of the same timeline
    under the same rules gives the same dates, and a request changed meanwhile is
    locked (PostgreSQL) or waited for (SQLite's one writer) while it is corrected, its
    version moved on so that a form opened before sees that it changed."""
    now = now or utcnow()
    rules = policy.due_date_rules
    followed = db.session.scalar(sa.select(DueDateRules.rules).where(DueDateRules.id == 1))
    db.session.commit()  # end the read
    if followed == rules:
        return 0
    if followed is None:  # never kept: see above
        _followed(rules, None, now)
        return 0
    open_ids = db.session.scalars(
        sa.select(ServiceRequest.id)
        .where(ServiceRequest.status.in_(OPEN_STATUSES))
        .order_by(ServiceRequest.id)
    ).all()
    db.session.commit()  # end the read before the writes
    moved = sum(
        _replayed(open_ids[start : start + PER_TRANSACTION], policy, now)
        for start in range(0, len(open_ids), PER_TRANSACTION)
    )
    _followed(rules, moved, now)
    return moved


@use_case
def _replayed(ids: list[int], policy: Policy, now: datetime) -> int:
    rows = db.session.execute(
        sa.select(
            ServiceRequest.id, ServiceRequest.service, ServiceRequest.status,
            ServiceRequest.created_at, ServiceRequest.due_at, ServiceRequest.paused_seconds,
            ServiceRequest.version,
        )
        .where(ServiceRequest.id.in_(ids), ServiceRequest.status.in_(OPEN_STATUSES))
        .order_by(ServiceRequest.id)  # locked in the order every batch job locks them
        .with_for_update(of=ServiceRequest)
    ).all()  # fmt: skip
    moves = timeline.status_moves(ids)
    zone = policy.calendar.tz
    events = []
    for row in rows:
        clock = replay_clock(row.created_at, moves[row.id], policy, row.service)
        if clock.status is not row.status:
            continue  # a timeline that does not tell how it came to be where it is: left alone
        if (clock.due_at, clock.paused_seconds) == (row.due_at, row.paused_seconds):
            continue
        corrected = db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.id == row.id, ServiceRequest.version == row.version)
            .values(
                due_at=clock.due_at, paused_seconds=clock.paused_seconds, version=row.version + 1
            )
        ).rowcount
        # Told when the day people read moved: not for a pause's length alone, nor for a
        # moment within the same day (a submission's day become a holiday).
        if corrected and due_day(clock.due_at, zone) != due_day(row.due_at, zone):
            events.append(
                {"request_id": row.id, "action": Action.MOVE_DUE_DATE, "created_at": now,
                 "from_status": row.status, "to_status": row.status,
                 "text": moved_due_date_text(row.due_at, clock.due_at)}
            )  # fmt: skip
    if events:
        db.session.execute(sa.insert(RequestEvent), events)
    return len(events)


@use_case
def _followed(rules: str, moved: int | None, now: datetime) -> None:
    """Keep ``rules`` as those the open requests follow; with ``moved`` (how many due
    dates moved), the audit trail tells the coordinators why they moved - once, though two
    processes (the worker and ``tisc setup``) may have followed the same change at once."""
    kept = db.session.scalar(
        upsert_insert(db.session, DueDateRules)
        .values(id=1, rules=rules, applied_at=now)
        .on_conflict_do_update(
            index_elements=["id"],
            set_={"rules": rules, "applied_at": now},
            where=DueDateRules.rules != rules,
        )
        .returning(DueDateRules.id)
    )  # None when another process kept these rules first
    if kept is not None and moved is not None:
        audit.record("requests.due_dates_followed", None, after={"due_dates_moved": moved})
