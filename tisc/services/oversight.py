"""What the national office sees of a request: metadata, never content.

The coordinator's pages get these plain records instead of the request rows,
so no template can show a description, message, note or file by mistake.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from tisc.domain.permissions import can_see_duplicate_link
from tisc.domain.workflow import SPECS, Action, Status, standing_result
from tisc.extensions import db
from tisc.models import Centre, RequestEvent, ServiceRequest, User
from tisc.services import duplicates, network
from tisc.services.access import get_request_metadata_for
from tisc.services.network import CentreCard, RegionCard


@dataclass(frozen=True)
class Step:
    action: Action
    at: datetime
    from_status: Status | None
    to_status: Status
    from_centre: Centre | None
    to_centre: Centre | None


@dataclass(frozen=True)
class RequestMetadata:
    reference: str
    service: str
    status: Status
    centre: CentreCard
    region_code: str
    region: RegionCard
    preferred_language: str
    routing_rule: str
    routing_distance_km: int | None
    routing_speaks_language: bool | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    closed_at: datetime | None
    outcome: str | None
    hours_spent: Decimal | None
    documents_cited: int | None
    rating: int | None
    assigned: bool
    steps: list[Step]
    # Linked to another request as a possible or actual duplicate (never which one).
    duplicate_link: bool = False


# The steps of a request's life: every action that may move it. One whose event carries
# content (a question, a reply, an answer that reopens it) is a step all the same - a Step
# holds its label, statuses and date, never the event's text or files; without it the
# history would contradict the status. Messages, notes and talk about a result stay out.
_STEPS = [
    action
    for action, spec in SPECS.items()
    if not spec.content or any(before != after for before, after in spec.moves.items())
]


def metadata_of(
    service_request: ServiceRequest,
    centres: dict[int, CentreCard],
    regions: dict[str, RegionCard],
    steps: list[Step] | None = None,
    duplicate_link: bool = False,
) -> RequestMetadata:
    """Names come from the cached cards, so the page costs no joins."""
    return RequestMetadata(
        reference=service_request.reference,
        service=service_request.service,
        status=service_request.status,
        centre=centres[service_request.centre_id],
        region_code=service_request.region_code,
        region=regions[service_request.region_code],
        preferred_language=service_request.preferred_language,
        routing_rule=service_request.routing_rule,
        routing_distance_km=service_request.routing_distance_km,
        routing_speaks_language=service_request.routing_speaks_language,
        created_at=service_request.created_at,
        updated_at=service_request.updated_at,
        due_at=service_request.due_at,
        closed_at=service_request.closed_at,
        **standing_result(service_request, "outcome", "hours_spent", "documents_cited", "rating"),
        assigned=service_request.assignee_id is not None,
        steps=steps or [],
        duplicate_link=duplicate_link,
    )


def steps_of(service_request: ServiceRequest) -> list[Step]:
    """The request's life without its content: status and centre changes, oldest first."""
    events = db.session.scalars(
        sa.select(RequestEvent)
        .where(RequestEvent.request_id == service_request.id, RequestEvent.action.in_(_STEPS))
        .order_by(RequestEvent.id)
    )
    return [
        Step(e.action, e.created_at, e.from_status, e.to_status, e.from_centre, e.to_centre)
        for e in events
    ]


def request_metadata(user: User, reference: str) -> RequestMetadata:
    service_request = get_request_metadata_for(user, reference)
    steps = steps_of(service_request)
    linked = can_see_duplicate_link(user.actor) and (
        service_request.status is Status.DUPLICATE or duplicates.has_link(service_request.id)
    )
    return metadata_of(
        service_request, network.cards_by_id(), network.regions_by_code(), steps, linked
    )
