"""Counters updated atomically in the use case's transaction (SQLite and PostgreSQL)."""

from collections import Counter
from collections.abc import Callable, Iterator
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


class Summing:
    """Changes to counter rows, applied at once; within :meth:`summed`, summed and applied
    once at its end instead (unless it fails): for a batch of many requests, each row once,
    and locked only from then on (submissions to the same centres add to the same rows)."""

    def __init__(self, name: str, apply: Callable[[Counter], None]) -> None:
        self._pending: ContextVar[Counter | None] = ContextVar(name, default=None)
        self._apply = apply

    def add(self, changes: Counter) -> None:
        pending = self._pending.get()
        if pending is None:
            self._apply(changes)
        else:
            pending.update(changes)

    @contextmanager
    def summed(self) -> Iterator[None]:
        pending: Counter = Counter()
        token = self._pending.set(pending)
        try:
            yield
        finally:
            self._pending.reset(token)
        self._apply(pending)


def move_in_queue(before: tuple[int, Status] | None, after: tuple[int, Status] | None) -> None:
    """Keep :class:`QueueCount` in step when a request's (centre, status) changes."""
    if before == after:
        return
    changes: Counter = Counter()
    if before is not None:
        changes[before] -= 1
    if after is not None:
        changes[after] += 1
    _queue_changes.add(changes)


def _apply(changes: Counter) -> None:
    """The rows in one order, whichever way requests moved, so that two transactions
    moving requests opposite ways (one assigning, a batch unassigning; two batches
    between two centres) lock them in the same order instead of each waiting for the
    other's."""
    for (centre_id, status), delta in sorted(changes.items()):
        if delta:
            _add(QueueCount, {"centre_id": centre_id, "status": status}, "count", delta)


_queue_changes = Summing("queue_changes", _apply)
summed = _queue_changes.summed


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
