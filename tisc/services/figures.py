"""The network's figures: kept summed beside the requests, and read for dashboards and reports.

Every change of a request adds the difference of its contributions
(``tisc/domain/figures.py``) to ``figure_counts`` in the same transaction,
at each grain of at most two dimensions, with one INSERT … ON CONFLICT DO
UPDATE whose rows are sorted (concurrent writers lock them in one order).
A page with at most one filter then reads one grain: a few hundred rows
whatever the number of requests. With more filters the figures are
recomputed from the matching requests with the same definitions
(:class:`RequestSource`): slower, but these slices are small.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain import figures as defs
from tisc.domain.catalogue import EventAudience, RequesterCategory
from tisc.domain.figures import ALL, ALL_CENTRES, NOW, EventFigures, RequestFacts
from tisc.domain.policy import Policy
from tisc.domain.workflow import Status, replay_clock
from tisc.extensions import db
from tisc.models import (
    Centre,
    FigureCount,
    Filing,
    RequestEvent,
    ServiceRequest,
    TrainingEvent,
)
from tisc.services import counters, network, timeline

# --- keeping the sums ------------------------------------------------------------------------


def facts_of(service_request: ServiceRequest) -> RequestFacts | None:
    """The request as the figures see it (None before it exists)."""
    if service_request.status is None or service_request.id is None:
        return None
    filings = db.session.execute(
        sa.select(Filing.filed_on, Filing.ip_right)
        .where(Filing.request_id == service_request.id)
        .order_by(Filing.id)
    )
    return _facts(service_request, tuple((filed_on, _value(right)) for filed_on, right in filings))


def facts_after(
    before: RequestFacts | None, service_request: ServiceRequest, recorded: Iterable
) -> RequestFacts:
    """The request's facts after an action, from its facts before it (None: just submitted)
    and the filings the action ``recorded``: its filings are not read again (a suspension
    moving thousands of requests read each one's twice)."""
    filings = (before.filings if before else ()) + tuple(
        (filing.filed_on, _value(filing.ip_right)) for filing in recorded
    )
    return _facts(service_request, filings)


def record_change(before: RequestFacts | None, after: RequestFacts | None, tz: tzinfo) -> None:
    """Add what a change of one request changes in the sums (inside the use case)."""
    change = defs.difference(
        defs.contributions(before, tz) if before else Counter(),
        defs.contributions(after, tz) if after else Counter(),
    )
    if change:
        _changes.add(change)


# One upsert for a batch of requests, not one each (a suspension's moves).
_changes = counters.Summing("figure_changes", lambda change: _add(defs.expand(change)))
summed = _changes.summed


_KEY = ["grain", "period", "centre_id", "service", "region_code", "category", "measure"]


def _add(counts: Counter) -> None:
    """One upsert of many rows, sent as one statement that is the same each time: built once
    per dialect and compiled once (a fresh VALUES list of some fifty rows took half a
    submission's time to compile; building the statement, a few percent more).

    SQLite runs it once per row (in process, cheap). PostgreSQL gets the rows as one array
    a column and unnests them: one round trip, where psycopg's executemany sent some fifty
    statements (3 ms of a submission's 16)."""
    rows = sorted(counts.items())
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect not in _upserts:
        _upserts[dialect] = _upsert(dialect)
    if dialect == "postgresql":
        arrays = {name: [key[i] for key, _value in rows] for i, name in enumerate(_KEY)}
        db.session.execute(_upserts[dialect], arrays | {"value": [value for _, value in rows]})
    else:
        db.session.execute(
            _upserts[dialect],
            [dict(zip(_KEY, key, strict=True), value=value) for key, value in rows],
        )


def _upsert(dialect: str) -> sa.Insert:
    table = FigureCount.__table__  # Core: no ORM bulk steps
    statement = upsert_insert(db.session, table)
    if dialect == "postgresql":
        names = [*_KEY, "value"]
        arrays = [sa.bindparam(name, type_=sa.ARRAY(table.c[name].type)) for name in names]
        rows = sa.func.unnest(*arrays).table_valued(*names).render_derived()
        # Sorted, so that concurrent writers lock the rows in one order.
        chosen = sa.select(*(rows.c[name] for name in names)).order_by(*(rows.c[k] for k in _KEY))
        statement = statement.from_select(names, chosen)
    return statement.on_conflict_do_update(
        index_elements=_KEY, set_={"value": table.c.value + statement.excluded.value}
    )


_upserts: dict[str, sa.Insert] = {}


def rebuild(policy: Policy, batch: int = 5000) -> int:
    """Recompute every sum from the requests (and their clocks where unknown); the rows
    written. For databases made before the sums existed, and after bulk loading."""
    _fill_clocks(policy, batch)
    tz = policy.calendar.tz
    rows: Counter = Counter()
    for facts in _all_facts(batch):
        grains = defs.grain_dims(facts.dims)
        for (period, *_dims, measure), value in defs.contributions(facts, tz).items():
            for grain, *dims in grains:
                rows[(grain, period, *dims, measure)] += value
    db.session.execute(sa.delete(FigureCount))
    chunk: list[dict] = []
    for key, value in rows.items():
        chunk.append(dict(zip(_KEY, key, strict=True), value=value))
        if len(chunk) >= batch:
            db.session.execute(sa.insert(FigureCount.__table__), chunk)
            chunk = []
    if chunk:
        db.session.execute(sa.insert(FigureCount.__table__), chunk)
    db.session.commit()
    return len(rows)


def _fill_clocks(policy: Policy, batch: int) -> None:
    """Completed requests without a turnaround (recorded before it was kept): replay their
    moves from the timeline."""
    while True:
        ids = db.session.scalars(
            sa.select(ServiceRequest.id)
            .where(
                ServiceRequest.status == Status.COMPLETED,
                ServiceRequest.turnaround_days.is_(None),
            )
            .limit(batch)
        ).all()
        if not ids:
            return
        moves = timeline.status_moves(ids)
        created = {
            row.id: (row.created_at, row.closed_at)
            for row in db.session.execute(
                sa.select(
                    ServiceRequest.id, ServiceRequest.created_at, ServiceRequest.closed_at
                ).where(ServiceRequest.id.in_(ids))
            )
        }
        for request_id in ids:
            created_at, closed_at = created[request_id]
            steps = moves[request_id]
            if not steps or steps[-1][1] is not Status.COMPLETED:
                steps.append((closed_at, Status.COMPLETED))  # a timeline cut short
            state = replay_clock(created_at, steps, policy)
            db.session.execute(
                sa.update(ServiceRequest)
                .where(ServiceRequest.id == request_id)
                .values(paused_seconds=state.paused_seconds, turnaround_days=state.turnaround_days)
            )
        db.session.commit()


_FACT_COLUMNS = (
    ServiceRequest.id, ServiceRequest.centre_id, ServiceRequest.service,
    ServiceRequest.region_code, ServiceRequest.requester_category, ServiceRequest.status,
    ServiceRequest.created_at, ServiceRequest.due_at, ServiceRequest.closed_at,
    ServiceRequest.turnaround_days, ServiceRequest.rating, ServiceRequest.outcome,
)  # fmt: skip


def _all_facts(batch: int, where=None) -> Iterable[RequestFacts]:
    """Every request (matching ``where``) as facts, read in keyset batches."""
    last = 0
    while True:
        query = sa.select(*_FACT_COLUMNS).where(ServiceRequest.id > last)
        if where is not None:
            query = query.where(where)
        rows = db.session.execute(query.order_by(ServiceRequest.id).limit(batch)).all()
        if not rows:
            return
        filings = defaultdict(list)
        for request_id, filed_on, right in db.session.execute(
            sa.select(Filing.request_id, Filing.filed_on, Filing.ip_right).where(
                Filing.request_id.in_([row.id for row in rows])
            )
        ):
            filings[request_id].append((filed_on, _value(right)))
        for row in rows:
            yield _facts(row, tuple(filings.get(row.id, ())))
        last = rows[-1].id


def _facts(row, filings) -> RequestFacts:
    return RequestFacts(
        centre_id=row.centre_id,
        service=_value(row.service),
        region_code=row.region_code,
        category=_value(row.requester_category),
        status=Status(row.status),
        created_at=row.created_at,
        due_at=row.due_at,
        closed_at=row.closed_at,
        turnaround_days=row.turnaround_days,
        rating=row.rating,
        outcome=_value(row.outcome),
        filings=filings,
    )


def _value(enum_or_none):
    return getattr(enum_or_none, "value", enum_or_none)


_VERSION = "tisc.figures_version"


def figures_version() -> tuple:
    """Changes whenever anything the figures count changes: every change of a request is an
    event on its timeline (filings included), and events are edited in place. Read once per
    session (for a page: once per request, however many figures it reads), and read again
    after this session writes anything."""
    info = db.session().info
    if _VERSION not in info:
        info[_VERSION] = tuple(
            db.session.execute(
                sa.select(
                    sa.select(sa.func.max(RequestEvent.id)).scalar_subquery(),
                    sa.select(sa.func.count(TrainingEvent.id)).scalar_subquery(),
                    sa.select(sa.func.max(TrainingEvent.updated_at)).scalar_subquery(),
                )
            ).one()
        )
    return info[_VERSION]


@sa.event.listens_for(sa.orm.Session, "after_flush")
@sa.event.listens_for(sa.orm.Session, "after_commit")
def _forget_version(session: sa.orm.Session, *_context) -> None:
    """Some writes are core statements (no flush): a commit forgets the version too."""
    session.info.pop(_VERSION, None)


# --- reading the sums -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The filters of a dashboard: a centre, a service, a region, a requester category."""

    centre_id: int | None = None
    service: str = ""
    region_code: str = ""
    category: str = ""

    @property
    def mask(self) -> int:
        given = (self.centre_id is not None, self.service, self.region_code, self.category)
        return sum(bit for bit, value in zip(defs.DIMENSIONS, given, strict=True) if value)

    @property
    def filtered(self) -> bool:
        return self.mask != 0


_COLUMNS = {
    defs.CENTRE: FigureCount.centre_id,
    defs.SERVICE: FigureCount.service,
    defs.REGION: FigureCount.region_code,
    defs.CATEGORY: FigureCount.category,
}
Sums = dict[tuple, Counter]  # (breakdown value or None, period or None) → counts by measure


class RollupSource:
    """Sums read from ``figure_counts``: one grain, a range of months, one GROUP BY."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def sums(
        self,
        by: int,
        first: int,
        last: int,
        per_month: bool = False,
        measures=None,
        with_now: bool = False,
    ) -> Sums:
        """Counts by measure per breakdown value (and month), from ``first`` to ``last``;
        ``with_now`` adds the counts of the present (open requests). A breakdown by what the
        scope filters on holds the filtered value only (the figures per service, with one
        service chosen, count nothing of the others), as when they are recomputed."""
        grain = self.scope.mask | by
        fixed = {
            defs.CENTRE: self.scope.centre_id if self.scope.centre_id is not None else ALL_CENTRES,
            defs.SERVICE: self.scope.service or ALL,
            defs.REGION: self.scope.region_code or ALL,
            defs.CATEGORY: self.scope.category or ALL,
        }
        conditions = [_COLUMNS[bit] == value for bit, value in fixed.items()
                      if bit != by or self.scope.mask & bit]  # fmt: skip
        group = [_COLUMNS[by]] if by else []
        if per_month:
            group.append(FigureCount.period)
        query = (
            sa.select(*group, FigureCount.measure, sa.func.sum(FigureCount.value))
            .where(FigureCount.grain == grain)
            .where(*conditions)
            .group_by(*group, FigureCount.measure)
        )
        if measures is not None:
            query = query.where(FigureCount.measure.in_(measures))
        # Two reads rather than one with two ranges: SQLite reads the index far slower so.
        ranges = [FigureCount.period.between(first, last)]
        if with_now:
            ranges.append(FigureCount.period == NOW)
        result: Sums = defaultdict(Counter)
        for period_range in ranges:
            for row in db.session.execute(query.where(period_range)):
                *keys, measure, value = row
                place = (keys[0] if by else None, keys[-1] if per_month else None)
                result[place][measure] += int(value)
        return result


class RequestSource:
    """The same sums recomputed from the requests that match the scope (several filters)."""

    def __init__(self, scope: Scope, first: int, tz: tzinfo):
        self.scope = scope
        start = _local_midnight(date(first // 100, first % 100, 1), tz)
        conditions = [
            sa.or_(
                ServiceRequest.created_at >= start,
                ServiceRequest.closed_at >= start,
                ServiceRequest.closed_at.is_(None),
                ServiceRequest.id.in_(
                    sa.select(Filing.request_id).where(Filing.filed_on >= start.date())
                ),
            )
        ]
        conditions += matching(scope)
        self.counts: Counter = Counter()
        for facts in _all_facts(5000, sa.and_(*conditions)):
            self.counts.update(defs.contributions(facts, tz))

    def sums(
        self,
        by: int,
        first: int,
        last: int,
        per_month: bool = False,
        measures=None,
        with_now: bool = False,
    ) -> Sums:
        position = {defs.CENTRE: 1, defs.SERVICE: 2, defs.REGION: 3, defs.CATEGORY: 4}
        result: Sums = defaultdict(Counter)
        for key, value in self.counts.items():
            period = key[0]
            in_range = first <= period <= last or (with_now and period == NOW)
            if in_range and (measures is None or key[5] in measures):
                place = (key[position[by]] if by else None, period if per_month else None)
                result[place][key[5]] += value
        return result


def matching(scope: Scope) -> list:
    """The conditions on requests of a scope's filters."""
    conditions = []
    if scope.centre_id is not None:
        conditions.append(ServiceRequest.centre_id == scope.centre_id)
    if scope.service:
        conditions.append(ServiceRequest.service == scope.service)
    if scope.region_code:
        conditions.append(ServiceRequest.region_code == scope.region_code)
    if scope.category == defs.UNKNOWN_CATEGORY:
        conditions.append(ServiceRequest.requester_category.is_(None))
    elif scope.category:
        conditions.append(ServiceRequest.requester_category == scope.category)
    return conditions


def source_for(scope: Scope, first: int, tz: tzinfo):
    """Where a scope's figures come from: the sums when one grain holds them."""
    if bin(scope.mask).count("1") <= 1:
        return RollupSource(scope)
    return RequestSource(scope, first, tz)


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


# --- training events ---------------------------------------------------------------------------


def event_figures(
    start: date, end: date, today: date, centre_id: int | None = None, region_code: str = ""
) -> dict[int, EventFigures]:
    """Events held from ``start`` to ``end`` (and by ``today``) per centre."""
    query = (
        sa.select(
            TrainingEvent.centre_id,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(TrainingEvent.participants), 0),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (
                            TrainingEvent.audience == EventAudience.TISC_STAFF,
                            TrainingEvent.participants,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .where(TrainingEvent.held_on.between(start, min(end, today)))
        .group_by(TrainingEvent.centre_id)
    )
    if centre_id is not None:
        query = query.where(TrainingEvent.centre_id == centre_id)
    cards = network.cards_by_id()
    return {
        centre: EventFigures(int(count), int(people), int(staff))
        for centre, count, people, staff in db.session.execute(query)
        if not region_code or (centre in cards and cards[centre].region_code == region_code)
    }


def total_events(per_centre: dict[int, EventFigures]) -> EventFigures:
    return EventFigures(
        sum(e.events for e in per_centre.values()),
        sum(e.participants for e in per_centre.values()),
        sum(e.staff_trained for e in per_centre.values()),
    )


# --- overdue now --------------------------------------------------------------------------------

OVERDUE_CAP = 999


@dataclass(frozen=True)
class Capped:
    value: int
    more: bool


def overdue_now(scope: Scope, centre_ids: Iterable[int], now: datetime) -> dict[int, Capped]:
    """Overdue open requests per centre, each counted up to :data:`OVERDUE_CAP` from the
    queue's partial index, so a long backlog costs no more than a short one. One statement,
    of one shape whatever the number of centres: a union of one count per centre was
    refused by SQLite past 500 centres, and each number of centres was another statement
    to compile and keep."""
    from tisc.services import rules

    centre_ids = list(centre_ids)
    if not centre_ids:
        return {}
    # each centre is its own count below: the scope's other filters apply to all of them
    capped = (
        sa.select(ServiceRequest.id)
        .where(
            ServiceRequest.centre_id == Centre.id,
            rules.is_overdue(now),
            *matching(replace(scope, centre_id=None)),
        )
        .limit(OVERDUE_CAP + 1)
        .correlate(Centre)
        .subquery()
    )
    count = sa.select(sa.func.count()).select_from(capped).scalar_subquery()
    found = dict(
        db.session.execute(sa.select(Centre.id, count).where(Centre.id.in_(centre_ids))).all()
    )
    return {
        centre_id: Capped(min(found.get(centre_id, 0), OVERDUE_CAP),
                          found.get(centre_id, 0) > OVERDUE_CAP)
        for centre_id in centre_ids
    }  # fmt: skip


def sum_capped(values: Iterable[Capped]) -> Capped:
    values = list(values)
    return Capped(sum(v.value for v in values), any(v.more for v in values))


def known_categories() -> list[str]:
    return [c.value for c in RequesterCategory] + [defs.UNKNOWN_CATEGORY]


def tiscs_with_figures() -> list:
    """The centres a breakdown lists: every TISC ever part of the network."""
    return [card for card in network.cards() if card.kind.value == "tisc"]


def today_in(tz: tzinfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(tz).date()
