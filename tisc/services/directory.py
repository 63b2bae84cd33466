"""Finding a centre: text in any language, region, service, language, distance."""

from dataclasses import dataclass

from tisc.domain.catalogue import Service
from tisc.domain.geo import Point, distances_km
from tisc.domain.search import fold
from tisc.services import network
from tisc.services.network import CentreCard


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    region_code: str = ""
    service: str = ""
    language: str = ""
    origin: Point | None = None  # distances are measured from here when given


@dataclass(frozen=True)
class Listing:
    centre: CentreCard
    distance_km: float | None


def search(query: DirectoryQuery, locale: str) -> list[Listing]:
    """Active and planned TISCs matching every filter; nearest first when there is an origin
    (by name in ``locale`` at the same distance), else by name."""
    words = fold(query.text.casefold()).split()
    found = [
        card
        for card in network.cards_by_name(locale)
        if card.is_listed
        and (not query.region_code or card.region_code == query.region_code)
        and (not query.service or query.service in card.services)
        and (not query.language or query.language in card.languages)
        and all(word in card.search_text for word in words)
    ]
    if query.origin is None or not found:
        return [Listing(card, None) for card in found]
    distances = distances_km(query.origin, [card.location for card in found])
    listings = [Listing(card, km) for card, km in zip(found, distances, strict=True)]
    return sorted(listings, key=lambda listing: listing.distance_km)


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
