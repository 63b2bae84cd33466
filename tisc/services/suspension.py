"""Suspending a centre without stranding its requests.

Before a centre stops, each of its open requests is given a destination - the
centre routing would choose now without it, or a centre the national office
picks (when that one offers the request's service) - and a request with
nowhere to go stops the suspension. The centre is then suspended at once
(nothing new is routed to it) and its requests are transferred through the
workflow, one transfer event each: the first :data:`MOVED_IN_REQUEST` in the
office's own request, the rest by the worker, :data:`BATCH` per transaction
(:func:`move_more`), as recorded in a :class:`~tisc.models.CentreSuspension`.
A move takes some 4 ms, so a centre holding tens of thousands of requests
would otherwise outlast a web worker's timeout and nothing would move.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tisc.domain.catalogue import (
    N_,
    NP_,
    CentreStatus,
    Role,
    Service,
    is_active_tisc,
    is_always_active,
)
from tisc.domain.errors import Invalid, Refused
from tisc.domain.policy import Policy
from tisc.domain.routing import route
from tisc.domain.text import trimmed
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import Centre, CentreSuspension, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import audit, batches, network, rules
from tisc.services import centres as centre_service
from tisc.services import requests as request_service
from tisc.services.unit_of_work import use_case

MOVED_IN_REQUEST = 100  # moved before the office's request answers; the worker moves the rest
# Moved per transaction by the worker: some 0.25 s on the PostgreSQL million, so that
# submissions to the centres they go to wait no longer than that for the queue counters.
BATCH = 25

NO_REASON = N_("Tell the inventors why their requests move.")


@dataclass(frozen=True)
class Move:
    """Where one open request would go (metadata only: the office plans it)."""

    request_id: int
    reference: str
    service: Service
    target_id: int | None  # None: no other active centre offers its service
    chosen: bool  # to the centre the office picked (else routing's next choice)


@dataclass(frozen=True)
class Progress:
    """How far a suspension's moves are: ``left`` open requests are still at the centre."""

    moved: int
    left: int
    finished: bool  # nothing more will move (those left had nowhere to go)


@dataclass(frozen=True)
class Outlook:
    """Where a centre's open requests would go, counted: ``stranded`` have nowhere to go."""

    total: int
    stranded: int


class _Router:
    """Where a request of ``centre`` goes: the chosen centre where it offers the service,
    else routing's choice without ``centre``. Routing depends on the service, the region
    and the language alone (the queues' loads are read once): decided once for each, not
    for each of thousands of requests."""

    def __init__(self, centre: Centre, chosen_id: int | None) -> None:
        self.centre = centre
        self.chosen = _valid_choice(centre, chosen_id)
        self.regions = network.regions_by_code()
        self.candidates: dict[Service, list] = {}
        self.targets: dict[tuple, int | None] = {}

    def target(self, service: Service, region_code: str, language: str) -> tuple[int | None, bool]:
        """(the centre it goes to - ``None``: nowhere -, whether it is the chosen one)."""
        if self.chosen is not None and service in self.chosen.services:
            return self.chosen.id, True
        key = (service, region_code, language)
        if key not in self.targets:
            self.targets[key] = self._route(service, region_code, language)
        return self.targets[key], False

    def _route(self, service: Service, region_code: str, language: str) -> int | None:
        if service not in self.candidates:
            self.candidates[service] = [
                c for c in centre_service.routing_candidates(service)
                if c.centre_id != self.centre.id
            ]  # fmt: skip
        region = self.regions[region_code]
        try:
            decision = route(
                self.candidates[service], service, region_code, region.admin_centre, None, language
            )
        except Invalid:
            return None
        return decision.centre_id


def plan(centre: Centre, chosen_id: int | None = None, limit: int | None = None) -> list[Move]:
    """A destination for each open request of ``centre`` (the oldest ``limit``), oldest first."""
    return _plan(_Router(centre, chosen_id), limit)


