"""Reopened requests keep their due date, moved by the time spent closed

Reopening (by the centre, or by the inventor answering after all) used to set a
fresh due date from the moment of reopening, while the turnaround counted from
the submission: a late request reopened and completed again counted as "on
time". The due date now runs on the turnaround's clock (submission + the
service's target + every working second awaiting the inventor or closed).

This revision replays the clock of every request that was ever reopened (its
moves between statuses on the timeline, with the application's targets and
calendar), gives it the due date it would have had, and corrects the kept sums
(``figure_counts``) where its "completed on time" count changes, at every grain.
Requests never reopened are not touched. The old due dates are not kept:
downgrading leaves the corrected ones.

Revision ID: d3a7f5c19e62
Revises: 4c8e1f7a2b95
Create Date: 2026-12-05 16:00:00.000000

"""
from collections import Counter

import sqlalchemy as sa
from alembic import op
from flask import current_app

from tisc.domain import figures as defs
from tisc.domain.catalogue import Service
from tisc.domain.policy import Policy
from tisc.domain.workflow import Status, replay_clock
from tisc.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "d3a7f5c19e62"
down_revision = "4c8e1f7a2b95"
branch_labels = None
depends_on = None

requests = sa.table(
    "service_requests",
    sa.column("id", sa.Integer), sa.column("centre_id", sa.Integer),
    sa.column("service", sa.String), sa.column("region_code", sa.String),
    sa.column("requester_category", sa.String), sa.column("status", sa.String),
    sa.column("created_at", UTCDateTime()), sa.column("due_at", UTCDateTime()),
    sa.column("closed_at", UTCDateTime()), sa.column("turnaround_days", sa.Integer),
)  # fmt: skip
events = sa.table(
    "request_events",
    sa.column("id", sa.Integer), sa.column("request_id", sa.Integer),
    sa.column("action", sa.String), sa.column("to_status", sa.String),
    sa.column("internal", sa.Boolean), sa.column("created_at", UTCDateTime()),
)  # fmt: skip
counts = sa.table(
    "figure_counts",
    sa.column("grain", sa.SmallInteger), sa.column("period", sa.Integer),
    sa.column("centre_id", sa.Integer), sa.column("service", sa.String),
    sa.column("region_code", sa.String), sa.column("category", sa.String),
    sa.column("measure", sa.String), sa.column("value", sa.BigInteger),
)  # fmt: skip
KEY = ("grain", "period", "centre_id", "service", "region_code", "category", "measure")


def _policy() -> Policy:
    return current_app.extensions.get("tisc.policy") or Policy()


def upgrade():
    connection = op.get_bind()
    policy = _policy()
    tz = policy.calendar.tz
    reopened = connection.scalars(
        sa.select(events.c.request_id)
        .where(events.c.action.in_(("reopen", "resume")))
        .distinct()
    ).all()
    change: Counter = Counter()
    for request_id in reopened:
        row = connection.execute(sa.select(requests).where(requests.c.id == request_id)).one()
        moves = connection.execute(
            sa.select(events.c.created_at, events.c.to_status)
            .where(events.c.request_id == request_id, events.c.internal.is_(False))
            .order_by(events.c.id)
        ).all()
        replayed = replay_clock(
            row.created_at, [(at, Status(status)) for at, status in moves], policy,
            Service(row.service),
        )  # fmt: skip
        if replayed.due_at == row.due_at:
            continue
        connection.execute(
            sa.update(requests).where(requests.c.id == request_id).values(due_at=replayed.due_at)
        )
        before = defs.contributions(_facts(row, row.due_at), tz)
        change.update(defs.difference(before, defs.contributions(_facts(row, replayed.due_at), tz)))
    _apply(connection, defs.expand(Counter({k: v for k, v in change.items() if v})))


def _facts(row, due_at) -> defs.RequestFacts:
    return defs.RequestFacts(
        centre_id=row.centre_id, service=row.service, region_code=row.region_code,
        category=row.requester_category, status=Status(row.status), created_at=row.created_at,
        due_at=due_at, closed_at=row.closed_at, turnaround_days=row.turnaround_days,
    )  # fmt: skip


def _apply(connection, expanded: Counter) -> None:
    """Add each change to its row of the sums, or insert the row (a database whose sums are
    not built yet gets them from `tisc setup` as before: nothing to correct then)."""
    if connection.scalar(sa.select(counts.c.grain).limit(1)) is None:
        return
    for key, value in sorted(expanded.items()):
        where = [counts.c[name] == part for name, part in zip(KEY, key, strict=True)]
        updated = connection.execute(
            sa.update(counts).where(*where).values(value=counts.c.value + value)
        )
        if updated.rowcount == 0:
            row = dict(zip(KEY, key, strict=True), value=value)
            connection.execute(sa.insert(counts).values(row))


def downgrade():
    pass  # the fresh due dates of old are not worth restoring
