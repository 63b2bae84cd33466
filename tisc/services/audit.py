"""Recording coordinator and account actions in the append-only audit trail.

A use case calls :func:`record` inside its transaction, so an entry exists
exactly when the action happened. Where the action came from (the client's
address) is set once per web request by the web layer in :data:`origin`, so
services need not pass it around and never import Flask.
"""

import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import User
from tisc.models.audit import AuditEntry
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case

origin: ContextVar[str] = ContextVar("tisc_audit_origin", default="")


def record(
    action: str,
    actor_id: int | None,
    target: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry: who did ``action`` to ``target``, what changed (before → after)."""
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        target=target,
        before=before,
        after=after,
        origin=origin.get(),
    )
    db.session.add(entry)
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


@use_case
def record_download(action: str, actor_id: int, filters: dict, rows: int) -> None:
    """A download of figures or lists (an export, a report, this trail): who took what."""
    record(action, actor_id, after={"filters": filters, "rows": rows})


@dataclass(frozen=True)
class Filters:
    action: str = ""
    actor_id: int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    target: str = ""

    def described(self) -> dict:
        """The filters that are set, as plain values (for the export's own entry)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


@dataclass(frozen=True)
class Line:
    """One entry as the page and the export show it."""

    id: int
    at: datetime
    actor_name: str | None
    actor_email: str | None
    action: str
    target: str
    before: dict | None
    after: dict | None
    origin: str


def _selected(filters: Filters) -> sa.Select:
    query = sa.select(
        AuditEntry.id, AuditEntry.at, User.name, User.email, AuditEntry.action,
        AuditEntry.target, AuditEntry.before, AuditEntry.after, AuditEntry.origin,
    ).outerjoin(User, User.id == AuditEntry.actor_id)  # fmt: skip
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    if filters.target:
        query = query.where(AuditEntry.target == filters.target)
    return query


def page(
    filters: Filters, before_id: int | None = None, size: int = 50
) -> tuple[list[Line], int | None]:
    """Newest first, ``size`` at a time; the id to continue from (None at the end)."""
    query = _selected(filters)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = _lines(db.session.execute(query.order_by(AuditEntry.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)


def everything(filters: Filters, limit: int = 100_000) -> list[Line]:
    """Oldest first, for an export."""
    query = _selected(filters).order_by(AuditEntry.id).limit(limit)
    return _lines(db.session.execute(query))


_ACCOUNT = re.compile(r"user:([0-9]+)")


def people_named(lines: list[Line]) -> dict[str, str]:
    """The names of the accounts ``lines`` are about (their ``user:<id>`` targets), read
    at once: the trail keeps the id, which outlives a change of name. An export's lines may
    name tens of thousands: read a few hundred ids a query, within any database's limit
    of bound values."""
    ids = sorted({int(found[1]) for line in lines if (found := _ACCOUNT.fullmatch(line.target))})
    named: dict[str, str] = {}
    for start in range(0, len(ids), _IDS_A_QUERY):
        chosen = ids[start : start + _IDS_A_QUERY]
        rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(chosen)))
        named |= {f"user:{user_id}": name for user_id, name in rows}
    return named


_IDS_A_QUERY = 500


def _lines(rows: Iterable) -> list[Line]:
    return [Line(*row) for row in rows]
