"""Finding a centre: text in any language (its services' names too), region, service,
language, distance; and where a place with no matching centre can still ask."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from tisc.domain.catalogue import Service
from tisc.domain.geo import Point, distances_km
from tisc.domain.search import the_one_named, words_of
from tisc.services import network
from tisc.services.network import CentreCard


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    region_code: str = ""
    service: str = ""
    language: str = ""
    origin: Point | None = None  # distances are measured from here when given
    # Each service's names in every language, folded as search folds them (the text finds
    # the centres offering a service it names). The catalogues are the web's to read.
    service_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Listing:
    centre: CentreCard
    distance_km: float | None


def search(query: DirectoryQuery, locale: str) -> list[Listing]:
    """Active and planned TISCs matching every filter; nearest first when there is an origin
    (by name in ``locale`` at the same distance), else by name."""
    words = words_of(query.text)
    found = [
        card
        for card in network.cards_by_name(locale)
        if card.is_listed
        and (not query.region_code or card.region_code == query.region_code)
        and (not query.service or query.service in card.services)
        and (not query.language or query.language in card.languages)
        and all(_finds(word, card, query.service_names) for word in words)
    ]
    if query.origin is None or not found:
        return [Listing(card, None) for card in found]
    distances = distances_km(query.origin, [card.location for card in found])
    listings = [Listing(card, km) for card, km in zip(found, distances, strict=True)]
    return sorted(listings, key=lambda listing: listing.distance_km)


def _finds(word: str, card: CentreCard, service_names: Mapping[str, str]) -> bool:
    return word in card.search_text or any(
        word in service_names.get(service, "") for service in card.services
    )


@dataclass(frozen=True)
class Elsewhere:
    """A search in a place where no centre matches: the place (a region, or a town the
    text names), its region (a request from there names it), and the nearest active
    centres offering the service (any service when none is chosen), nearest first."""

    place_names: dict[str, str]
    region_code: str
    listings: list[Listing]


ELSEWHERE = 3  # the nearest centres named when a place has none


def elsewhere(query: DirectoryQuery, limit: int = ELSEWHERE) -> Elsewhere | None:
    """Where someone from the place ``query`` names may still ask, when its region has no
    active centre offering the service: the region it filters by, else the region of the
    one town, else the one region, its text names. Distances are measured from the
    region's administrative centre, as routing measures them, so the first centre named is
    the one a request from there goes to. None when it names no place, when its region has
    such a centre (another filter emptied the list), or when no centre offers the
    service."""
    place = _place(query)
    offering = active_offering(query.service or None)
    if place is None or not offering:
        return None
    names, region_code, location = place
    if any(card.region_code == region_code for card in offering):
        return None
    distances = distances_km(location, [card.location for card in offering])
    ranked = sorted(zip(distances, range(len(offering)), offering, strict=True))
    listings = [Listing(card, km) for km, _, card in ranked[:limit]]
    return Elsewhere(names, region_code, listings)


def _place(query: DirectoryQuery) -> tuple[dict[str, str], str, Point] | None:
    regions = network.regions_by_code()
    if query.region_code in regions:
        region = regions[query.region_code]
        return region.names, region.code, region.admin_centre
    if not words_of(query.text):
        return None
    town = the_one_named(query.text, ((c, c.names().values()) for c in network.cities()))
    if town is not None and town.region_code in regions:
        region = regions[town.region_code]
        return region.names, region.code, region.admin_centre
    named = the_one_named(query.text, (
        (r, [*r.names.values(), *r.admin_centre_names.values()]) for r in regions.values()
    ))  # fmt: skip
    return (named.names, named.code, named.admin_centre) if named else None


def active_offering(service: str | None = None) -> list[CentreCard]:
    """Active TISCs (offering ``service`` when given), from the cached cards."""
    return [
        card
        for card in network.cards()
        if card.is_active_tisc and (service is None or service in card.services)
    ]


def transfer_targets(service: str, from_centre_id: int, limit: int = 100) -> list[CentreCard]:
    """Where a request may be transferred: the nearest active centres offering its service."""
    cards = active_offering(service)
    here = next((card for card in network.cards() if card.id == from_centre_id), None)
    others = [card for card in cards if card.id != from_centre_id]
    if here is None or not others:
        return others[:limit]
    distances = distances_km(here.location, [card.location for card in others])
    ranked = sorted(zip(distances, range(len(others)), others, strict=True))
    return [card for _, _, card in ranked[:limit]]


def offered_services() -> list[Service]:
    """Services at least one active TISC offers, in catalogue order."""
    offered = {service for card in active_offering() for service in card.services}
    return [service for service in Service if service.value in offered]