def preview(centre: Centre, chosen_id: int | None, shown: int) -> tuple[list[Move], Outlook]:
    """The plan of the oldest ``shown`` open requests, and how many open requests
    ``centre`` holds and how many would have nowhere to go: counted per service, region
    and language, not read one by one."""
    router = _Router(centre, chosen_id)
    return _plan(router, shown), _outlook(router)


def _plan(router: _Router, limit: int | None, lock: bool = False) -> list[Move]:
    """With ``lock``, the rows are locked until the transaction ends (those another
    transaction holds are skipped), so none changes between its plan and its move."""
    centre = router.centre
    query = (
        sa.select(
            ServiceRequest.id, ServiceRequest.reference, ServiceRequest.service,
            ServiceRequest.region_code, ServiceRequest.preferred_language,
        )
        .where(ServiceRequest.centre_id == centre.id, rules.is_open())
        .order_by(ServiceRequest.created_at, ServiceRequest.id)
        .limit(limit)
    )  # fmt: skip
    if lock:
        query = query.with_for_update(skip_locked=True, of=ServiceRequest)
    rows = db.session.execute(query)
    return [
        Move(request_id, reference, service, *router.target(service, region_code, language))
        for request_id, reference, service, region_code, language in rows
    ]


def _outlook(router: _Router) -> Outlook:
    centre = router.centre
    groups = db.session.execute(
        sa.select(
            ServiceRequest.service, ServiceRequest.region_code,
            ServiceRequest.preferred_language, sa.func.count(),
        )
        .where(ServiceRequest.centre_id == centre.id, rules.is_open())
        .group_by(
            ServiceRequest.service, ServiceRequest.region_code, ServiceRequest.preferred_language
        )
    )  # fmt: skip
    total = stranded = 0
    for service, region_code, language, count in groups:
        total += count
        if router.target(service, region_code, language)[0] is None:
            stranded += count
    return Outlook(total, stranded)


@use_case
def suspend(
    coordinator: User,
    slug: str,
    reason: str,
    policy: Policy,
    chosen_id: int | None = None,
    now: datetime | None = None,
) -> Progress:
    """Suspend the centre and move its first open requests as planned; how many are left
    for the worker."""
    now = now or utcnow()
    if coordinator.role is not Role.COORDINATOR:
        raise Refused(N_("Only the national office suspends centres."))
    centre = centre_service.get_centre(slug, public=False)
    if is_always_active(centre.kind):
        raise Refused(centre_service.ALWAYS_ACTIVE)
    # Locked first (and read again), so no request is routed here while its requests move.
    db.session.refresh(centre, with_for_update=True)
    if centre.status is CentreStatus.SUSPENDED:
        raise Refused(N_("This centre is already suspended."))
    router = _Router(centre, chosen_id)
    expected = _outlook(router)
    reason = trimmed(reason)
    if not reason and expected.total:
        raise Invalid("text", NO_REASON)
    if expected.stranded:
        raise Invalid(
            "centre",
            NP_(
                "%(num)d open request has nowhere to go: no other active centre offers its "
                "service.",
                "%(num)d open requests have nowhere to go: no other active centre offers their "
                "service.",
            ),
            num=expected.stranded,
        )
    # A suspension ended by reactivating the centre moves nothing more.
    db.session.execute(
        sa.update(CentreSuspension)
        .where(CentreSuspension.centre_id == centre.id, CentreSuspension.finished_at.is_(None))
        .values(finished_at=now)
    )
    record = CentreSuspension(
        centre_id=centre.id, by_id=coordinator.id,
        chosen_id=router.chosen.id if router.chosen else None,
        reason=reason, started_at=now,
    )  # fmt: skip
    db.session.add(record)
    first = _plan(router, MOVED_IN_REQUEST, lock=True)
    _transfer(first, coordinator, reason, policy, now)
    record.moved = len(first)
    if len(first) == expected.total:
        record.finished_at = now
    before = {"status": centre.status.value}
    centre.status = CentreStatus.SUSPENDED
    centre.updated_at = now
    audit.record(
        "centre.suspended", coordinator.id, f"centre:{centre.slug}", before,
        {"status": centre.status.value, "requests_moved": expected.total},
    )  # fmt: skip
    return Progress(len(first), expected.total - len(first), record.finished_at is not None)


