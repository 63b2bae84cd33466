"""Centres: the directory, routing candidates, the coordinator's management, and the
public profile each centre's staff keep themselves. Every change is in the audit trail."""

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa

from tisc.caching import Cache
from tisc.domain.audit import ACTIONS
from tisc.domain.catalogue import (
    N_,
    NP_,
    CentreKind,
    CentreStatus,
    Language,
    Service,
    is_active_tisc,
    is_always_active,
)
from tisc.domain.errors import Invalid, NotFound, Refused
from tisc.domain.figures import check_counted_day
from tisc.domain.membership import CentreRecord, StatusChange
from tisc.domain.permissions import can_edit_centre_profile
from tisc.domain.routing import Candidate
from tisc.domain.text import NOT_A_WEB_PAGE, is_blank, is_web_address, trimmed
from tisc.extensions import db
from tisc.models import AuditEntry, Centre, CentreService, City, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import audit, network, rules
from tisc.services.unit_of_work import use_case

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Digits with the usual separators, perhaps an extension, one number or several:
# "+7 (7212) 35-63-98, доб. 12; +7 701 123 45 67".
_ONE_PHONE = r"\+?(?=(?:[^\d;]*\d){5})[0-9 ()./-]+(?:,?\s*(?:ext\.?|доб\.?|ішкі)\s*\d{1,6})?"
PHONE = re.compile(rf"^{_ONE_PHONE}(?:\s*[,;]\s*{_ONE_PHONE})*$", re.IGNORECASE)

# What a centre's own staff keep: its public profile. Names, status, location and
# membership stay with the national office.
PROFILE_TEXTS = (
    "description_kk", "description_ru", "description_en",
    "host_institution_kk", "host_institution_ru", "host_institution_en",
    "address_kk", "address_ru", "address_en",
    "opening_hours_kk", "opening_hours_ru", "opening_hours_en",
    "phone", "email", "website",
)  # fmt: skip
# The longest text each column holds.
LIMITS = {
    "host_institution": 200, "address": 300, "opening_hours": 200, "description": 5000,
    "phone": 40, "email": 254, "website": 300, "name": 200,
}  # fmt: skip


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
    host_institution_kk: str = ""
    host_institution_ru: str = ""
    host_institution_en: str = ""
    address_kk: str = ""
    address_ru: str = ""
    address_en: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours_kk: str = ""
    opening_hours_ru: str = ""
    opening_hours_en: str = ""
    services: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    joined_on: date | None = None
    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""


@dataclass
class CentreProfile:
    """What a centre's staff keep on its public page (their form gives it)."""

    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""
    host_institution_kk: str = ""
    host_institution_ru: str = ""
    host_institution_en: str = ""
    address_kk: str = ""
    address_ru: str = ""
    address_en: str = ""
    opening_hours_kk: str = ""
    opening_hours_ru: str = ""
    opening_hours_en: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    services: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, centre: Centre) -> "CentreProfile":
        return cls(
            **{name: getattr(centre, name) for name in PROFILE_TEXTS},
            services=[s.value for s in centre.services],
            languages=list(centre.languages),
        )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None
    action: str
    before: dict
    after: dict


def routing_candidates(service: Service) -> list[Candidate]:
    """Active TISCs offering ``service`` (from the cached network), with their open queues
    and the languages they speak."""
    open_counts = dict(db.session.execute(rules.OPEN_REQUESTS_PER_CENTRE).all())
    return [
        replace(c, open_requests=int(open_counts[c.centre_id])) if open_counts.get(c.centre_id)
        else c
        for c in _offering.get(service, lambda: _offering_now(service), stamp=network.version())
    ]  # fmt: skip


# Per network version and service: a network of thousands of centres would otherwise
# sort them out again for every submission.
_offering: Cache[list[Candidate]] = Cache(size=32)


def _offering_now(service: Service) -> list[Candidate]:
    return [
        Candidate(
            card.id, card.region_code, card.location, frozenset(card.services), 0,
            languages=frozenset(card.languages),
        )
        for card in network.cards()
        if card.is_active_tisc and service.value in card.services
    ]  # fmt: skip


def unstaffed(centre_id: int | None) -> Centre | None:
    """The centre, if it is an active TISC that no active staff member works at: requests
    routed to it would wait for nobody, so the office is told when it leaves one so."""
    centre = db.session.get(Centre, centre_id) if centre_id is not None else None
    if centre is None or not is_active_tisc(centre.kind, centre.status):
        return None
    staffed = sa.select(sa.exists().where(rules.is_active_staff_of(centre.id)))
    return None if db.session.scalar(staffed) else centre


def find_centre(slug: str) -> Centre | None:
    return db.session.scalar(sa.select(Centre).where(Centre.slug == slug))


def get_centre(slug: str, *, public: bool = True) -> Centre:
    """The centre ``slug``; suspended centres are not public."""
    centre = find_centre(slug)
    if centre is None or (public and centre.status is CentreStatus.SUSPENDED):
        raise NotFound(N_("There is no such centre."))
    return centre


