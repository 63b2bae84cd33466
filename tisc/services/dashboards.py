"""The dashboards, WIPO's annual report and the public statistics, from the kept sums.

These are read-only: they return plain records of numbers (never a
request's title, description, messages, notes or files), which the pages,
the XLSX writer and the charts lay out.
"""

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from tisc.caching import Cache
from tisc.domain import figures as defs
from tisc.domain.catalogue import (
    CentreKind,
    CentreStatus,
    IpRight,
    Outcome,
    RequesterCategory,
    Service,
)
from tisc.domain.disclosure import (
    Count,
    Hidden,
    median_shown,
    protect,
    rating_shown,
    suppressed,
    together,
)
from tisc.domain.figures import EventFigures, Figures, Period
from tisc.domain.membership import census
from tisc.domain.policy import Policy
from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import centres as centre_service
from tisc.services import network
from tisc.services.figures import (
    Capped,
    RequestSource,
    Scope,
    event_figures,
    figures_version,
    matching,
    overdue_now,
    source_for,
)


@dataclass(frozen=True)
class Slice:
    """One line of a breakdown: a centre, a service, a region, a category or a month."""

    key: object
    figures: Figures
    events: EventFigures | None = None  # a centre's; events count by nothing else
    overdue: Capped | None = None


@dataclass
class Dashboard:
    period: Period
    previous: Period
    scope: Scope
    total: Figures
    before: Figures  # the previous period of the same length
    events: EventFigures
    events_before: EventFigures
    overdue: Capped
    centres: list[Slice]
    services: list[Slice]
    regions: list[Slice]
    months: list[Slice]
    received_by_centre_month: dict[int, dict[int, int]]
    recomputed: bool  # several filters: recomputed from the requests
    # Today, while the period is still running (it ends with this month); else None.
    running_until: date | None = None


# Read figures, kept per process until anything they count changes (the figures' version)
# and, for what moves with time alone (overdue counts, "today"), until the minute turns:
# one value for each of the 128 scopes and periods last looked at.
_kept: Cache = Cache(size=128)


def _kept_until_changed(name: str, key: tuple, now: datetime, build, *also: Hashable):
    """``build()``'s value for ``key``, kept as said above; ``also``: what else it depends
    on that changes (the network's version)."""
    minute = now.replace(second=0, microsecond=0)
    return _kept.get((name, *key), build, stamp=(figures_version(), minute, *also))


def forget() -> None:
    """Drop the kept figures (after rows were deleted, which the product never does)."""
    _kept.clear()


def dashboard(scope: Scope, period: Period, policy: Policy, now: datetime) -> Dashboard:
    """The figures of a scope and period (see :func:`_kept_until_changed`)."""
    return _kept_until_changed(
        "dashboard", (scope, period), now, lambda: _dashboard(scope, period, policy, now)
    )


