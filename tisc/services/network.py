"""The network as the directory and the maps see it: plain cards, cached until a centre changes.

Building 2,000 ORM objects for every directory page or map would dominate
their cost, so the centres are read once into frozen cards and kept per
process (:mod:`tisc.caching`) under the network's *version* (the number of
centres and the latest change to any of them). The version is read once per
transaction - for a page, once per request - and forgotten when the session
commits or rolls back. Another app server builds its own copy; nothing here
is state another server needs.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from tisc.caching import Cache
from tisc.domain.catalogue import CentreKind, CentreStatus, is_active_tisc, is_listed_tisc
from tisc.domain.geo import Point
from tisc.extensions import db
from tisc.models import Centre, City, Region


@dataclass(frozen=True)
class CentreCard:
    id: int
    slug: str
    kind: CentreKind
    status: CentreStatus
    names: dict[str, str]
    city_names: dict[str, str]
    region_code: str
    location: Point
    services: tuple[str, ...]
    languages: tuple[str, ...]
    host_institution: str
    search_text: str  # everything a visitor may type to find it, casefolded

    @property
    def is_active_tisc(self) -> bool:
        return is_active_tisc(self.kind, self.status)

    @property
    def is_listed(self) -> bool:
        return is_listed_tisc(self.kind, self.status)


@dataclass(frozen=True)
class RegionCard:
    code: str
    names: dict[str, str]
    admin_centre: Point
    admin_centre_names: dict[str, str]
    population: int


_cards: Cache[list[CentreCard]] = Cache(size=2)
_regions: Cache[list[RegionCard]] = Cache(size=2)
_VERSION = "tisc.network_version"


def version() -> str:
    """Changes whenever a centre is added or edited (including its status and services)."""
    info = db.session().info
    if _VERSION not in info:
        count, latest = db.session.execute(
            sa.select(sa.func.count(Centre.id), sa.func.max(Centre.updated_at))
        ).one()
        stamp = latest.isoformat() if isinstance(latest, datetime) else str(latest)
        info[_VERSION] = f"{count}-{stamp}"
    return info[_VERSION]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_version(session: Session) -> None:
    session.info.pop(_VERSION, None)


def cards() -> list[CentreCard]:
    """Every centre of the network, any status, as cards (cached per version)."""
    return _cards.get(version(), _build_cards)


def _build_cards() -> list[CentreCard]:
    centres = db.session.scalars(sa.select(Centre).options(selectinload(Centre.service_rows)))
    return [
        CentreCard(
            id=centre.id,
            slug=centre.slug,
            kind=centre.kind,
            status=centre.status,
            names=centre.names(),
            city_names=centre.city.names(),
            region_code=centre.city.region_code,
            location=Point(centre.lat, centre.lon),
            services=tuple(service.value for service in centre.services),
            languages=tuple(centre.languages),
            host_institution=centre.host_institution,
            search_text=" ".join(
                [
                    *centre.names().values(),
                    *centre.city.names().values(),
                    centre.host_institution,
                    centre.slug,
                ]
            ).casefold(),
        )
        for centre in centres
    ]


def cards_by_id() -> dict[int, CentreCard]:
    return {card.id: card for card in cards()}


def regions_by_code() -> dict[str, RegionCard]:
    return {region.code: region for region in regions()}


def regions() -> list[RegionCard]:
    """Regions without their boundaries (cached until load-data changes them)."""
    key = str(db.session.execute(sa.select(sa.func.count(), sa.func.sum(Region.population))).one())
    return _regions.get(
        key,
        lambda: [
            RegionCard(r.code, r.names(), Point(r.lat, r.lon), r.admin_centre_names(), r.population)
            for r in db.session.scalars(sa.select(Region).order_by(Region.code))
        ],
    )


def region_boundaries() -> dict[str, str]:
    """Each region's boundary as GeoJSON text."""
    return dict(db.session.execute(sa.select(Region.code, Region.boundary)).all())


def cities() -> list[City]:
    return list(db.session.scalars(sa.select(City)))
