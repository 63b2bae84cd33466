"""The same invention sent twice: finding an inventor's similar open requests, flagging
them for the staff, and showing each person only what they may know of the other.

The similarity itself is :mod:`tisc.domain.similarity`. A flag joins a new
request to an open one it resembles; staff of either centre link them (one is
closed as a duplicate, through the workflow) or dismiss the flag. Staff who
may see both requests are shown the other's reference; staff who see only
theirs learn that a possible duplicate exists at another centre; the national
office learns only that a link exists.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tisc.domain.catalogue import N_, Service
from tisc.domain.errors import Conflict, Invalid
from tisc.domain.ipc import parse_ipc_list
from tisc.domain.permissions import Actor, can_see_both, can_see_duplicate_flags
from tisc.domain.similarity import WINDOW_DAYS, Resemblance, resemblance, words
from tisc.extensions import db
from tisc.models import DuplicateFlag, ServiceRequest
from tisc.models.requests import FlagState
from tisc.services import rules

# At most this many of the inventor's latest open requests are compared (and flagged):
# enough for any real inventor, and a bound on the cost of one submission.
COMPARED = 20

FLAG_DECIDED = N_(
    "This possible duplicate has already been decided. "
    "Nothing was applied; check the request's latest state."
)


@dataclass(frozen=True)
class Similar:
    """An open request of the inventor's that the new one resembles."""

    id: int
    reference: str
    title: str
    centre_id: int
    created_at: datetime
    resemblance: Resemblance


@dataclass(frozen=True)
class FlagView:
    """A flag as one person may see it from one of its two requests."""

    id: int
    other_reference: str | None  # None when the person may not see the other request
    other_centre_id: int
    same_centre: bool
    evidence: dict


def similar_open(
    inventor_id: int,
    service: str,
    title: str,
    keywords: str,
    ipc_classes: str,
    now: datetime,
    same_form: str | None = None,
) -> list[Similar]:
    """The inventor's open requests for ``service`` from the last :data:`WINDOW_DAYS` days
    (the latest :data:`COMPARED`) that closely resemble the given title, keywords and IPC
    classes; newest first. A request made by the form ``same_form`` (its one-time token:
    the form sent again) is the same request, not a similar one."""
    try:
        ipc = parse_ipc_list(ipc_classes)
    except Invalid:  # the submission itself says so; compare the words alone
        ipc = []
    values = {
        "inventor_id": inventor_id, "service": Service(service),
        "since": now - timedelta(days=WINDOW_DAYS), "same_form": same_form or "",
    }  # fmt: skip
    new_words = words(title, keywords)
    found = []
    for (
        row_id,
        reference,
        other_title,
        other_keywords,
        other_ipc,
        centre_id,
        created,
    ) in db.session.execute(_OPEN_OF_INVENTOR, values):
        likeness = resemblance(
            new_words,
            ipc,
            words(other_title, other_keywords),
            [s for s in other_ipc.split("; ") if s],
        )
        if likeness.similar:
            found.append(Similar(row_id, reference, other_title, centre_id, created, likeness))
    return found


def _open_of_inventor() -> sa.Select:
    """The inventor's latest open requests for a service: built once, for every
    submission compares with them."""
    column = ServiceRequest.__table__.c
    return (
        sa.select(
            ServiceRequest.id, ServiceRequest.reference, ServiceRequest.title,
            ServiceRequest.keywords, ServiceRequest.ipc_classes, ServiceRequest.centre_id,
            ServiceRequest.created_at,
        )
        .where(
            ServiceRequest.inventor_id == sa.bindparam("inventor_id"),
            ServiceRequest.service == sa.bindparam("service", type_=column.service.type),
            ServiceRequest.created_at >= sa.bindparam("since", type_=column.created_at.type),
            rules.is_open(),
            sa.or_(
                ServiceRequest.submission_token.is_(None),
                ServiceRequest.submission_token != sa.bindparam("same_form"),
            ),
        )
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(COMPARED)
    )  # fmt: skip


_OPEN_OF_INVENTOR = _open_of_inventor()


class SimilarOpen(Exception):
    """The inventor has open requests like the one sent, and has not said it is another."""

    def __init__(self, similar: list[Similar]):
        super().__init__(f"{len(similar)} similar open request(s)")
        self.similar = similar


def flag(request_id: int, similar: list[Similar], now: datetime) -> None:
    """Inside the submission: flag every open request the new one resembles, in one
    statement."""
    if similar:
        db.session.execute(
            sa.insert(DuplicateFlag.__table__),
            [
                {
                    "request_id": request_id,
                    "other_id": found.id,
                    "evidence": {
                        "words": list(found.resemblance.shared_words),
                        "ipc": list(found.resemblance.shared_ipc),
                    },
                    "state": FlagState.OPEN,
                    "created_at": now,
                }
                for found in similar
            ],
        )