def move_more(policy: Policy, limit: int | None = None, now: datetime | None = None) -> int | None:
    """Move up to ``limit`` (:data:`BATCH`) more open requests of the oldest suspension still
    moving them; how many moved. ``None``: nothing to do now (no suspension is moving
    requests, or another worker or the office holds it: the next round looks again)."""
    return batches.if_unfinished(CentreSuspension, _move_more, policy, limit, now)


@use_case
def _move_more(policy: Policy, limit: int | None, now: datetime | None) -> int | None:
    limit, now = limit or BATCH, now or utcnow()
    record = batches.claim_oldest(CentreSuspension)
    if record is None:
        return None
    # Not waited for: the office suspending or reactivating it locks the centre, then
    # its suspensions (the other order here would deadlock).
    centre = db.session.get(Centre, record.centre_id, with_for_update={"skip_locked": True})
    if centre is None:
        return None
    if centre.status is CentreStatus.ACTIVE:  # reactivated meanwhile
        record.finished_at = now
        return 0
    # Requests found with nowhere to go stay at the centre and are read again: read
    # that many more, so that a batch still finds ``limit`` to move.
    read = limit + record.stranded
    batch, stranded = [], 0
    for move in _plan(_Router(centre, record.chosen_id), read, lock=True):
        if len(batch) == limit:
            break
        if move.target_id is None:
            stranded += 1
        else:
            batch.append(move)
    _transfer(batch, batches.still_acting(record.by_id), record.reason, policy, now)
    record.moved += len(batch)
    found_stranded, record.stranded = stranded > record.stranded, stranded
    # Finished when every request still here has nowhere to go (counted, not inferred
    # from the rows read: rows another transaction held were skipped).
    if centre_service.open_requests(centre.id) <= stranded:
        record.finished_at = now
    elif not batch and not found_stranded:  # the rest is held elsewhere for now
        return None
    return len(batch)


def move_all(policy: Policy, seconds: float | None = None) -> int:
    """Move what suspensions still have to move, a batch per transaction, for at most about
    ``seconds`` (None: until none is left or the rest is held elsewhere); how many moved."""
    return batches.run_all(move_more, policy, seconds)


def progress(centre: Centre) -> Progress | None:
    """How far the latest suspension of ``centre`` has moved its requests (``None``: it
    was never suspended)."""
    record = db.session.scalar(
        sa.select(CentreSuspension)
        .where(CentreSuspension.centre_id == centre.id)
        .order_by(CentreSuspension.id.desc())
        .limit(1)
    )
    if record is None:
        return None
    left = centre_service.open_requests(centre.id)
    return Progress(record.moved, left, record.finished_at is not None)


def _valid_choice(centre: Centre, chosen_id: int | None) -> Centre | None:
    """The centre the office chose, if it is another active TISC."""
    chosen = db.session.get(Centre, chosen_id) if chosen_id is not None else None
    if chosen is None or chosen.id == centre.id or not is_active_tisc(chosen.kind, chosen.status):
        return None
    return chosen


def _transfer(
    moves: list[Move], coordinator: User | None, reason: str, policy: Policy, now: datetime
) -> None:
    if not moves:
        return
    # The batch's requests in one statement, not one each (the plan has locked them).
    ids = [move.request_id for move in moves]
    found = {r.id: r for r in db.session.scalars(
        sa.select(ServiceRequest).where(ServiceRequest.id.in_(ids))
    )}  # fmt: skip
    batches.act_on_each(
        (
            (found[move.request_id],
             request_service.ActionInput(text=reason, centre_id=move.target_id))
            for move in moves
        ),
        coordinator, Action.TRANSFER, policy, now,
    )  # fmt: skip