def _dashboard(scope: Scope, period: Period, policy: Policy, now: datetime) -> Dashboard:
    tz = policy.calendar.tz
    today = now.astimezone(tz).date()
    previous = period.previous()
    source = source_for(scope, previous.first, tz)
    first, last = period.first, period.last

    def slices(by: int) -> dict:
        sums = source.sums(by, first, last, with_now=True)
        return {key: Figures.from_counts(c) for (key, _), c in sums.items()}

    events = event_figures(period.start, period.end, today, scope.centre_id, scope.region_code)
    events_before = event_figures(
        previous.start, previous.end, today, scope.centre_id, scope.region_code
    )
    by_centre = slices(defs.CENTRE)
    cards = [card for card in network.cards() if card.kind.value == "tisc"]
    shown = [
        card
        for card in cards
        if card.id in by_centre or card.id in events or card.is_active_tisc
        if scope.centre_id in (None, card.id)
    ]
    overdue = overdue_now(scope, [card.id for card in shown if by_centre.get(card.id)], now)
    centres = [
        Slice(card, by_centre.get(card.id, Figures()), events.get(card.id, EventFigures()),
              overdue.get(card.id, Capped(0, False)))
        for card in shown
    ]  # fmt: skip
    regions = network.regions_by_code()
    by_region = slices(defs.REGION)
    by_service = slices(defs.SERVICE)
    months = {key[1]: c for key, c in source.sums(0, first, last, per_month=True).items()}
    stacked: dict[int, dict[int, int]] = {}
    for (centre_id, month), c in source.sums(
        defs.CENTRE, first, last, per_month=True, measures=[defs.RECEIVED]
    ).items():
        stacked.setdefault(centre_id, {})[month] = c[defs.RECEIVED]
    total = slices(0).get(None, Figures())
    before = Figures.from_counts(
        source.sums(0, previous.first, previous.last).get((None, None), {})
    )
    return Dashboard(
        running_until=today if period.running(today) else None,
        period=period,
        previous=previous,
        scope=scope,
        total=total,
        before=before,
        events=_sum_events(events.values()),
        events_before=_sum_events(events_before.values()),
        overdue=Capped(
            sum(c.value for c in overdue.values()), any(c.more for c in overdue.values())
        ),
        centres=centres,
        services=[Slice(s, by_service.get(s.value, Figures())) for s in Service],
        regions=[Slice(regions[code], f) for code, f in by_region.items() if code in regions],
        months=[Slice(m, Figures.from_counts(months.get(m, {}))) for m in period.months],
        received_by_centre_month=stacked,
        recomputed=isinstance(source, RequestSource),
    )


def _sum_events(values) -> EventFigures:
    values = list(values)
    return EventFigures(
        sum(v.events for v in values),
        sum(v.participants for v in values),
        sum(v.staff_trained for v in values),
    )


# --- the staff desk's dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class Colleague:
    name: str
    active: bool
    open_assigned: int
    completed: int
    median_days: float | None


def colleagues(
    centre_id: int, period: Period, tz, now: datetime | None = None, scope: Scope | None = None
) -> list[Colleague]:
    """Each colleague's load now (open requests assigned to them) and the turnaround of the
    requests they completed in the period; both of the requests the ``scope``'s service,
    region and requester category filters match."""
    now = now or datetime.now(UTC)
    scope = replace(scope or Scope(), centre_id=centre_id)
    return _kept_until_changed(
        "colleagues", (scope, period), now, lambda: _colleagues(scope, period, tz)
    )


def _colleagues(scope: Scope, period: Period, tz) -> list[Colleague]:
    centre_id = scope.centre_id
    start = _midnight(period.start, tz)
    end = _midnight(date.fromordinal(period.end.toordinal() + 1), tz)
    filters = matching(scope)
    load = dict(
        db.session.execute(
            sa.select(ServiceRequest.assignee_id, sa.func.count())
            .where(*filters, ServiceRequest.closed_at.is_(None))
            .where(ServiceRequest.assignee_id.is_not(None))
            .group_by(ServiceRequest.assignee_id)
        ).all()
    )
    done: dict[int, Counter] = {}
    for assignee, days, count in db.session.execute(
        sa.select(ServiceRequest.assignee_id, ServiceRequest.turnaround_days, sa.func.count())
        .where(
            *filters,
            ServiceRequest.status == Status.COMPLETED,
            ServiceRequest.closed_at >= start,
            ServiceRequest.closed_at < end,
        )
        .group_by(ServiceRequest.assignee_id, ServiceRequest.turnaround_days)
    ):
        if days is not None:
            done.setdefault(assignee, Counter())[days] += count
    people = db.session.scalars(
        sa.select(User).where(
            sa.or_(User.centre_id == centre_id, User.id.in_([*load, *done])), User.role == "staff"
        )
    ).all()
    return sorted(
        (
            Colleague(
                person.name,
                person.active and person.centre_id == centre_id,
                load.get(person.id, 0),
                sum(done.get(person.id, {}).values()),
                defs.median_of(done.get(person.id, {})),
            )
            for person in people
            if person.active or person.id in load or person.id in done
        ),
        key=lambda c: (not c.active, c.name.casefold()),
    )