def takes_requests_for(centre_id: int, service: Service) -> bool:
    """Whether the centre is an active TISC offering ``service``, with its row locked against
    a change until the transaction ends, so that no request is sent to a centre that is being
    suspended at that moment (PostgreSQL; SQLite lets one writer in at a time anyway)."""
    row = db.session.execute(_TAKES_REQUESTS, {"centre_id": centre_id, "service": service}).first()
    return row is not None and is_active_tisc(row.kind, row.status) and row.offers


# Built once: every submission asks it.
_TAKES_REQUESTS = (
    sa.select(
        Centre.kind,
        Centre.status,
        sa.select(CentreService.centre_id)
        .where(
            CentreService.centre_id == Centre.id,
            CentreService.service == sa.bindparam("service", type_=CentreService.service.type),
        )
        .exists()
        .label("offers"),
    )
    .where(Centre.id == sa.bindparam("centre_id"))
    .with_for_update(read=True, of=Centre)
)


def open_requests(centre_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ServiceRequest.id)).where(
            ServiceRequest.centre_id == centre_id, rules.is_open()
        )
    )


NO_SERVICE = N_("Choose at least one service: a centre with none receives no requests.")
ALWAYS_ACTIVE = N_(
    "The national office is always active: it takes no requests, so it is never planned "
    "or suspended."
)


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
    audit.record("centre.created", _id(by), _target(centre), None, _snapshot(centre))
    return centre


@use_case
def update_centre(slug: str, details: CentreDetails, by: User | None = None) -> Centre:
    centre = get_centre(slug, public=False)
    _check(details)
    if details.slug != centre.slug:
        raise Refused(N_("A centre's short name cannot change: links use it."))
    _check_always_active(centre.kind, details.status)
    if details.status != centre.status.value:
        _check_leaving_open_requests(centre, CentreStatus(details.status), field="status")
    before = _snapshot(centre)
    _copy(details, centre)
    centre.updated_at = utcnow()
    _record_changes("centre.edited", by, centre, before)
    return centre


@use_case
def set_status(slug: str, status: CentreStatus, by: User | None = None) -> Centre:
    """Reactivate or plan a centre; centres are never deleted. One that still holds open
    requests is suspended with :func:`tisc.services.suspension.suspend`, which moves them."""
    centre, status = get_centre(slug, public=False), CentreStatus(status)
    if is_always_active(centre.kind) and status is not CentreStatus.ACTIVE:
        raise Refused(ALWAYS_ACTIVE)
    if _receives_nothing(centre.kind, status, centre.services):
        raise Refused(NO_SERVICE)
    _check_leaving_open_requests(centre, status)
    before = _snapshot(centre)
    centre.status = status
    centre.updated_at = utcnow()
    _record_changes("centre.status_changed", by, centre, before)
    return centre


@use_case
def update_profile(user: User, slug: str, profile: CentreProfile) -> Centre:
    """A centre's staff edit its public profile; recorded, before and after."""
    centre = get_centre(slug, public=False)
    if not can_edit_centre_profile(user.actor, centre.id):
        raise NotFound(N_("There is no such centre."))
    _check_profile(profile)
    # Staff keep their centre in routing; the national office may list a planned one bare.
    if not profile.services:
        raise Invalid("services", NO_SERVICE)
    if not profile.languages:
        raise Invalid("languages", N_("Choose at least one language your centre works in."))
    before = _snapshot(centre)
    for name in PROFILE_TEXTS:
        setattr(centre, name, trimmed(getattr(profile, name)))
    centre.services = [Service(s) for s in profile.services]
    centre.languages = [lang.value for lang in Language if lang.value in profile.languages]
    centre.updated_at = utcnow()
    _record_changes("centre.profile_updated", user, centre, before)
    return centre


def history(slug: str, limit: int = 50) -> list[HistoryEntry]:
    """The latest recorded changes of a centre, newest first (for the national office)."""
    rows = db.session.execute(
        sa.select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target == f"centre:{slug}")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        HistoryEntry(entry.at, name, entry.action, entry.before or {}, entry.after or {})
        for entry, name in rows
    ]


# Every action of the audit trail on a centre: those that changed its status say so.
CENTRE_ACTIONS = tuple(action for action in ACTIONS if action.startswith("centre."))