def _open_flags_statement():
    """Open flags involving a request (``request_id``) with the other request's few
    columns, when that one is still open. Core columns, built once: loading two whole
    mapped requests cost the request page more than running the query."""
    flags, requests_ = DuplicateFlag.__table__, ServiceRequest.__table__
    request_id = sa.bindparam("request_id")
    other_id = sa.case((flags.c.request_id == request_id, flags.c.other_id),
                       else_=flags.c.request_id)  # fmt: skip
    other = (requests_.c.reference, requests_.c.centre_id, requests_.c.inventor_id)
    return (
        sa.select(flags.c.id, flags.c.request_id, flags.c.evidence, *other)
        .join(requests_, requests_.c.id == other_id)
        .where(
            flags.c.state == FlagState.OPEN,
            sa.or_(flags.c.request_id == request_id, flags.c.other_id == request_id),
            requests_.c.closed_at.is_(None),
        )
        .order_by(flags.c.id)
    )


OPEN_FLAGS = _open_flags_statement()


def flags_for(actor: Actor, service_request: ServiceRequest) -> list[FlagView]:
    """The open flags of an open request, as ``actor`` may see them (none unless they
    handle it)."""
    if service_request.closed_at is not None or not can_see_duplicate_flags(actor, service_request):
        return []
    rows = db.session.connection().execute(OPEN_FLAGS, {"request_id": service_request.id})
    views = []
    for row in rows:
        sees_both = can_see_both(actor, service_request, row)
        views.append(
            FlagView(
                id=row.id,
                other_reference=row.reference if sees_both else None,
                other_centre_id=row.centre_id,
                same_centre=row.centre_id == service_request.centre_id,
                evidence=_evidence(row, sees_both, service_request.id),
            )
        )
    return views


def _evidence(row, sees_both: bool, viewed_id: int) -> dict:
    """What matched, as far as the person may know. The shared words are written as in the
    newer request, which flagged the older; from the older one, by someone who may not see
    the newer, they would be the other request's words, so they are left out. The shared
    IPC symbols and main groups are in both requests."""
    evidence = row.evidence or {}
    if sees_both or row.request_id == viewed_id:
        return evidence
    return {"ipc": evidence.get("ipc", [])}


def other_of_flag(service_request: ServiceRequest, flag_id: int | None) -> ServiceRequest | None:
    """The other request of an open flag of ``service_request`` (None: no such flag).

    Raises Conflict when the flag is one of the request's but was decided meanwhile (a
    colleague linked or dismissed it from another page)."""
    if flag_id is None:
        return None
    flag = db.session.get(DuplicateFlag, flag_id)
    if flag is None or service_request.id not in (flag.request_id, flag.other_id):
        return None
    if flag.state is not FlagState.OPEN:
        raise Conflict(FLAG_DECIDED)
    other_id = flag.other_id if flag.request_id == service_request.id else flag.request_id
    return db.session.get(ServiceRequest, other_id)


def decide(flag_id: int, state: FlagState, by_id: int | None, now: datetime) -> None:
    """Inside the use case that linked or dismissed: the flag is decided."""
    flag = db.session.get(DuplicateFlag, flag_id)
    flag.state, flag.decided_by_id, flag.decided_at = state, by_id, now


def flagged_mark() -> sa.ColumnElement[bool]:
    """For a query of requests: whether each, open, has an open flag whose other request is
    open too (the desk's badge, as the request page shows flags: :func:`flags_for`); a
    column of that query, each side of a flag looked up in its own index, the other
    request by its key.

    Each side is a flag's key read as a value, not tested with EXISTS: planning from
    statistics taken before a flood of flags, PostgreSQL may turn an EXISTS into a hash
    of every open flag, built for every page (see :func:`reads.changed_mark`)."""

    def an_open_flag(side: sa.ColumnElement[int], other_side) -> sa.ColumnElement[bool]:
        other = aliased(ServiceRequest)
        flag = (
            sa.select(DuplicateFlag.id)
            .join(other, other.id == other_side)
            .where(
                side == ServiceRequest.id,
                DuplicateFlag.state == FlagState.OPEN,
                other.closed_at.is_(None),
            )
        )
        return flag.limit(1).scalar_subquery().is_not(None)

    return sa.and_(
        rules.is_open(),  # a closed request's page shows no flags either
        sa.or_(
            an_open_flag(DuplicateFlag.request_id, DuplicateFlag.other_id),
            an_open_flag(DuplicateFlag.other_id, DuplicateFlag.request_id),
        ),
    )


def has_link(request_id: int) -> bool:
    """For the national office: whether the request is linked to another at all."""
    query = sa.select(DuplicateFlag.id).where(
        sa.or_(DuplicateFlag.request_id == request_id, DuplicateFlag.other_id == request_id),
        DuplicateFlag.state != FlagState.DISMISSED,
    )
    return db.session.scalar(query.limit(1)) is not None