def _midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


# --- WIPO's annual report -------------------------------------------------------------------------


@dataclass
class WipoReport:
    year: int
    centres_active: int  # at the end of the year (this year: now), ``domain/membership.py``
    centres_planned: int
    total: Figures
    services: list[Slice]
    categories: list[Slice]
    regions: list[Slice]
    outcomes: list[tuple[Outcome, int]]
    filings: list[tuple[str, int]]
    events: EventFigures
    value_added: list[Slice]  # freedom to operate, patent landscapes
    # TISCs (not planned ones) with no join date recorded: each counts from the day it was
    # added to this app.
    undated: list = field(default_factory=list)


VALUE_ADDED = (Service.FREEDOM_TO_OPERATE, Service.PATENT_LANDSCAPE)


def wipo_report(year: int, policy: Policy, now: datetime) -> WipoReport:
    """The figures WIPO's annual TISC questionnaire asks of a national network, for a year."""
    return _kept_until_changed(
        "wipo", (year,), now, lambda: _wipo_report(year, policy, now), network.version()
    )


def _wipo_report(year: int, policy: Policy, now: datetime) -> WipoReport:
    tz = policy.calendar.tz
    source = source_for(Scope(), 0, tz)
    first, last = year * 100 + 1, year * 100 + 12
    today = now.astimezone(tz).date()

    def by(dimension: int) -> dict:
        return {
            key: Figures.from_counts(c)
            for (key, _), c in source.sums(dimension, first, last).items()
        }

    total = by(0).get(None, Figures())
    services = by(defs.SERVICE)
    categories = by(defs.CATEGORY)
    regions = by(defs.REGION)
    region_cards = network.regions_by_code()
    records = centre_service.records(tz)
    # As the network stood when the year ended, or now for the year under way.
    counted = census(
        records, min(_midnight(date(year + 1, 1, 1), tz), now), min(date(year, 12, 31), today)
    )
    by_slug = {card.slug: card for card in network.cards()}
    return WipoReport(
        year=year,
        centres_active=counted.active,
        centres_planned=counted.planned,
        total=total,
        services=[Slice(s, services.get(s.value, Figures())) for s in Service],
        categories=[
            Slice(c, categories.get(c, Figures()))
            for c in [*(c.value for c in RequesterCategory), defs.UNKNOWN_CATEGORY]
        ],
        regions=sorted(
            (Slice(card, regions.get(code, Figures())) for code, card in region_cards.items()),
            key=lambda s: s.key.code,
        ),
        outcomes=[(o, total.outcomes.get(o.value, 0)) for o in Outcome],
        filings=[(r.value, total.filings.get(r.value, 0)) for r in IpRight],
        events=_sum_events(event_figures(date(year, 1, 1), date(year, 12, 31), today).values()),
        value_added=[Slice(s, services.get(s.value, Figures())) for s in VALUE_ADDED],
        undated=[
            by_slug[r.slug]
            for r in records
            if r.kind is CentreKind.TISC
            and r.status is not CentreStatus.PLANNED
            and r.joined_on is None
            and r.slug in by_slug
        ],
    )


# --- public statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFigures:
    """What a visitor sees of a slice's last 12 months (``domain/disclosure.py``)."""

    completed: Count  # a number, or hidden (small, or beside a small one)
    median_days: float | None  # None: fewer than 5 completed
    mean_rating: float | None  # None: fewer than 5 rated


@dataclass
class PublicStatistics:
    years: list[int]
    services: list[tuple[Service, list[Count]]]  # served per year, each year's column protected
    network: PublicFigures  # the last 12 months
    centres: list[tuple[object, PublicFigures]]  # each listed centre, the last 12 months

    @property
    def complementary(self) -> bool:
        """Whether a count is hidden to protect a small one (the page then says why)."""
        counts = [self.network.completed, *(f.completed for _, f in self.centres)]
        counts += [count for _, row in self.services for count in row]
        return Hidden.COMPLEMENTARY in counts


