"""A request's timeline as plain records, read with one query whatever its length, and
requests' moves between statuses as their clocks replay them."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tisc.domain.catalogue import Role
from tisc.domain.permissions import can_see_internal
from tisc.domain.workflow import (
    Action,
    FiledApplication,
    MovedDueDate,
    Status,
    filed_application,
    moved_due_date,
)
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
    filed: FiledApplication | None = None  # a filing's right, office and number
    moved: MovedDueDate | None = None  # a due date's move: before and after


def _statements():
    """The two queries (all events, or the inventor's), built once: a timeline page is
    shown far more often than changed. One row per event and file (events without files
    once); centres' names come from the network's cache (:func:`network.cards_by_id`)."""
    actor, assignee = aliased(User), aliased(User)
    events = (
        sa.select(
            RequestEvent.id, RequestEvent.action, RequestEvent.created_at,
            RequestEvent.from_status, RequestEvent.to_status,
            actor.name.label("actor_name"), assignee.name.label("assignee_name"),
            RequestEvent.text, RequestEvent.internal,
            RequestEvent.from_centre_id, RequestEvent.to_centre_id,
            actor.role.label("actor_role"),
            RequestFile.id.label("file_id"), RequestFile.filename, RequestFile.size,
        )
        .outerjoin(actor, actor.id == RequestEvent.actor_id)
        .outerjoin(assignee, assignee.id == RequestEvent.assignee_id)
        .outerjoin(RequestFile, RequestFile.event_id == RequestEvent.id)
        .where(RequestEvent.request_id == sa.bindparam("request_id"))
        .order_by(RequestEvent.id, RequestFile.id)
    )  # fmt: skip
    return events, events.where(RequestEvent.internal.is_(False))


ALL_EVENTS, PUBLIC_EVENTS = _statements()


def timeline(user: User, service_request: ServiceRequest) -> list[Entry]:
    """The request's events that ``user`` may read, oldest first, with their files.

    Internal notes only for those who may see them; the caller has already
    checked that ``user`` may see the request at all.
    """
    query = ALL_EVENTS if can_see_internal(user.actor, service_request) else PUBLIC_EVENTS
    centres = network.cards_by_id()
    entries: dict[int, Entry] = {}
    for row in db.session.execute(query, {"request_id": service_request.id}):
        entry = entries.get(row.id)
        if entry is None:
            entry = entries[row.id] = Entry(
                id=row.id,
                action=row.action,
                created_at=row.created_at,
                from_status=row.from_status,
                to_status=row.to_status,
                actor_name=row.actor_name,
                assignee_name=row.assignee_name,
                from_centre=_names(centres, row.from_centre_id),
                to_centre=_names(centres, row.to_centre_id),
                text=row.text,
                internal=row.internal,
                from_centre_id=row.from_centre_id,
                to_centre_id=row.to_centre_id,
                actor_role=row.actor_role,
                filed=filed_application(row.text) if row.action is Action.RECORD_FILING else None,
                moved=moved_due_date(row.text) if row.action is Action.MOVE_DUE_DATE else None,
            )
        if row.file_id is not None:
            entry.files.append(FileInfo(row.file_id, row.filename, row.size))
    return list(entries.values())


def status_moves(request_ids: list[int]) -> dict[int, list[tuple[datetime, Status]]]:
    """Each request's moves on its timeline (when, to which status), in order, the notes
    left out: what ``workflow.replay_clock`` replays. A request without any has none."""
    moves = defaultdict(list)
    for request_id, at, status in db.session.execute(
        sa.select(RequestEvent.request_id, RequestEvent.created_at, RequestEvent.to_status)
        .where(RequestEvent.request_id.in_(request_ids), RequestEvent.internal.is_(False))
        .order_by(RequestEvent.request_id, RequestEvent.id)
    ):
        moves[request_id].append((at, status))
    return moves


def last_of(entries: list[Entry], action: Action) -> Entry | None:
    """The latest entry of ``action`` (the decline with its reason, the completion with
    its report file), or None."""
    return next((entry for entry in reversed(entries) if entry.action is action), None)


def questions_waiting(entries: list[Entry], since: datetime | None) -> list[Entry]:
    """The inventor's questions about the result not answered yet (asked ``since``)."""
    if since is None:
        return []
    return [e for e in entries if e.action is Action.FOLLOW_UP and e.created_at >= since]


def _names(centres: dict[int, network.CentreCard], centre_id: int | None) -> dict[str, str] | None:
    return centres[centre_id].names if centre_id is not None else None
