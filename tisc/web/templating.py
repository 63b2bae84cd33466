"""What templates may call: translated labels, localized names, dates in the reader's zone."""

from datetime import UTC, datetime

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user

from tisc.domain import localized, workflow
from tisc.domain.catalogue import (
    CENTRE_STATUS_LABELS,
    OUTCOME_LABELS,
    SERVICE_DESCRIPTIONS,
    SERVICE_LABELS,
    CentreStatus,
    Outcome,
    Service,
)
from tisc.domain.routing import ROUTING_REASONS, RoutingRule
from tisc.domain.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from tisc.services import reads


def in_locale(thing, attribute: str = "names") -> str:
    """A trilingual value (a model's ``names()``, ``descriptions()`` …) in the page's language."""
    if thing is None:
        return ""
    return pick_text(getattr(thing, attribute)())


def pick_text(values: dict[str, str]) -> str:
    """The text of a ``{"kk": …, "ru": …, "en": …}`` mapping in the page's language."""
    return localized.pick(values, str(get_locale()))


def service_label(value) -> str:
    return gettext(SERVICE_LABELS[Service(value)])


def service_description(value) -> str:
    return gettext(SERVICE_DESCRIPTIONS[Service(value)])


def status_label(value) -> str:
    return gettext(STATUS_LABELS[Status(value)])


def action_label(value) -> str:
    return gettext(ACTION_LABELS[Action(value)])


def outcome_label(value) -> str:
    return gettext(OUTCOME_LABELS[Outcome(value)])


def centre_status_label(value) -> str:
    return gettext(CENTRE_STATUS_LABELS[CentreStatus(value)])


def routing_reason(service_request) -> str:
    """Why the request went where it did, in the reader's language."""
    return gettext(
        ROUTING_REASONS[RoutingRule(service_request.routing_rule)],
        service=service_label(service_request.service),
        km=service_request.routing_distance_km or 0,
    )


def when(moment: datetime | None, style: str = "medium") -> str:
    return format_datetime(moment, style) if moment else ""


def day(moment: datetime | None, style: str = "medium") -> str:
    return format_date(moment, style) if moment else ""


def is_overdue(service_request) -> bool:
    return workflow.is_overdue(service_request.status, service_request.due_at, datetime.now(UTC))


def changes_since_looked() -> int:
    """For the header: the signed-in person's requests that changed since they looked."""
    return reads.changed_count(current_user) if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        localized=in_locale,
        pick=pick_text,
        service_label=service_label,
        status_label=status_label,
        action_label=action_label,
        outcome_label=outcome_label,
        centre_status_label=centre_status_label,
        when=when,
        day=day,
    )
    app.jinja_env.globals.update(
        routing_reason=routing_reason,
        service_description=service_description,
        is_overdue=is_overdue,
        changes_since_looked=changes_since_looked,
        tiles_attribution=lambda: current_app.config["TISC_TILES_ATTRIBUTION"],
    )
