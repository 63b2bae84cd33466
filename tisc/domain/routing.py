"""Routing a new request to a centre, with the reason kept for everyone to read.

The rule (DESIGN.md): the inventor's chosen centre when it can take the
request; else an active centre offering the service in the inventor's region;
else the nearest such centre by great-circle distance from the region's
administrative centre. Ties go to the lighter open queue.

The inventor's preferred language weighs too: within the region, a centre
that does not list it is chosen only when no centre there does; among equally
near centres, one that speaks it wins. Whether the chosen centre speaks it is
kept with the decision, so the reason can say so.
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
    RoutingRule.IN_REGION: N_("A centre in your region offering “%(service)s”."),
    RoutingRule.NEAREST: N_("The nearest centre offering “%(service)s”, %(km)s km away."),
}

# Added to the reason when the inventor's language was weighed (``speaks_language``).
SPEAKS_REASON = N_("It works in your language (%(language)s).")
NOT_SPOKEN_REASONS: dict[RoutingRule, str] = {
    RoutingRule.PREFERRED: N_("Your language (%(language)s) is not among its languages."),
    RoutingRule.IN_REGION: N_("Your language (%(language)s) is not among its languages; "
                              "no centre in your region offering the service lists it."),
    RoutingRule.NEAREST: N_("Your language (%(language)s) is not among its languages; "
                            "no centre as near lists it."),
}  # fmt: skip


# The same said to someone else (the national office), of the inventor.
ROUTING_REASONS_ABOUT: dict[RoutingRule, str] = {
    RoutingRule.PREFERRED: N_("The centre the inventor chose."),
    RoutingRule.IN_REGION: N_("A centre in the inventor's region offering “%(service)s”."),
    RoutingRule.NEAREST: N_(
        "The nearest centre to the inventor offering “%(service)s”, %(km)s km away."
    ),
}
SPEAKS_REASON_ABOUT = N_("It works in the inventor's language (%(language)s).")
NOT_SPOKEN_REASONS_ABOUT: dict[RoutingRule, str] = {
    RoutingRule.PREFERRED: N_("The inventor's language (%(language)s) is not among its "
                              "languages."),
    RoutingRule.IN_REGION: N_("The inventor's language (%(language)s) is not among its "
                              "languages; no centre in the inventor's region offering the "
                              "service lists it."),
    RoutingRule.NEAREST: N_("The inventor's language (%(language)s) is not among its "
                            "languages; no centre as near lists it."),
}  # fmt: skip


def routing_reason_text(rule: RoutingRule, *, to_inventor: bool = True) -> str:
    """Why a request went where it did: said to its inventor, or of them to someone else."""
    return (ROUTING_REASONS if to_inventor else ROUTING_REASONS_ABOUT)[rule]


def language_reason(
    rule: RoutingRule, speaks_language: bool | None, *, to_inventor: bool = True
) -> str | None:
    """The sentence on the language added to the routing reason, when it was weighed."""
    if speaks_language is None:
        return None
    if to_inventor:
        return SPEAKS_REASON if speaks_language else NOT_SPOKEN_REASONS[rule]
    return SPEAKS_REASON_ABOUT if speaks_language else NOT_SPOKEN_REASONS_ABOUT[rule]


@dataclass(frozen=True)
class Candidate:
    """A centre as routing sees it."""

    centre_id: int
    region_code: str
    location: Point
    services: frozenset[str]
    open_requests: int
    active: bool = True
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    centre_id: int
    rule: RoutingRule
    distance_km: int | None = None
    speaks_language: bool | None = None  # None: no language was asked for


def route(
    candidates: list[Candidate],
    service: str,
    region_code: str,
    origin: Point,
    preferred_centre_id: int | None = None,
    language: str | None = None,
) -> Decision:
    """Choose the centre for a new request for ``service`` from ``region_code``,
    from an inventor who prefers ``language``."""
    able = [c for c in candidates if c.active and service in c.services]

    def speaks(centre: Candidate) -> bool | None:
        return None if language is None else language in centre.languages

    def lighter(centres: list[Candidate]) -> Candidate:
        """Speakers of the language first, then the lighter queue."""
        return min(centres, key=lambda c: (speaks(c) is False, c.open_requests, c.centre_id))

    if preferred_centre_id is not None:
        chosen = next((c for c in able if c.centre_id == preferred_centre_id), None)
        if chosen is None:
            raise Invalid(
                "preferred_centre",
                N_("The centre you chose does not offer this service at the moment."),
            )
        return Decision(chosen.centre_id, RoutingRule.PREFERRED, speaks_language=speaks(chosen))
    if not able:
        raise Invalid("service", N_("No centre offers this service at the moment."))

    in_region = [c for c in able if c.region_code == region_code]
    if in_region:
        chosen = lighter(in_region)
        return Decision(chosen.centre_id, RoutingRule.IN_REGION, speaks_language=speaks(chosen))

    by_distance = sorted(
        ((great_circle_km(origin, c.location), c) for c in able), key=lambda pair: pair[0]
    )
    nearest_km = by_distance[0][0]
    chosen = lighter([c for km, c in by_distance if km - nearest_km < TIE_KM])
    distance = next(km for km, c in by_distance if c is chosen)
    return Decision(
        chosen.centre_id, RoutingRule.NEAREST, round(distance), speaks_language=speaks(chosen)
    )
