"""Counters updated atomically in the use case's transaction (SQLite and PostgreSQL)."""

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
    """Keep :class:`QueueCount` in step when a request's (centre, status) changes.

    The two rows are changed in one order whichever way the request goes, so that two
    transactions moving requests opposite ways (one assigning, a batch unassigning)
    lock them in the same order instead of each waiting for the other's."""
    if before == after:
        return
    changes = [(key, -1) for key in [before] if key is not None]
    changes += [(key, 1) for key in [after] if key is not None]
    for (centre_id, status), delta in sorted(changes, key=lambda change: change[0]):
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
