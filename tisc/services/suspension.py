"""Suspending a centre without stranding its requests.

Before a centre stops, each of its open requests is given a destination - the
centre routing would choose now without it, or a centre the national office
picks (when that one offers the request's service) - and is transferred there
through the workflow, one transfer event each, in the same transaction as the
suspension. A request with nowhere to go stops the suspension.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tisc.domain.catalogue import N_, NP_, CentreStatus, Role, Service, is_active_tisc
from tisc.domain.errors import Invalid, Refused
from tisc.domain.policy import Policy
from tisc.domain.routing import route
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import Centre, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import audit, network, rules
from tisc.services import centres as centre_service
from tisc.services import requests as request_service
from tisc.services.unit_of_work import use_case


@dataclass(frozen=True)
class Move:
    """Where one open request would go (metadata only: the office plans it)."""

    request_id: int
    reference: str
    service: Service
    target_id: int | None  # None: no other active centre offers its service
    chosen: bool  # to the centre the office picked (else routing's next choice)


def plan(centre: Centre, chosen_id: int | None = None) -> list[Move]:
    """A destination for each open request of ``centre``, oldest first."""
    chosen = db.session.get(Centre, chosen_id) if chosen_id is not None else None
    if chosen is not None and (
        chosen.id == centre.id or not is_active_tisc(chosen.kind, chosen.status)
    ):
        chosen = None
    regions = network.regions_by_code()
    candidates: dict[Service, list] = {}
    # Routing depends on the service, the region and the language alone (the queues'
    # loads are read once): decided once for each, not for each of thousands of requests.
    targets: dict[tuple, int | None] = {}
    moves = []
    rows = db.session.execute(
        sa.select(
            ServiceRequest.id, ServiceRequest.reference, ServiceRequest.service,
            ServiceRequest.region_code, ServiceRequest.preferred_language,
        )
        .where(ServiceRequest.centre_id == centre.id, rules.is_open())
        .order_by(ServiceRequest.created_at, ServiceRequest.id)
    )  # fmt: skip
    for request_id, reference, service, region_code, language in rows:
        if chosen is not None and service in chosen.services:
            moves.append(Move(request_id, reference, service, chosen.id, True))
            continue
        key = (service, region_code, language)
        if key not in targets:
            if service not in candidates:
                candidates[service] = [
                    c for c in centre_service.routing_candidates(service)
                    if c.centre_id != centre.id
                ]  # fmt: skip
            region = regions[region_code]
            try:
                decision = route(
                    candidates[service], service, region_code, region.admin_centre, None, language
                )
            except Invalid:
                targets[key] = None
            else:
                targets[key] = decision.centre_id
        moves.append(Move(request_id, reference, service, targets[key], False))
    return moves


@use_case
def suspend(
    coordinator: User,
    slug: str,
    reason: str,
    policy: Policy,
    chosen_id: int | None = None,
    now: datetime | None = None,
) -> list[Move]:
    """Move every open request of the centre as planned, then suspend it; the moves."""
    now = now or utcnow()
    if coordinator.role is not Role.COORDINATOR:
        raise Refused(N_("Only the national office suspends centres."))
    centre = centre_service.get_centre(slug, public=False)
    # Locked first (and read again), so no request is routed here while its requests move.
    db.session.refresh(centre, with_for_update=True)
    if centre.status is CentreStatus.SUSPENDED:
        raise Refused(N_("This centre is already suspended."))
    moves = plan(centre, chosen_id)
    if not reason.strip() and moves:
        raise Invalid("text", N_("Tell the inventors why their requests move."))
    stranded = [move for move in moves if move.target_id is None]
    if stranded:
        raise Invalid(
            "centre",
            NP_(
                "%(num)d open request has nowhere to go: no other active centre offers its "
                "service.",
                "%(num)d open requests have nowhere to go: no other active centre offers their "
                "service.",
            ),
            num=len(stranded),
        )
    for move in moves:
        service_request = db.session.get(ServiceRequest, move.request_id)
        request_service.act_on(
            service_request, coordinator.actor, coordinator, Action.TRANSFER,
            request_service.ActionInput(text=reason, centre_id=move.target_id), policy, now,
        )  # fmt: skip
    before = {"status": centre.status.value}
    centre.status = CentreStatus.SUSPENDED
    centre.updated_at = now
    audit.record(
        "centre.suspended", coordinator.id, f"centre:{centre.slug}", before,
        {"status": centre.status.value, "requests_moved": len(moves)},
    )  # fmt: skip
    return moves
