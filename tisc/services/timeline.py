"""A request's timeline as plain records, read with two queries whatever its length."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tisc.domain.catalogue import Role
from tisc.domain.permissions import can_see_internal
from tisc.domain.workflow import Action, Status
from tisc.extensions import db
from tisc.models import RequestEvent, RequestFile, ServiceRequest, User
from tisc.services import network


@dataclass(frozen=True)
class FileInfo:
    id: int
    filename: str
    size: int


@dataclass
class Entry:
    id: int
    action: Action
    created_at: datetime
    from_status: Status | None
    to_status: Status
    actor_name: str | None
    assignee_name: str | None
    from_centre: dict[str, str] | None
    to_centre: dict[str, str] | None
    text: str
    internal: bool
    from_centre_id: int | None = None
    to_centre_id: int | None = None
    actor_role: Role | None = None  # None: the daily jobs
    files: list[FileInfo] = field(default_factory=list)


def _statements():
    """The two queries, built once: a timeline page is shown far more often than changed.
    Centres' names come from the network's cache (:func:`network.cards_by_id`)."""
    actor, assignee = aliased(User), aliased(User)
    events = (
        sa.select(
            RequestEvent.id, RequestEvent.action, RequestEvent.created_at,
            RequestEvent.from_status, RequestEvent.to_status, actor.name, assignee.name,
            RequestEvent.text, RequestEvent.internal,
            RequestEvent.from_centre_id, RequestEvent.to_centre_id, actor.role,
        )
        .outerjoin(actor, actor.id == RequestEvent.actor_id)
        .outerjoin(assignee, assignee.id == RequestEvent.assignee_id)
        .where(RequestEvent.request_id == sa.bindparam("request_id"))
        .order_by(RequestEvent.id)
    )  # fmt: skip
    public = events.where(RequestEvent.internal.is_(False))
    files = (
        sa.select(RequestFile.event_id, RequestFile.id, RequestFile.filename, RequestFile.size)
        .where(RequestFile.request_id == sa.bindparam("request_id"))
        .order_by(RequestFile.id)
    )
    return events, public, files


ALL_EVENTS, PUBLIC_EVENTS, FILES = _statements()


def timeline(user: User, service_request: ServiceRequest) -> list[Entry]:
    """The request's events that ``user`` may read, oldest first.

    Internal notes only for those who may see them; the caller has already
    checked that ``user`` may see the request at all.
    """
    query = ALL_EVENTS if can_see_internal(user.actor, service_request) else PUBLIC_EVENTS
    key = {"request_id": service_request.id}
    centres = network.cards_by_id()
    entries = {
        row[0]: Entry(
            *row[:7],
            from_centre=_names(centres, row[9]),
            to_centre=_names(centres, row[10]),
            text=row[7],
            internal=row[8],
            from_centre_id=row[9],
            to_centre_id=row[10],
            actor_role=row[11],
        )
        for row in db.session.execute(query, key)
    }
    for event_id, *info in db.session.execute(FILES, key):
        if event_id in entries:
            entries[event_id].files.append(FileInfo(*info))
    return list(entries.values())


def last_of(entries: list[Entry], action: Action) -> Entry | None:
    """The latest entry of ``action`` (the decline with its reason, the completion with
    its report file), or None."""
    return next((entry for entry in reversed(entries) if entry.action is action), None)


def _names(centres: dict[int, network.CentreCard], centre_id: int | None) -> dict[str, str] | None:
    return centres[centre_id].names if centre_id is not None else None