PUBLIC_YEARS = 3  # the per-service columns of /statistics


def public_statistics(policy: Policy, now: datetime) -> PublicStatistics:
    """Requests completed per service and year, and per centre over the last 12 months,
    each breakdown protected against its total: the network's last 12 months are on the
    page, and a year's total is public too (WIPO's report; in December, the same 12 months)."""
    tz = policy.calendar.tz
    today = now.astimezone(tz).date()
    source = source_for(Scope(), 0, tz)
    year_list = [today.year - n for n in range(PUBLIC_YEARS - 1, -1, -1)]
    columns = []
    for year in year_list:
        sums = source.sums(defs.SERVICE, year * 100 + 1, year * 100 + 12)
        columns.append(protect({
            service: sums.get((service.value, None), Counter())[Status.COMPLETED.value]
            for service in Service
        }))  # fmt: skip
    twelve = defs.choose_period("last_12_months", today)
    by_centre = {
        key: Figures.from_counts(c)
        for (key, _), c in source.sums(defs.CENTRE, twelve.first, twelve.last).items()
    }
    network_total = Figures.from_counts(
        source.sums(0, twelve.first, twelve.last).get((None, None), {})
    )
    centres = [
        (card, by_centre.get(card.id, Figures())) for card in network.cards() if card.is_listed
    ]
    per_centre = protect({card.id: f.completed for card, f in centres})
    if twelve.first == year_list[-1] * 100 + 1:  # December: the 12 months are this year
        per_centre, columns[-1] = together(per_centre, columns[-1])
    network_count = suppressed(network_total.completed)
    if per_centre.total_hidden and network_count is not Hidden.SMALL:
        network_count = Hidden.COMPLEMENTARY
    return PublicStatistics(
        years=year_list,
        services=[(s, [column.cells[s] for column in columns]) for s in Service],
        network=_public_figures(network_total, network_count),
        centres=[(card, _public_figures(f, per_centre.cells[card.id])) for card, f in centres],
    )


def public_centre(statistics: PublicStatistics, centre_id: int) -> PublicFigures:
    """A centre's last 12 months for its public page: its row of the public ``statistics``
    (hidden there, hidden here; a centre not listed there has nothing to show)."""
    rows = {card.id: figures for card, figures in statistics.centres}
    return rows.get(centre_id, PublicFigures(0, None, None))


def _public_figures(figures: Figures, completed: Count) -> PublicFigures:
    return PublicFigures(
        completed,
        median_shown(figures.completed, figures.median_days),
        rating_shown(figures.rated, figures.mean_rating),
    )


def region_figures(scope: Scope, period: Period, policy: Policy) -> dict[str, Figures]:
    """Figures per inventor's region, for the dashboard's map."""
    source = source_for(scope, period.first, policy.calendar.tz)
    return {
        key: Figures.from_counts(counts)
        for (key, _), counts in source.sums(defs.REGION, period.first, period.last).items()
    }


def network_totals(
    period: Period, policy: Policy, now: datetime | None = None, scope: Scope | None = None
) -> Figures:
    """The whole network's figures for a period: all a centre's staff see of other centres.
    The ``scope``'s service, region and requester category filters apply; its centre not."""
    now = now or datetime.now(UTC)
    scope = replace(scope or Scope(), centre_id=None)
    return _kept_until_changed(
        "network", (scope, period), now, lambda: _network_totals(scope, period, policy)
    )


def _network_totals(scope: Scope, period: Period, policy: Policy) -> Figures:
    source = source_for(scope, period.first, policy.calendar.tz)
    sums = source.sums(0, period.first, period.last, with_now=True)
    return Figures.from_counts(sums.get((None, None), Counter()))
