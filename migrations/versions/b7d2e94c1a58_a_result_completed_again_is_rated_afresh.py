"""A result completed again after a reopening is rated afresh

A rating (and the inventor's "resolved for me") outlived a reopening: the request,
completed again, kept the previous result's rating, counted it in the new result's
month and refused the inventor a rating of the new one. Completing now clears them.

This revision clears them on the requests completed since they were given (their
latest ``complete`` event after their latest ``rate``, or ``resolve``), and takes
the rating out of the kept sums (``figure_counts``) at every grain. The previous
result's comment stays on the timeline, in its ``rate`` event; the stars were kept
on the request only, and go. Downgrading leaves the requests as they are now.

The invitation to rate, once per request (``rating:<id>``), is now once per result
(``rating:<id>:<completed at, in seconds>``): one sent after a request's current
completion was of its current result, and takes that result's key, so that it is not
sent again.

Revision ID: b7d2e94c1a58
Revises: a4c8e1f07b3d
Create Date: 2026-12-07 04:30:00.000000

"""
from collections import Counter

import sqlalchemy as sa
from alembic import op
from flask import current_app

from tisc.domain import figures as defs
from tisc.domain.policy import Policy
from tisc.domain.workflow import Status
from tisc.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "b7d2e94c1a58"
down_revision = "a4c8e1f07b3d"
branch_labels = None
depends_on = None

requests = sa.table(
    "service_requests",
    sa.column("id", sa.Integer), sa.column("centre_id", sa.Integer),
    sa.column("service", sa.String), sa.column("region_code", sa.String),
    sa.column("requester_category", sa.String), sa.column("status", sa.String),
    sa.column("created_at", UTCDateTime()), sa.column("due_at", UTCDateTime()),
    sa.column("closed_at", UTCDateTime()), sa.column("turnaround_days", sa.Integer),
    sa.column("rating", sa.Integer), sa.column("rating_comment", sa.Text),
    sa.column("resolved_at", UTCDateTime()),
)  # fmt: skip
events = sa.table(
    "request_events",
    sa.column("id", sa.Integer), sa.column("request_id", sa.Integer),
    sa.column("action", sa.String),
)  # fmt: skip
messages = sa.table(
    "outbox_messages",
    sa.column("id", sa.Integer), sa.column("dedupe_key", sa.String),
    sa.column("created_at", UTCDateTime()),
)  # fmt: skip
counts = sa.table(
    "figure_counts",
    sa.column("grain", sa.SmallInteger), sa.column("period", sa.Integer),
    sa.column("centre_id", sa.Integer), sa.column("service", sa.String),
    sa.column("region_code", sa.String), sa.column("category", sa.String),
    sa.column("measure", sa.String), sa.column("value", sa.BigInteger),
)  # fmt: skip
KEY = ("grain", "period", "centre_id", "service", "region_code", "category", "measure")


def _latest(action: str):
    return (
        sa.select(sa.func.max(events.c.id))
        .where(events.c.request_id == requests.c.id, events.c.action == action)
        .scalar_subquery()
    )


def upgrade():
    connection = op.get_bind()
    tz = (current_app.extensions.get("tisc.policy") or Policy()).calendar.tz
    completed_since = _latest("complete")
    rated_before = requests.c.rating.is_not(None) & (_latest("rate") < completed_since)
    change: Counter = Counter()
    for row in connection.execute(sa.select(requests).where(rated_before)).all():
        before = defs.contributions(_facts(row, row.rating), tz)
        change.update(defs.difference(before, defs.contributions(_facts(row, None), tz)))
    connection.execute(
        sa.update(requests).where(rated_before).values(rating=None, rating_comment="")
    )
    resolved_before = requests.c.resolved_at.is_not(None) & (
        _latest("resolve") < completed_since
    )
    connection.execute(sa.update(requests).where(resolved_before).values(resolved_at=None))
    _apply(connection, defs.expand(Counter({k: v for k, v in change.items() if v})))
    _key_invitations_by_result(connection)


def _key_invitations_by_result(connection) -> None:
    request_key = sa.literal("rating:") + sa.cast(requests.c.id, sa.String)
    invited = connection.execute(
        sa.select(messages.c.id, requests.c.id.label("request_id"), requests.c.closed_at)
        .join(requests, messages.c.dedupe_key == request_key)
        .where(requests.c.status == Status.COMPLETED.value)
        .where(messages.c.created_at >= requests.c.closed_at)
    ).all()
    for row in invited:
        key = f"rating:{row.request_id}:{int(row.closed_at.timestamp())}"
        connection.execute(
            sa.update(messages).where(messages.c.id == row.id).values(dedupe_key=key)
        )


def downgrade():
    pass  # the previous results' ratings are not kept: nothing to give back


def _facts(row, rating) -> defs.RequestFacts:
    return defs.RequestFacts(
        centre_id=row.centre_id, service=row.service, region_code=row.region_code,
        category=row.requester_category, status=Status(row.status), created_at=row.created_at,
        due_at=row.due_at, closed_at=row.closed_at, turnaround_days=row.turnaround_days,
        rating=rating,
    )  # fmt: skip


def _apply(connection, expanded: Counter) -> None:
    """Add each change to its row of the sums (a database whose sums are not built yet
    gets them from `tisc setup`: nothing to correct then)."""
    if connection.scalar(sa.select(counts.c.grain).limit(1)) is None:
        return
    for key, value in sorted(expanded.items()):
        where = [counts.c[name] == part for name, part in zip(KEY, key, strict=True)]
        connection.execute(sa.update(counts).where(*where).values(value=counts.c.value + value))
