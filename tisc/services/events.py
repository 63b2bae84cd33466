"""Training and awareness events: a centre's staff record them; everyone sees upcoming ones."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tisc.domain.catalogue import N_, EventAudience, EventFormat, Language
from tisc.domain.errors import Invalid, NotFound, Refused
from tisc.domain.figures import check_counted_day
from tisc.domain.permissions import is_staff_of
from tisc.domain.text import NOT_A_WEB_PAGE, is_web_address, trimmed
from tisc.extensions import db
from tisc.models import TrainingEvent, User
from tisc.services.unit_of_work import use_case

MAX_PARTICIPANTS = 100_000


@dataclass(frozen=True)
class EventDetails:
    title: str
    held_on: date | None
    format: str
    language: str
    audience: str
    participants: int | None = None
    link: str = ""


@use_case
def create_event(staff: User, details: EventDetails, today: date) -> TrainingEvent:
    """An event of the staff member's own centre."""
    if not is_staff_of(staff.actor, staff.centre_id):
        raise Refused(N_("Only a centre's staff record its events."))
    event = TrainingEvent(centre_id=staff.centre_id, created_by_id=staff.id)
    _fill(event, details, today)
    db.session.add(event)
    return event


@use_case
def update_event(staff: User, event_id: int, details: EventDetails, today: date) -> TrainingEvent:
    event = event_for(staff, event_id)
    _fill(event, details, today)
    return event


def event_for(staff: User, event_id: int) -> TrainingEvent:
    """An event of the staff member's centre; NotFound for any other."""
    event = db.session.get(TrainingEvent, event_id)
    if event is None or not is_staff_of(staff.actor, event.centre_id):
        raise NotFound(N_("There is no such event."))
    return event


def _fill(event: TrainingEvent, details: EventDetails, today: date) -> None:
    title = trimmed(details.title)
    if not title:
        raise Invalid("title", N_("Give the event a title."))
    check_counted_day("held_on", details.held_on, today)
    participants = details.participants
    if participants is not None and not 0 <= participants <= MAX_PARTICIPANTS:
        raise Invalid("participants", N_("Participants: from 0 to %(max)s."), max=MAX_PARTICIPANTS)
    if details.held_on <= today and participants is None:
        raise Invalid("participants", N_("Give the number of participants of a past event."))
    link = trimmed(details.link)
    if link and not is_web_address(link):
        raise Invalid("link", NOT_A_WEB_PAGE)
    try:
        event.format = EventFormat(details.format)
        event.language = Language(details.language)
        event.audience = EventAudience(details.audience)
    except ValueError:
        raise Invalid("format", N_("Choose the format, language and audience.")) from None
    event.title = title
    event.held_on = details.held_on
    event.participants = participants
    event.link = link


def centre_events(centre_id: int, limit: int = 200) -> list[TrainingEvent]:
    """A centre's events, latest first."""
    return list(
        db.session.scalars(
            sa.select(TrainingEvent)
            .where(TrainingEvent.centre_id == centre_id)
            .order_by(TrainingEvent.held_on.desc(), TrainingEvent.id.desc())
            .limit(limit)
        )
    )


def network_events(
    year: int, centre_id: int | None = None, limit: int = 1000
) -> list[TrainingEvent]:
    """Every centre's events of a year (the coordinator's list)."""
    query = sa.select(TrainingEvent).where(
        TrainingEvent.held_on.between(date(year, 1, 1), date(year, 12, 31))
    )
    if centre_id is not None:
        query = query.where(TrainingEvent.centre_id == centre_id)
    return list(
        db.session.scalars(
            query.order_by(TrainingEvent.held_on.desc(), TrainingEvent.id.desc()).limit(limit)
        )
    )


def upcoming(today: date, centre_id: int | None = None, per_centre: int = 3) -> dict:
    """Events from today on: {centre id: the next few}, for the centre pages and directory."""
    query = sa.select(TrainingEvent).where(TrainingEvent.held_on >= today)
    if centre_id is not None:
        query = query.where(TrainingEvent.centre_id == centre_id)
    found: dict[int, list[TrainingEvent]] = {}
    for event in db.session.scalars(
        query.order_by(TrainingEvent.held_on, TrainingEvent.id).limit(500)
    ):
        listed = found.setdefault(event.centre_id, [])
        if len(listed) < per_centre:
            listed.append(event)
    return found
