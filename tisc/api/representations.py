"""What a request, its timeline and a centre look like in the API, for the person asking.

The same predicates as the pages decide (``tisc.domain.permissions``): the
inventor and the centre's staff get the whole request, the national office
its metadata only, internal notes only the centre's staff.
"""

from datetime import UTC, datetime

from flask import url_for

from tisc.domain import next_step
from tisc.domain.calendar import due_day
from tisc.domain.catalogue import Role
from tisc.domain.figures import EventFigures, Figures, Period
from tisc.domain.permissions import (
    can_see_effort,
    can_see_internal,
    can_see_inventor_contact,
    can_view_request,
    is_staff_of,
)
from tisc.domain.workflow import Action, is_overdue, result_stands, standing_result
from tisc.extensions import policy
from tisc.formatting import by_name
from tisc.models import ServiceRequest, User
from tisc.services import accounts, dashboards, duplicates, network, oversight, timeline
from tisc.services import requests as request_service
from tisc.services.network import CentreCard


def centre_summary(card: CentreCard | None) -> dict | None:
    return None if card is None else {"slug": card.slug, "names": card.names}


def centre(card: CentreCard, distance_km: float | None = None, details=None) -> dict:
    shown = {
        "slug": card.slug,
        "status": card.status.value,
        "names": card.names,
        "city": card.city_names,
        "region_code": card.region_code,
        "location": {"lat": card.location.lat, "lon": card.location.lon},
        "services": list(card.services),
        "languages": list(card.languages),
        "distance_km": None if distance_km is None else round(distance_km, 1),
    }
    if details is not None:
        shown |= {
            "host_institution": details.host_institutions(),
            "address": details.addresses(),
            "opening_hours": details.hours(),
            "phone": details.phone,
            "email": details.email,
            "website": details.website,
        }
    return shown


def request(
    user: User, row: ServiceRequest, *, with_actions: bool = False, brief: bool = False
) -> dict:
    """The request as ``user`` may see it (the caller has checked they may see it at all);
    ``brief`` for lists: without the long texts and the inventor's contact."""
    cards = network.cards_by_id()
    shown = {
        "reference": row.reference,
        "version": row.version,
        "service": row.service.value,
        "status": row.status.value,
        "centre": centre_summary(cards.get(row.centre_id)),
        "region_code": row.region_code,
        "preferred_language": row.preferred_language.value,
        "routing_rule": row.routing_rule.value,
        "routing_distance_km": row.routing_distance_km,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "due_at": row.due_at,
        "due_date": due_day(row.due_at, policy().calendar.tz),  # the day the pages show
        "closed_at": row.closed_at,
        "overdue": is_overdue(row.status, row.due_at, datetime.now(UTC)),
        "assigned": row.assignee_id is not None,
        # The result while it stands: a reopened request's outcome is a past one.
        **standing_result(row, "hours_spent", "documents_cited", "rating"),
        **({} if can_see_effort(user.actor) else {"hours_spent": None}),
        "outcome": row.outcome.value if row.outcome and result_stands(row.status) else None,
        "requester_category": row.requester_category.value if row.requester_category else None,
        "awaiting_inventor": row.awaiting_since is not None,
        "question_open": row.question_since is not None,
        "turnaround_days": row.turnaround_days,
    }
    actor = user.actor
    if not can_view_request(actor, row):  # the national office: metadata only
        return shown | ({"actions": []} if with_actions else {})  # it acts on none here
    shown |= {
        "title": row.title,
        "technical_field": row.technical_field,
        "keywords": row.keywords,
        "ipc_classes": row.ipc_list,
        "assignee": _assignee(actor, row),
    }
    if brief:
        return shown
    flags = duplicates.flags_for(actor, row)
    shown |= {
        "description": row.description,
        **standing_result(row, "outcome_summary", "rating_comment"),
        "duplicate_of": row.duplicate_of.reference if row.duplicate_of_id else None,
        "filings": [
            {"ip_right": f.ip_right.value, "office": f.office.value,
             "application_number": f.application_number, "filed_on": f.filed_on}
            for f in request_service.filings_of(row)
        ],
        "duplicate_flags": [
            {"id": flag.id, "other_reference": flag.other_reference,
             "same_centre": flag.same_centre}
            for flag in flags
        ],
    }  # fmt: skip
    if can_see_inventor_contact(actor, row):
        shown["inventor"] = {"name": row.inventor.name, "email": row.inventor.email}
    if with_actions:
        available = request_service.available_actions(user, row, policy())
        shown["actions"] = [a.value for a in next_step.offered(available, len(flags))]
    return shown


def _assignee(actor, row: ServiceRequest) -> dict | None:
    """Who has the request; for the centre's staff with the id that ``assign`` takes (account
    ids are theirs to know, not the inventor's)."""
    if row.assignee is None:
        return None
    if is_staff_of(actor, row.centre_id):
        return {"id": row.assignee.id, "name": row.assignee.name}
    return {"name": row.assignee.name}


