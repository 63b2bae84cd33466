"""What a request, its timeline and a centre look like in the API, for the person asking.

The same predicates as the pages decide (``tisc.domain.permissions``): the
inventor and the centre's staff get the whole request, the national office
its metadata only, internal notes only the centre's staff.
"""

from datetime import UTC, datetime

from flask import url_for

from tisc.domain.permissions import (
    can_see_internal,
    can_see_inventor_contact,
    can_view_request,
)
from tisc.domain.workflow import is_overdue
from tisc.models import ServiceRequest, User
from tisc.services import network, oversight, timeline
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
        "closed_at": row.closed_at,
        "overdue": is_overdue(row.status, row.due_at, datetime.now(UTC)),
        "assigned": row.assignee_id is not None,
        "outcome": row.outcome.value if row.outcome else None,
        "hours_spent": row.hours_spent,
        "documents_cited": row.documents_cited,
        "rating": row.rating,
    }
    actor = user.actor
    if not can_view_request(actor, row):
        return shown  # the national office: metadata only
    shown |= {
        "title": row.title,
        "technical_field": row.technical_field,
        "keywords": row.keywords,
        "ipc_classes": row.ipc_list,
        "assignee": {"name": row.assignee.name} if row.assignee else None,
    }
    if brief:
        return shown
    shown |= {
        "description": row.description,
        "outcome_summary": row.outcome_summary,
        "rating_comment": row.rating_comment,
    }
    if can_see_inventor_contact(actor, row):
        shown["inventor"] = {"name": row.inventor.name, "email": row.inventor.email}
    if with_actions:
        shown["actions"] = [a.value for a in request_service.available_actions(user, row)]
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
                "text": entry.text,
                "internal": entry.internal and internal,
                "files": [_file(row, f) for f in entry.files],
            }
        )
    return shown


def _centre_of(row) -> dict | None:
    return None if row is None else {"slug": row.slug, "names": row.names()}


def _file(row: ServiceRequest, info) -> dict:
    url = url_for("api_requests.file", reference=row.reference, file_id=info.id)
    return {"id": info.id, "filename": info.filename, "size": info.size, "url": url}
