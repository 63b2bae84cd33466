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

from tisc.database import among
from tisc.domain.audit import ROUTINE_SIGN_INS
from tisc.domain.search import holds_each, pieces_of
from tisc.extensions import db
from tisc.models import User
from tisc.models.audit import AuditEntry
from tisc.models.base import utcnow
from tisc.services import network
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
    """What the office narrows the trail to, as it typed it: ``who`` is part of the
    actor's name or e-mail address, ``target`` an entry's kept key (``centre:kbtu``) or
    part of the name of the centre or the person it is about."""

    action: str = ""
    who: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    target: str = ""
    without_sign_ins: bool = False  # failed sign-ins stay (ROUTINE_SIGN_INS)

    def described(self) -> dict:
        """The filters that are set, as plain values (for the export's own entry)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value not in (None, "") and value is not False
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
    if filters.who.strip():
        query = query.where(
            among(db.session, AuditEntry.actor_id, people_matching(filters.who), sa.Integer)
        )
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    if filters.target.strip():
        query = query.where(
            among(db.session, AuditEntry.target, targets_matching(filters.target), sa.String)
        )
    if filters.without_sign_ins:
        query = query.where(AuditEntry.action.not_in(ROUTINE_SIGN_INS))
    return query


def people_matching(text: str) -> list[int]:
    """The accounts ``text`` names: the one whose whole e-mail address it is (``li@kbtu.kz``
    is Li, not also Ali at ``ali@kbtu.kz``), else those whose name or address holds each
    space-separated piece of it, whatever its case, in any script
    (:func:`tisc.domain.search.holds_each`).

    Compared here, not by the database: SQLite's LIKE and ``lower()`` fold ASCII letters
    only, so "бекова" would miss "Бекова", and neither database folds Kazakh letters as
    the directory does (``Караганды`` for ``Қарағанды``). Nothing typed (``%``, ``_``,
    quotes) reaches SQL as a pattern. Every account's id, name and address is read and
    compared: a few milliseconds for thousands of accounts, about a quarter of a second
    for 70,000 - once a page of the trail, twice when both boxes are filled in."""
    address = text.strip().lower()  # as addresses are kept
    if (owner_id := db.session.scalar(sa.select(User.id).where(User.email == address))) is not None:
        return [owner_id]
    pieces = pieces_of(text)
    if not pieces:
        return []
    rows = db.session.execute(sa.select(User.id, User.name, User.email))
    return [user_id for user_id, name, email in rows if holds_each(pieces, (name, email))]


def targets_matching(text: str) -> list[str]:
    """The keys of what ``text`` names as an entry's target: itself, as kept
    (``centre:kbtu``, ``user:42``, ``office.csv``), and each centre whose slug or name in
    any language, and each account whose name or address, holds its pieces (as
    :func:`people_matching` compares them)."""
    text = text.strip()
    keys = [text]
    if ":" in text:  # a key typed in capitals ("Centre:KBTU"): kept keys are in lower case
        keys.append(text.lower())
    if pieces := pieces_of(text):
        keys += [
            f"centre:{card.slug}"
            for card in network.cards()  # every status, kept per network version
            if holds_each(pieces, (card.slug, *card.names.values()))
        ]
        keys += [f"user:{user_id}" for user_id in people_matching(text)]
    return list(dict.fromkeys(keys))


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
    name tens of thousands (:func:`tisc.database.among`)."""
    ids = sorted({int(found[1]) for line in lines if (found := _ACCOUNT.fullmatch(line.target))})
    rows = db.session.execute(
        sa.select(User.id, User.name).where(among(db.session, User.id, ids, sa.Integer))
    )
    return {f"user:{user_id}": name for user_id, name in rows}


def _lines(rows: Iterable) -> list[Line]:
    return [Line(*row) for row in rows]
