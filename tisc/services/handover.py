"""Leaving a staff member's open requests to their colleagues.

Someone moved to another centre or deactivated can no longer open their
centre's requests, so each open request still assigned to them is unassigned,
with an event, and waits on the desk for a colleague. The use case that moved
or deactivated them unassigns the first :data:`UNASSIGNED_AT_ONCE`; for one
who held more it records a :class:`~tisc.models.Handover`, and the worker
unassigns the rest, :data:`BATCH` per transaction (:func:`hand_over_more`).
An unassignment takes some 4 ms: the busiest staff member of the bench's
million held 9,439 open requests, 43 s in one request, past a web worker's
timeout, and nothing changed.
"""

from datetime import datetime
from enum import Enum

import sqlalchemy as sa

from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import Handover, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import batches, rules
from tisc.services import requests as request_service
from tisc.services.unit_of_work import use_case

UNASSIGNED_AT_ONCE = 100  # in the use case that moved or deactivated them
BATCH = 25  # per transaction, by the worker (see tisc.services.suspension.BATCH)


def leave_requests(assignee: User, by: User | None, policy: Policy, now: datetime | None = None):
    """Inside a use case that moved or deactivated ``assignee``: unassign them from the
    open requests they can no longer open (by ``by``; None: the system), the first ones
    now and the rest by the worker."""
    now = now or utcnow()
    # Locked in the worker's order (their handover, then their requests), waiting for a
    # batch of theirs the worker may be doing.
    unfinished = db.session.scalar(
        sa.select(Handover)
        .where(Handover.user_id == assignee.id, Handover.finished_at.is_(None))
        .with_for_update()
    )
    lost = _lost(assignee.id, UNASSIGNED_AT_ONCE + 1, lock=Lock.WAIT)
    _unassign(lost[:UNASSIGNED_AT_ONCE], by, policy, now)
    if len(lost) <= UNASSIGNED_AT_ONCE:
        return
    if unfinished is not None:  # one handover at a time for each person, by the latest
        unfinished.unassigned += UNASSIGNED_AT_ONCE
        unfinished.by_id = by.id if by else None
    else:
        db.session.add(
            Handover(
                user_id=assignee.id, by_id=by.id if by else None, started_at=now,
                unassigned=UNASSIGNED_AT_ONCE,
            )
        )  # fmt: skip


def hand_over_more(policy: Policy, limit: int | None = None, now: datetime | None = None):
    """Unassign up to ``limit`` (:data:`BATCH`) more requests of the oldest unfinished
    handover; how many. ``None``: nothing to do now (no handover is unfinished, or another
    worker holds it or the rest of its requests). One who can open their requests again
    (reactivated, moved back) keeps them."""
    return batches.if_unfinished(Handover, _hand_over_more, policy, limit, now)


@use_case
def _hand_over_more(policy: Policy, limit: int | None, now: datetime | None) -> int | None:
    limit, now = limit or BATCH, now or utcnow()
    record = batches.claim_oldest(Handover)
    if record is None:
        return None
    lost = _lost(record.user_id, limit, lock=Lock.SKIP)
    _unassign(lost, batches.still_acting(record.by_id), policy, now)
    record.unassigned += len(lost)
    # Finished when nothing is left (looked at, not inferred from the rows read: rows
    # another transaction held were skipped).
    if not _lost(record.user_id, 1):
        record.finished_at = now
    elif not lost:  # the rest is held elsewhere for now
        return None
    return len(lost)


def hand_over_all(policy: Policy, seconds: float | None = None) -> int:
    """Unassign what handovers still have to, a batch per transaction, for at most about
    ``seconds`` (None: until none is left or the rest is held elsewhere); how many."""
    return batches.run_all(hand_over_more, policy, seconds)


class Lock(Enum):
    NONE = "none"
    WAIT = "wait"  # for a transaction holding one
    SKIP = "skip"  # the ones another transaction holds


def still_to_unassign() -> dict[int, int]:
    """For each person whose handover is unfinished: how many open requests they still
    hold that they can no longer open."""
    handing_over = sa.select(Handover.user_id).where(Handover.finished_at.is_(None))
    rows = db.session.execute(
        _lost_query(ServiceRequest.assignee_id.in_(handing_over))
        .with_only_columns(ServiceRequest.assignee_id, sa.func.count())
        .group_by(ServiceRequest.assignee_id)
    )
    return {user_id: count for user_id, count in rows}


def _lost(assignee_id: int, limit: int, lock: Lock = Lock.NONE) -> list[ServiceRequest]:
    """The oldest ``limit`` open requests held by someone who can no longer open them
    (locked until the transaction ends, unless ``Lock.NONE``)."""
    query = (
        _lost_query(ServiceRequest.assignee_id == assignee_id)
        .order_by(ServiceRequest.id)
        .limit(limit)
    )
    if lock is not Lock.NONE:
        query = query.with_for_update(skip_locked=lock is Lock.SKIP, of=ServiceRequest)
    return list(db.session.scalars(query))


def _lost_query(held_by: sa.ColumnElement[bool]) -> sa.Select:
    """Open requests ``held_by`` (a condition on the assignee) someone who can no longer
    open them."""
    return (
        sa.select(ServiceRequest)
        .join(User, User.id == ServiceRequest.assignee_id)
        .where(
            held_by,
            rules.is_open(),
            sa.or_(  # staff of no centre can open none (the rule's SQL alone would be NULL)
                User.centre_id.is_(None),
                sa.not_(rules.is_active_staff_of(ServiceRequest.centre_id)),
            ),
        )
    )


def _unassign(held: list[ServiceRequest], by: User | None, policy: Policy, now: datetime) -> None:
    given = ((service_request, request_service.ActionInput()) for service_request in held)
    batches.act_on_each(given, by, Action.UNASSIGN, policy, now)