def records(tz) -> list[CentreRecord]:
    """Every centre with its recorded changes of status, oldest first (WIPO's report counts
    the network as it stood at the end of a year: ``domain/membership.py``); ``tz`` is the
    network's time zone, in which a centre's record was added on a day."""
    changes: dict[str, list[StatusChange]] = {}
    entries = db.session.execute(
        sa.select(AuditEntry.target, AuditEntry.at, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.action.in_(CENTRE_ACTIONS))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    for target, at, before, after in entries:
        if after and "status" in after:
            was = (before or {}).get("status")
            changes.setdefault(target, []).append(StatusChange(
                at, CentreStatus(was) if was else None, CentreStatus(after["status"])
            ))  # fmt: skip
    centres = db.session.execute(
        sa.select(Centre.slug, Centre.kind, Centre.status, Centre.joined_on, Centre.created_at)
    )
    return [
        CentreRecord(slug, kind, status, joined_on, created_at.astimezone(tz).date(),
                     tuple(changes.get(f"centre:{slug}", ())))
        for slug, kind, status, joined_on, created_at in centres
    ]  # fmt: skip


def _check_leaving_open_requests(centre: Centre, status: CentreStatus, field: str = "") -> None:
    if status is CentreStatus.ACTIVE or centre.status is not CentreStatus.ACTIVE:
        return
    count = open_requests(centre.id)
    if count:
        message = NP_(
            "This centre still holds %(num)d open request: suspend it to choose where it goes.",
            "This centre still holds %(num)d open requests: suspend it to choose where they go.",
        )
        raise Invalid(field, message, num=count) if field else Refused(message, num=count)


def _snapshot(centre: Centre) -> dict:
    """A centre's recorded values, as the audit trail keeps them."""
    values = {name: getattr(centre, name) for name in PROFILE_TEXTS}
    values |= {
        "name_kk": centre.name_kk, "name_ru": centre.name_ru, "name_en": centre.name_en,
        "status": centre.status.value, "city_id": centre.city_id,
        "lat": centre.lat, "lon": centre.lon,
        "joined_on": centre.joined_on.isoformat() if centre.joined_on else None,
        "services": [s.value for s in centre.services], "languages": list(centre.languages),
    }  # fmt: skip
    return values


def _record_changes(action: str, by: User | None, centre: Centre, before: dict) -> None:
    """Record what changed (nothing when nothing did)."""
    old, new = audit.changes(before, _snapshot(centre))
    if new:
        audit.record(action, _id(by), _target(centre), old, new)


def _target(centre: Centre) -> str:
    return f"centre:{centre.slug}"


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _check_profile(profile) -> None:
    for name in PROFILE_TEXTS:
        limit = LIMITS[name.rsplit("_", 1)[0] if name[-3:] in ("_kk", "_ru", "_en") else name]
        if len(trimmed(getattr(profile, name))) > limit:
            raise Invalid(name, N_("At most %(max)s characters."), max=limit)
    website, email = trimmed(profile.website), trimmed(profile.email)
    if (phone := trimmed(profile.phone)) and not PHONE.match(phone):
        raise Invalid("phone", N_("Give a phone number, e.g. +7 7212 35 63 98."))
    if website and not is_web_address(website):
        raise Invalid("website", NOT_A_WEB_PAGE)
    if email and not EMAIL.match(email):
        raise Invalid("email", N_("Give an e-mail address, e.g. tisc@example.kz."))
    if not set(profile.services) <= {s.value for s in Service}:
        raise Invalid("services", N_("Choose services from the list."))
    if not set(profile.languages) <= {lang.value for lang in Language}:
        raise Invalid("languages", N_("Choose languages from the list."))


def _check(details: CentreDetails) -> None:
    if not SLUG.match(details.slug or ""):
        raise Invalid("slug", N_("Use lower-case Latin letters, digits and hyphens."))
    # Said on the first name, where the form says it beforehand.
    if all(map(is_blank, (details.name_kk, details.name_ru, details.name_en))):
        raise Invalid("name_kk", N_("Give the centre's name in at least one language."))
    for name in ("name_kk", "name_ru", "name_en"):
        if len(trimmed(getattr(details, name))) > LIMITS["name"]:
            raise Invalid(name, N_("At most %(max)s characters."), max=LIMITS["name"])
    _check_profile(details)
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
    _check_always_active(CentreKind(details.kind), details.status)
    if _receives_nothing(CentreKind(details.kind), CentreStatus(details.status), details.services):
        raise Invalid("services", NO_SERVICE)
    if details.joined_on:  # the figures count a centre from the day it joined
        check_counted_day("joined_on", details.joined_on, utcnow().date())


def _receives_nothing(kind: CentreKind, status: CentreStatus, services) -> bool:
    """An active centre of the network that offers no service: listed, and never routed to."""
    return kind is CentreKind.TISC and status is CentreStatus.ACTIVE and not services


def _check_always_active(kind: CentreKind, status: str) -> None:
    if is_always_active(kind) and status != CentreStatus.ACTIVE.value:
        raise Invalid("status", ALWAYS_ACTIVE)


_TEXT_FIELDS = (
    "name_kk", "name_ru", "name_en", "host_institution", "address", "phone", "email",
    "website", "opening_hours", "description_kk", "description_ru", "description_en",
)  # fmt: skip


def _copy(details: CentreDetails, centre: Centre) -> None:
    for name in ("name_kk", "name_ru", "name_en", *PROFILE_TEXTS):
        setattr(centre, name, trimmed(getattr(details, name)))
    centre.status = CentreStatus(details.status)
    centre.city_id = details.city_id
    centre.lat, centre.lon = details.lat, details.lon
    centre.services = [Service(s) for s in details.services]
    centre.languages = [lang.value for lang in Language if lang.value in details.languages]
    centre.joined_on = details.joined_on
