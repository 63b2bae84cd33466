"""The network as the directory and the maps see it: plain cards, cached until a centre changes.

Building 2,000 ORM objects for every directory page or map would dominate
their cost, so the centres are read once into frozen cards and kept per
process (:mod:`tisc.caching`) under the network's *version*, a counter bumped
in the transaction of every change to the network (:class:`NetworkVersion`).
The version is read once per request (pages kept whole for visitors reuse it for up
to a second: :func:`recent_version`). Another app server builds its own copy;
nothing here is state another server needs.
"""

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from tisc.caching import Cache
from tisc.database import upsert_insert
from tisc.domain.catalogue import (
    CentreKind,
    CentreStatus,
    admits_staff,
    is_active_tisc,
    is_always_active,
    is_listed_tisc,
)
from tisc.domain.collation import sorted_by_name
from tisc.domain.geo import Point
from tisc.domain.localized import pick
from tisc.domain.search import fold
from tisc.extensions import db
from tisc.models import Centre, CentreService, City, NetworkVersion, Region
from tisc.models.base import utcnow


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
    host_institutions: dict[str, str]
    search_text: str  # everything a visitor may type to find it, casefolded and folded

    @property
    def is_active_tisc(self) -> bool:
        return is_active_tisc(self.kind, self.status)

    @property
    def is_listed(self) -> bool:
        return is_listed_tisc(self.kind, self.status)

    @property
    def admits_staff(self) -> bool:
        return admits_staff(self.kind, self.status)

    @property
    def is_always_active(self) -> bool:
        return is_always_active(self.kind)


@dataclass(frozen=True)
class RegionCard:
    code: str
    names: dict[str, str]
    admin_centre: Point
    admin_centre_names: dict[str, str]
    population: int


_cards: Cache[tuple[list[CentreCard], dict[int, CentreCard]]] = Cache(size=2)
_cards_by_name: Cache[list[CentreCard]] = Cache(size=8)
_regions: Cache[list[RegionCard]] = Cache(size=2)
_VERSION = "tisc.network_version"
# Changing any of these changes what the directory, the maps and routing see.
NETWORK_MODELS = (Centre, CentreService, City, Region)


_VERSION_ROW = sa.select(NetworkVersion.version, NetworkVersion.changed_at).where(
    NetworkVersion.id == 1
)


def version() -> str:
    """The network's version: changes with every change to a centre, its services, a city or
    a region. Read once per session - for a page, once per request (Flask-SQLAlchemy's
    session lives for one application context) - and forgotten when this session itself
    changes the network."""
    info = db.session().info
    if _VERSION not in info:
        row = db.session.execute(_VERSION_ROW).first()
        info[_VERSION] = f"{row.version}-{row.changed_at.timestamp()}" if row else "0"
    return info[_VERSION]


# The version as this process last read it for visitors' pages, and when (monotonic).
RECENT_SECONDS = 1.0
_recent: tuple[float, str] = (float("-inf"), "")
_CHANGED = "tisc.network_changed"  # in a session's info: it changed the network


def recent_version() -> str:
    """The network's version as this process read it at most :data:`RECENT_SECONDS` ago.

    For the pages kept whole for visitors (``web/shared_pages.py``): they would otherwise
    spend a third of their time, and on PostgreSQL most of it, asking the database; and for
    the desk's heading, the centre's name. Such a page may trail a change made through
    another app server by that second; a change made through this process is seen at once.
    """
    global _recent
    read_at, value = _recent
    now = time.monotonic()
    if now - read_at >= RECENT_SECONDS:
        value = version()
        _recent = (now, value)
    return value


def _forget_recent() -> None:
    global _recent
    _recent = (float("-inf"), "")


@event.listens_for(Session, "after_flush")
def _bump_version(session: Session, _context) -> None:
    """In the transaction that changes the network, count the change."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(thing, NETWORK_MODELS) for thing in changed):
        return
    _forget_recent()
    session.info[_CHANGED] = True
    now = utcnow()
    session.connection().execute(
        upsert_insert(session, NetworkVersion)
        .values(id=1, version=1, changed_at=now)
        .on_conflict_do_update(
            index_elements=["id"],
            set_={"version": NetworkVersion.version + 1, "changed_at": now},
        )
    )
    session.info.pop(_VERSION, None)


@event.listens_for(Session, "after_commit")
def _forget_after_change(session: Session) -> None:
    """Forgotten again once the change is committed: a page of this process asking in
    between (another thread) read the version before it."""
    if session.info.pop(_CHANGED, False):
        _forget_recent()


def cards() -> list[CentreCard]:
    """Every centre of the network, any status, as cards (cached per version)."""
    return _cards.get(version(), _build_cards)[0]


def cards_by_id(recent: bool = False) -> dict[int, CentreCard]:
    """:func:`cards` by id; ``recent``: as of :func:`recent_version`, for a page that only
    names a centre and need not ask the database for the version each time (the desk)."""
    return _cards.get(recent_version() if recent else version(), _build_cards)[1]


def cards_by_name(locale: str) -> list[CentreCard]:
    """:func:`cards` ordered by name in the alphabet of ``locale``, kept per version and
    language: sorting 2,000 names was most of a directory page."""
    return _cards_by_name.get(
        locale,
        lambda: sorted_by_name(cards(), lambda card: pick(card.names, locale), locale),
        stamp=version(),
    )


def _build_cards() -> tuple[list[CentreCard], dict[int, CentreCard]]:
    built = _read_cards()
    return built, {card.id: card for card in built}


def _read_cards() -> list[CentreCard]:
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
            host_institutions=centre.host_institutions(),
            search_text=fold(
                " ".join(
                    [
                        *centre.names().values(),
                        *centre.city.names().values(),
                        *centre.host_institutions().values(),
                        centre.slug,
                    ]
                ).casefold()
            ),
        )
        for centre in centres
    ]


def regions_by_code() -> dict[str, RegionCard]:
    return {region.code: region for region in regions()}


def regions() -> list[RegionCard]:
    """Regions without their boundaries (cached per version)."""
    return _regions.get(
        version(),
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
