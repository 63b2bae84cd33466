"""Work on many requests that an office's action begins and the worker finishes.

Suspending a centre (:mod:`.suspension`) and a staff member's leaving
(:mod:`.handover`) change the first requests in the office's own request and
record a job row (with ``id`` and ``finished_at``) for the rest, which the
worker takes a batch at a time, each batch its own transaction.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from time import monotonic

import sqlalchemy as sa

from tisc.domain.permissions import SYSTEM
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import counters, figures
from tisc.services import requests as request_service


def if_unfinished(job, batch: Callable[..., int | None], *args) -> int | None:
    """``batch(*args)`` when the job table ``job`` has an unfinished row, else ``None``.

    Looked at by a read before ``batch``'s write transaction: the worker asks every round,
    and a round with nothing to do should not wait for the turn to write."""
    if not db.session.scalar(sa.select(sa.exists().where(job.finished_at.is_(None)))):
        return None
    return batch(*args)


def claim_oldest(job):
    """The oldest unfinished row of the job table ``job``, locked until the transaction
    ends (``None``: none, or another worker holds it).

    Everything this session read before is read again: it may run batch after batch
    (``tisc daily``, after a response), and objects are kept across commits."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(job)
        .where(job.finished_at.is_(None))
        .order_by(job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def run_all(
    batch: Callable[[Policy], int | None], policy: Policy, seconds: float | None = None
) -> int:
    """``batch`` until it has nothing to do now (``None``), or for at most about ``seconds``;
    the sum of what the batches did."""
    deadline = None if seconds is None else monotonic() + seconds
    total = 0
    while (done := batch(policy)) is not None:
        total += done
        if deadline is not None and monotonic() > deadline:
            break
    return total


def still_acting(user_id: int | None) -> User | None:
    """The person who began the job, while they may still act; else ``None``: the product
    goes on in their stead (:data:`~tisc.domain.permissions.SYSTEM`)."""
    person = db.session.get(User, user_id) if user_id is not None else None
    return person if person is not None and person.actor.active else None


def act_on_each(
    given: Iterable[tuple[ServiceRequest, request_service.ActionInput]],
    by: User | None,
    action: Action,
    policy: Policy,
    now: datetime,
) -> None:
    """``action`` on each request with its input, by ``by`` (``None``: the product itself),
    their figures and queue counters written once for the batch."""
    actor = by.actor if by is not None else SYSTEM
    with figures.summed(), counters.summed():
        for service_request, action_input in given:
            request_service.act_on(service_request, actor, by, action, action_input, policy, now)
