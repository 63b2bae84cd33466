"""Routing a new request to a centre, with the reason kept for everyone to read.

The rule (DESIGN.md): the inventor's chosen centre when it can take the
request; else an active centre offering the service in the inventor's region;
else the nearest such centre by great-circle distance from the region's
administrative centre. Ties go to the lighter open queue.
"""

from dataclasses import dataclass
from enum import StrEnum

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid
from tisc.domain.geo import Point, great_circle_km

# Two centres closer than this to each other, as seen from the inventor,
# count as equally near; the lighter queue then wins.
TIE_KM = 1.0


class RoutingRule(StrEnum):
    PREFERRED = "preferred"
    IN_REGION = "in_region"
    NEAREST = "nearest"


ROUTING_REASONS: dict[RoutingRule, str] = {
    RoutingRule.PREFERRED: N_("The centre you chose."),
    RoutingRule.IN_REGION: N_("A centre in your region offering %(service)s."),
    RoutingRule.NEAREST: N_("The nearest centre offering %(service)s, %(km)s km away."),
}


@dataclass(frozen=True)
class Candidate:
    """A centre as routing sees it."""

    centre_id: int
    region_code: str
    location: Point
    services: frozenset[str]
    open_requests: int
    active: bool = True


@dataclass(frozen=True)
class Decision:
    centre_id: int
    rule: RoutingRule
    distance_km: int | None = None


def route(
    candidates: list[Candidate],
    service: str,
    region_code: str,
    origin: Point,
    preferred_centre_id: int | None = None,
) -> Decision:
    """Choose the centre for a new request for ``service`` from ``region_code``."""
    able = [c for c in candidates if c.active and service in c.services]
    if preferred_centre_id is not None:
        chosen = next((c for c in able if c.centre_id == preferred_centre_id), None)
        if chosen is None:
            raise Invalid(
                "preferred_centre",
                N_("The centre you chose does not offer this service at the moment."),
            )
        return Decision(chosen.centre_id, RoutingRule.PREFERRED)
    if not able:
        raise Invalid("service", N_("No centre offers this service at the moment."))

    in_region = [c for c in able if c.region_code == region_code]
    if in_region:
        chosen = min(in_region, key=lambda c: (c.open_requests, c.centre_id))
        return Decision(chosen.centre_id, RoutingRule.IN_REGION)

    by_distance = sorted(
        ((great_circle_km(origin, c.location), c) for c in able), key=lambda pair: pair[0]
    )
    nearest_km = by_distance[0][0]
    ties = [c for km, c in by_distance if km - nearest_km < TIE_KM]
    chosen = min(ties, key=lambda c: (c.open_requests, c.centre_id))
    distance = next(km for km, c in by_distance if c is chosen)
    return Decision(chosen.centre_id, RoutingRule.NEAREST, round(distance))