def me(user: User) -> dict:
    """The token's owner; for staff, the colleagues the request page offers to assign."""
    card = network.cards_by_id().get(user.centre_id) if user.centre_id else None
    shown = {"id": user.id, "name": user.name, "role": user.role.value,
             "centre": centre_summary(card)}  # fmt: skip
    if user.role is Role.STAFF:
        people = by_name(accounts.staff_of(user.centre_id), lambda person: person.name)
        shown["colleagues"] = [{"id": person.id, "name": person.name} for person in people]
    return shown


def events(user: User, row: ServiceRequest) -> list[dict]:
    """The timeline as ``user`` may read it; the office gets the steps without their content."""
    if not can_view_request(user.actor, row):
        steps = oversight.steps_of(row)
        return [
            {"action": step.action.value, "at": step.at,
             "from_status": step.from_status.value if step.from_status else None,
             "to_status": step.to_status.value,
             "from_centre": _centre_of(step.from_centre), "to_centre": _centre_of(step.to_centre)}
            for step in steps
        ]  # fmt: skip
    internal = can_see_internal(user.actor, row)
    cards = network.cards_by_id()
    shown = []
    for entry in timeline.timeline(user, row):
        shown.append(
            {
                "action": entry.action.value,
                "at": entry.created_at,
                "from_status": entry.from_status.value if entry.from_status else None,
                "to_status": entry.to_status.value,
                "from_centre": centre_summary(cards.get(entry.from_centre_id)),
                "to_centre": centre_summary(cards.get(entry.to_centre_id)),
                "actor": entry.actor_name,
                "assignee": entry.assignee_name,
                "text": "" if entry.action is Action.MOVE_DUE_DATE else entry.text,
                "internal": entry.internal and internal,
                "files": [_file(row, f) for f in entry.files],
            }
        )
        if entry.moved:
            shown[-1]["due_at_moved"] = {"before": entry.moved.before, "after": entry.moved.after}
    return shown


def _centre_of(row) -> dict | None:
    return None if row is None else {"slug": row.slug, "names": row.names()}


def _file(row: ServiceRequest, info) -> dict:
    url = url_for("api_requests.file", reference=row.reference, file_id=info.id)
    return {"id": info.id, "filename": info.filename, "size": info.size, "url": url}


# --- figures ---------------------------------------------------------------------------------


def figures(values: Figures, *, open_now: bool = True) -> dict:
    """A slice's figures; ``open_now`` too for a dashboard (a year's report has no "now")."""
    shown = {
        "received": values.received, "completed": values.completed,
        "declined": values.declined, "withdrawn": values.withdrawn,
        "no_answer": values.no_answer, "duplicate": values.duplicate,
        "on_time": values.on_time,
        "on_time_rate": values.on_time_rate, "median_days": values.median_days,
        "p90_days": values.p90_days, "rated": values.rated, "mean_rating": values.mean_rating,
        "turnarounds": {str(days): n for days, n in sorted(values.turnarounds.items())},
        "outcomes": dict(values.outcomes), "filings": dict(values.filings),
    }  # fmt: skip
    if open_now:
        shown["open_now"] = values.open_now
    return shown


def event_figures(values: EventFigures) -> dict:
    return {
        "events": values.events,
        "participants": values.participants,
        "staff_trained": values.staff_trained,
    }


def month(value: int) -> str:
    return f"{value // 100:04d}-{value % 100:02d}"


def period(value: Period) -> dict:
    return {"first": month(value.first), "last": month(value.last)}


def _slice(key: str, part: dashboards.Slice, *, open_now: bool = True) -> dict:
    shown = {"key": key, "figures": figures(part.figures, open_now=open_now)}
    if part.events is not None:  # a centre's, not a false 0 for a service, region or month
        shown["events"] = event_figures(part.events)
    if part.overdue is not None:
        shown["overdue"] = part.overdue.value
    return shown


def dashboard(board: dashboards.Dashboard) -> dict:
    """A dashboard's figures: the same numbers as its page, keyed by codes, not labels."""
    return {
        "period": period(board.period),
        "previous": period(board.previous),
        "total": figures(board.total),
        "before": figures(board.before),
        "events": event_figures(board.events),
        "events_before": event_figures(board.events_before),
        "overdue": board.overdue.value,
        "overdue_more": board.overdue.more,
        "centres": [_slice(part.key.slug, part) for part in board.centres],
        "services": [_slice(part.key.value, part) for part in board.services],
        "regions": [_slice(part.key.code, part) for part in board.regions],
        # What stands open is now, not in a month.
        "months": [_slice(month(part.key), part, open_now=False) for part in board.months],
    }


def wipo_report(report: dashboards.WipoReport) -> dict:
    return {
        "year": report.year,
        "centres_active": report.centres_active,
        "centres_planned": report.centres_planned,
        "centres_without_join_date": [card.slug for card in report.undated],
        "total": figures(report.total, open_now=False),
        "services": [_slice(part.key.value, part, open_now=False) for part in report.services],
        "categories": [_slice(str(part.key), part, open_now=False) for part in report.categories],
        "regions": [_slice(part.key.code, part, open_now=False) for part in report.regions],
        "outcomes": {outcome.value: count for outcome, count in report.outcomes},
        "filings": dict(report.filings),
        "events": event_figures(report.events),
    }
