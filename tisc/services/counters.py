"""Counters updated atomically in the use case's transaction (SQLite and PostgreSQL)."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import QueueCount, ReferenceCounter


def _add(model, keys: dict, column: str, delta: int) -> int:
    """``column += delta`` on the row of ``keys``, creating it first; the new value.

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent
    transactions queue on the row lock instead of losing an update. It runs on
    the connection - a counter never waits for the ORM to flush what else is
    pending - as a statement built once per table and dialect, with the values
    as parameters.
    """
    dialect = db.session.get_bind().dialect.name
    key = (model, tuple(keys), column, dialect)
    if key not in _statements:
        target = getattr(model, column)
        _statements[key] = (
            upsert_insert(db.session, model)
            .values({**{name: sa.bindparam(name) for name in keys}, column: sa.bindparam("delta")})
            .on_conflict_do_update(
                index_elements=list(keys), set_={column: target + sa.bindparam("delta")}
            )
            .returning(target)
        )
    statement = _statements[key]
    return db.session.connection().execute(statement, {**keys, "delta": delta}).scalar_one()


_statements: dict[tuple, sa.Insert] = {}


def next_reference_number(year: int) -> int:
    """The next request number of ``year``: 1, 2, 3 … with no gaps or repeats.

    The counter row stays locked until the submitting transaction ends, so a
    rolled-back submission gives its number back.
    """
    return _add(ReferenceCounter, {"year": year}, "last", 1)


def move_in_queue(before: tuple[int, Status] | None, after: tuple[int, Status] | None) -> None:
    """Keep :class:`QueueCount` in step when a request's (centre, status) changes."""
    if before == after:
        return
    changes: Counter = Counter()
    if before is not None:
        changes[before] -= 1
    if after is not None:
        changes[after] += 1
    pending = _summing.get()
    if pending is None:
        _apply(changes)
    else:
        pending.update(changes)


# The changes of many requests changed in one transaction (a batch of moves).
_summing: ContextVar[Counter | None] = ContextVar("queue_summing", default=None)


@contextmanager
def summed() -> Iterator[None]:
    """Within it, queue changes are summed and applied at its end (unless it fails): each
    row once, and only from then on locked (submissions to the same centres add to them)."""
    pending: Counter = Counter()
    token = _summing.set(pending)
    try:
        yield
    finally:
        _summing.reset(token)
    _apply(pending)


def _apply(changes: Counter) -> None:
    """The rows in one order, whichever way requests moved, so that two transactions
    moving requests opposite ways (one assigning, a batch unassigning; two batches
    between two centres) lock them in the same order instead of each waiting for the
    other's."""
    for (centre_id, status), delta in sorted(changes.items()):
        if delta:
            _add(QueueCount, {"centre_id": centre_id, "status": status}, "count", delta)


# Built once: the desk reads them on every page.
_NETWORK_COUNTS = sa.select(QueueCount.status, sa.func.sum(QueueCount.count)).group_by(
    QueueCount.status
)
_CENTRES_COUNTS = _NETWORK_COUNTS.where(
    QueueCount.centre_id.in_(sa.bindparam("centre_ids", expanding=True))
)


def queue_counts(centre_ids: list[int] | None = None) -> dict[Status, int]:
    """Requests per status, for some centres or the whole network."""
    if centre_ids is None:
        rows = db.session.execute(_NETWORK_COUNTS)
    else:
        rows = db.session.execute(_CENTRES_COUNTS, {"centre_ids": centre_ids})
    counts = {status: 0 for status in Status}
    counts.update({status: int(total) for status, total in rows})
    return counts
