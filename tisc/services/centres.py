"""Centres: the directory, routing candidates, and the coordinator's management."""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tisc.domain.catalogue import N_, CentreKind, CentreStatus, Language, Service
from tisc.domain.errors import Invalid, NotFound, Refused
from tisc.domain.routing import Candidate
from tisc.extensions import db
from tisc.models import Centre, CentreService, City, User
from tisc.models.base import utcnow
from tisc.services import audit, rules
from tisc.services.unit_of_work import use_case

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class CentreDetails:
    """What the coordinator's centre form gives."""

    slug: str
    name_kk: str
    name_ru: str
    name_en: str
    city_id: int
    lat: float
    lon: float
    kind: str = CentreKind.TISC.value
    status: str = CentreStatus.ACTIVE.value
    host_institution: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    services: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    joined_on: date | None = None
    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""


def routing_candidates(service: Service) -> list[Candidate]:
    """Active TISCs offering ``service``, with their open queue lengths."""
    open_counts = rules.open_requests_per_centre().subquery()
    rows = db.session.execute(
        sa.select(Centre.id, City.region_code, Centre.lat, Centre.lon, open_counts.c.open)
        .join(City, Centre.city_id == City.id)
        .join(CentreService, CentreService.centre_id == Centre.id)
        .outerjoin(open_counts, open_counts.c.centre_id == Centre.id)
        .where(rules.is_active_tisc(), CentreService.service == service)
    )
    return [
        Candidate(centre_id, region, (lat, lon), frozenset({service}), int(open_ or 0))
        for centre_id, region, lat, lon, open_ in rows
    ]


def tiscs(*, include_suspended: bool = False) -> list[Centre]:
    """The network's TISCs (not the coordinating office), by English name."""
    statuses = list(CentreStatus) if include_suspended else [
        CentreStatus.ACTIVE, CentreStatus.PLANNED
    ]  # fmt: skip
    query = (
        sa.select(Centre)
        .where(Centre.kind == CentreKind.TISC, Centre.status.in_(statuses))
        .order_by(Centre.name_en, Centre.id)
    )
    return list(db.session.scalars(query))


def all_centres() -> list[Centre]:
    query = sa.select(Centre).options(selectinload(Centre.service_rows))
    return list(db.session.scalars(query.order_by(Centre.kind, Centre.name_en)))


def find_centre(slug: str) -> Centre | None:
    return db.session.scalar(sa.select(Centre).where(Centre.slug == slug))


def get_centre(slug: str, *, public: bool = True) -> Centre:
    """The centre ``slug``; suspended centres are not public."""
    centre = find_centre(slug)
    if centre is None or (public and centre.status is CentreStatus.SUSPENDED):
        raise NotFound(N_("There is no such centre."))
    return centre


@use_case
def create_centre(details: CentreDetails, by: User | None = None) -> Centre:
    _check(details)
    if db.session.scalar(sa.select(Centre.id).where(Centre.slug == details.slug)):
        raise Invalid("slug", N_("Another centre already uses this short name."))
    centre = Centre(
        slug=details.slug,
        kind=CentreKind(details.kind),
        lat=details.lat,
        lon=details.lon,
        city_id=details.city_id,
    )
    _copy(details, centre)
    db.session.add(centre)
    db.session.flush()
    audit.record("centre.created", _id(by), f"centre:{centre.slug}", after=_snapshot(centre))
    return centre


@use_case
def update_centre(slug: str, details: CentreDetails, by: User | None = None) -> Centre:
    centre = get_centre(slug, public=False)
    _check(details)
    if details.slug != centre.slug:
        raise Refused(N_("A centre's short name cannot change: links use it."))
    before = _snapshot(centre)
    _copy(details, centre)
    centre.updated_at = utcnow()
    changed_from, changed_to = audit.changes(before, _snapshot(centre))
    if changed_to:
        audit.record("centre.edited", _id(by), f"centre:{slug}", changed_from, changed_to)
    return centre


@use_case
def set_status(slug: str, status: CentreStatus, by: User | None = None) -> Centre:
    """Suspend, reactivate or plan a centre; centres are never deleted."""
    centre = get_centre(slug, public=False)
    before = centre.status
    centre.status = status
    centre.updated_at = utcnow()
    audit.record(
        "centre.status_changed", _id(by), f"centre:{slug}",
        {"status": before.value}, {"status": status.value},
    )  # fmt: skip
    return centre


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _snapshot(centre: Centre) -> dict:
    """What the coordinator edits of a centre, as plain values for the audit trail."""
    values = {name: getattr(centre, name) for name in _TEXT_FIELDS}
    return values | {
        "status": centre.status.value,
        "city_id": centre.city_id,
        "lat": centre.lat,
        "lon": centre.lon,
        "services": sorted(s.value for s in centre.services),
        "languages": list(centre.languages),
        "joined_on": centre.joined_on.isoformat() if centre.joined_on else None,
    }


def _check(details: CentreDetails) -> None:
    if not SLUG.match(details.slug or ""):
        raise Invalid("slug", N_("Use lower-case Latin letters, digits and hyphens."))
    if not any((details.name_kk.strip(), details.name_ru.strip(), details.name_en.strip())):
        raise Invalid("name_en", N_("Give the centre's name in at least one language."))
    if db.session.get(City, details.city_id) is None:
        raise Invalid("city_id", N_("Choose a city."))
    if not (-90 <= details.lat <= 90 and -180 <= details.lon <= 180):
        raise Invalid("lat", N_("Latitude and longitude are out of range."))
    for value, enum, name in (
        (details.kind, CentreKind, "kind"),
        (details.status, CentreStatus, "status"),
    ):
        if value not in {member.value for member in enum}:
            raise Invalid(name, N_("Choose one of the options."))
    if not set(details.services) <= {s.value for s in Service}:
        raise Invalid("services", N_("Choose services from the list."))
    if not set(details.languages) <= {lang.value for lang in Language}:
        raise Invalid("languages", N_("Choose languages from the list."))


_TEXT_FIELDS = (
    "name_kk", "name_ru", "name_en", "host_institution", "address", "phone", "email",
    "website", "opening_hours", "description_kk", "description_ru", "description_en",
)  # fmt: skip


def _copy(details: CentreDetails, centre: Centre) -> None:
    for name in _TEXT_FIELDS:
        setattr(centre, name, getattr(details, name).strip())
    centre.status = CentreStatus(details.status)
    centre.city_id = details.city_id
    centre.lat, centre.lon = details.lat, details.lon
    centre.services = [Service(s) for s in details.services]
    centre.languages = [lang.value for lang in Language if lang.value in details.languages]
    centre.joined_on = details.joined_on
