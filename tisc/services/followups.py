"""Daily jobs that tie a request's loose ends: inventors who stopped answering, and
completed requests nobody rated.

Both are safe to run any number of times a day on their own (besides running
once a day through :mod:`tisc.services.schedule`): the workflow refuses a
second reminder and closes only a request still awaiting the inventor; an
invitation to rate is keyed by its request in the outbox.

The invitation to rate is a daily job rather than part of completing: the
completion e-mail already shows the result and a link to rate it, so the
invitation comes a few days later, once, only to those who have not rated by
then - when they have read the report.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tisc.database import among
from tisc.domain import workflow
from tisc.domain.notifications import Kind, wanted
from tisc.domain.permissions import SCHEDULE
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action, Status
from tisc.extensions import db
from tisc.models import OutboxMessage, ServiceRequest, User
from tisc.services import notifications
from tisc.services.queues import LIST_ONLY
from tisc.services.requests import ActionInput, act_on, state_of
from tisc.services.unit_of_work import use_case

# Invited to rate this long after completion, if completed within the last month.
INVITE_AFTER = timedelta(days=3)
INVITE_WITHIN = timedelta(days=30)


CHASED_PER_TRANSACTION = 100


def chase_unanswered(today: date, now: datetime, policy: Policy) -> int:
    """Remind each inventor who has not answered for ``policy.remind_after_days`` working
    days; close the request when still unanswered ``policy.close_after_days`` working days
    after the reminder. How many reminders and closings.

    A hundred requests per transaction, so that a backlog (after an outage, or data
    brought in from elsewhere) never keeps submissions waiting for long."""
    candidates = db.session.scalars(
        sa.select(ServiceRequest.id).where(_waited_enough(now, policy)).order_by(ServiceRequest.id)
    ).all()
    db.session.commit()  # end the read before the writes
    return sum(
        _chase(candidates[start : start + CHASED_PER_TRANSACTION], now, policy)
        for start in range(0, len(candidates), CHASED_PER_TRANSACTION)
    )


def _waited_enough(now: datetime, policy: Policy):
    # N working days are at least N calendar days: a cheap bound before the calendar's check.
    return sa.and_(
        ServiceRequest.status == Status.AWAITING_INVENTOR,
        ServiceRequest.closed_at.is_(None),
        ServiceRequest.awaiting_since <= now - timedelta(days=policy.remind_after_days),
    )


@use_case
def _chase(ids: list[int], now: datetime, policy: Policy) -> int:
    rows = db.session.scalars(
        sa.select(ServiceRequest)
        .where(ServiceRequest.id.in_(ids), _waited_enough(now, policy))  # still, in this one
        .order_by(ServiceRequest.id)
        .options(*LIST_ONLY)
    ).all()
    done = 0
    for service_request in rows:
        due = workflow.available_actions(
            state_of(service_request), SCHEDULE, now=now, policy=policy
        )
        action = next((a for a in (Action.EXPIRE, Action.REMIND) if a in due), None)
        if action is not None:
            act_on(service_request, SCHEDULE, None, action, ActionInput(), policy, now)
            done += 1
    return done


def invite_ratings(today: date, now: datetime) -> int:
    """Invite, once per result, each inventor who has not rated a request completed a few
    days ago: a request completed again after a reopening is rated afresh."""
    rows = db.session.execute(
        sa.select(ServiceRequest, User)
        .join(User, User.id == ServiceRequest.inventor_id)
        .where(
            ServiceRequest.status == Status.COMPLETED,
            ServiceRequest.rating.is_(None),
            ServiceRequest.closed_at <= now - INVITE_AFTER,
            ServiceRequest.closed_at > now - INVITE_WITHIN,
            User.active.is_(True),
        )
        .order_by(ServiceRequest.id)
        .options(*LIST_ONLY)
    ).all()
    invited = _invited([service_request for service_request, _ in rows])
    queued = 0
    for service_request, inventor in rows:
        if service_request.id in invited:
            continue
        if wanted(Kind.RATING_INVITATION, inventor.role, inventor.muted_notifications):
            notifications.queue(
                Kind.RATING_INVITATION,
                inventor,
                service_request=service_request,
                dedupe_key=_invitation_key(service_request),
            )
            queued += 1
    return queued


def _invitation_key(service_request: ServiceRequest) -> str:
    """The invitation to rate a request's current result (its completion's moment)."""
    return f"rating:{service_request.id}:{int(service_request.closed_at.timestamp())}"


def _invited(completed: list[ServiceRequest]) -> set[int]:
    """Those of the ``completed`` requests whose current result was already invited."""
    keys = {_invitation_key(r): r.id for r in completed}
    sent = db.session.scalars(
        sa.select(OutboxMessage.dedupe_key).where(
            among(db.session, OutboxMessage.dedupe_key, list(keys), sa.String)
        )
    )
    return {keys[key] for key in sent}
