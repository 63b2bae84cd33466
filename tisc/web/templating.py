"""What templates may call: translated labels, localized names, dates in the reader's zone."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from babel import dates
from flask import Flask, current_app
from flask_babel import get_locale, get_timezone, gettext
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


@dataclass(frozen=True)
class Labels:
    """The catalogue's labels in one language; translated once per process and language."""

    service: dict[str, str]
    status: dict[str, str]
    action: dict[str, str]
    outcome: dict[str, str]


_labels: dict[str, Labels] = {}


def labels() -> Labels:
    key = str(get_locale())
    if key not in _labels:
        _labels[key] = Labels(
            {s.value: gettext(text) for s, text in SERVICE_LABELS.items()},
            {s.value: gettext(text) for s, text in STATUS_LABELS.items()},
            {a.value: gettext(text) for a, text in ACTION_LABELS.items()},
            {o.value: gettext(text) for o, text in OUTCOME_LABELS.items()},
        )
    return _labels[key]


def service_label(value) -> str:
    return labels().service[Service(value).value]


def service_description(value) -> str:
    return gettext(SERVICE_DESCRIPTIONS[Service(value)])


def status_label(value) -> str:
    return labels().status[Status(value).value]


def action_label(value) -> str:
    return labels().action[Action(value).value]


def outcome_label(value) -> str:
    return labels().outcome[Outcome(value).value]


def centre_status_label(value) -> str:
    return gettext(CENTRE_STATUS_LABELS[CentreStatus(value)])


def routing_reason(service_request) -> str:
    """Why the request went where it did, in the reader's language."""
    return gettext(
        ROUTING_REASONS[RoutingRule(service_request.routing_rule)],
        service=service_label(service_request.service),
        km=service_request.routing_distance_km or 0,
    )


class Clock:
    """Dates for one locale and time zone, with Babel's patterns parsed once.

    Long tables and timelines format hundreds of dates; Babel's ``format_*``
    look the locale up and parse the pattern on every call.
    """

    def __init__(self, locale, zone):
        self.locale, self.zone = locale, zone
        self.date_pattern = dates.parse_pattern(dates.get_date_format("medium", locale=locale))
        self.time_pattern = dates.parse_pattern(dates.get_time_format("short", locale=locale))
        self.joined = dates.get_datetime_format("medium", locale=locale)

    def day(self, moment: date | datetime) -> str:
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.zone)
        return self.date_pattern.apply(moment, self.locale)

    def when(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return self.joined.replace("{1}", self.date_pattern.apply(local, self.locale)).replace(
            "{0}", self.time_pattern.apply(local, self.locale)
        )


_clocks: dict[tuple[str, str], Clock] = {}


def clock() -> Clock:
    locale, zone = get_locale(), get_timezone()
    key = (str(locale), str(zone))
    if key not in _clocks:
        _clocks[key] = Clock(locale, zone)
    return _clocks[key]


def when(moment: datetime | None) -> str:
    return clock().when(moment) if moment else ""


def day(moment: date | datetime | None) -> str:
    return clock().day(moment) if moment else ""


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
        clock=clock,
        labels=labels,
        changes_cap=reads.COUNT_CAP,
        tiles_attribution=lambda: current_app.config["TISC_TILES_ATTRIBUTION"],
    )
