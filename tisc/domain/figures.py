"""The network's figures, defined once: what each request contributes, and how the sums read.

A request *contributes* counts to months (in the network's time zone): one
``received`` in the month it was submitted; in the month it closed, one of
``completed`` / ``declined`` / ``withdrawn`` / ``no_answer`` / ``duplicate``
and, when completed, ``on_time`` (closed by its due date, which runs on the
turnaround's clock: on time exactly when the turnaround is within the service's
target, however often the request was paused, closed and reopened; see
``workflow._clock``), its turnaround as
``days:N``, its outcome code and its rating; one ``filed:<right>`` per filing,
in the month of filing; and one ``open`` in the special period :data:`NOW`
while it is open. Every count carries the request's four dimensions: the
centre holding it now (a transferred request counts once, for its last
centre), its service, the inventor's region and the requester category.

The same contributions are kept summed in the database (``figure_counts``,
see ``tisc/services/figures.py``), for every combination of at most two
dimensions (:data:`GRAINS`), and can be recomputed from the requests
themselves; :class:`Figures` turns such sums into the figures people read.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid
from tisc.domain.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

NOW = 0  # the period of counts that describe the present (open requests)
ALL = "*"  # a dimension summed over
ALL_CENTRES = 0
UNKNOWN_CATEGORY = "unknown"  # requests submitted before categories were asked

RECEIVED = "received"
OPEN = "open"
ON_TIME = "on_time"
RATED = "rated"
RATING_SUM = "rating_sum"
DAYS = "days:"
OUTCOME = "outcome:"
FILED = "filed:"
# Turnarounds beyond this many working days count as this many.
MAX_DAYS = 999

# The dimensions, each a bit of a grain's mask.
CENTRE, SERVICE, REGION, CATEGORY = 1, 2, 4, 8
DIMENSIONS = (CENTRE, SERVICE, REGION, CATEGORY)
# Combinations of at most two dimensions: every page with at most one filter reads one
# of these, whatever the breakdown; with more filters the figures come from the requests.
GRAINS = tuple(mask for mask in range(16) if bin(mask).count("1") <= 2)

Dims = tuple[int, str, str, str]  # centre id, service, region code, category
Key = tuple[int, int, str, str, str, str]  # period, *dims, measure


@dataclass(frozen=True)
class RequestFacts:
    """What the figures need to know of a request."""

    centre_id: int
    service: str
    region_code: str
    category: str | None
    status: Status
    created_at: datetime
    due_at: datetime
    closed_at: datetime | None = None
    turnaround_days: int | None = None
    rating: int | None = None
    outcome: str | None = None
    filings: tuple[tuple[date, str], ...] = ()  # (filing date, IP right)

    @property
    def dims(self) -> Dims:
        return (self.centre_id, self.service, self.region_code, self.category or UNKNOWN_CATEGORY)


def month_of(moment: date | datetime, tz: tzinfo) -> int:
    """``YYYYMM`` of a moment in the network's time zone (a date is taken as it is)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(tz).date()
    return moment.year * 100 + moment.month


def contributions(facts: RequestFacts, tz: tzinfo) -> Counter:
    """The counts one request adds, keyed by (period, centre, service, region, category,
    measure)."""
    dims = facts.dims
    counts: Counter = Counter()

    def add(period: int, measure: str, value: int = 1) -> None:
        counts[(period, *dims, measure)] += value

    add(month_of(facts.created_at, tz), RECEIVED)
    if facts.status in OPEN_STATUSES:
        add(NOW, OPEN)
    elif facts.status in CLOSED_STATUSES and facts.closed_at is not None:
        closed = month_of(facts.closed_at, tz)
        add(closed, facts.status.value)
        if facts.status is Status.COMPLETED:
            if facts.closed_at <= facts.due_at:
                add(closed, ON_TIME)
            if facts.turnaround_days is not None:
                add(closed, f"{DAYS}{min(facts.turnaround_days, MAX_DAYS)}")
            if facts.outcome:
                add(closed, f"{OUTCOME}{facts.outcome}")
            if facts.rating is not None:
                add(closed, RATED)
                add(closed, RATING_SUM, facts.rating)
    for filed_on, ip_right in facts.filings:
        add(month_of(filed_on, tz), f"{FILED}{ip_right}")
    return counts


def difference(before: Counter, after: Counter) -> Counter:
    """``after - before`` keeping negative counts, without zeros."""
    change = Counter(after)
    change.subtract(before)
    return Counter({key: value for key, value in change.items() if value})


def coarsen(key: Key, grain: int) -> Key:
    """The key with every dimension outside ``grain`` summed over."""
    period, centre, service, region, category, measure = key
    return (
        period,
        centre if grain & CENTRE else ALL_CENTRES,
        service if grain & SERVICE else ALL,
        region if grain & REGION else ALL,
        category if grain & CATEGORY else ALL,
        measure,
    )


def grain_dims(dims: Dims) -> list[tuple]:
    """(grain, *dims) for every grain, the dimensions outside it summed over."""
    centre, service, region, category = dims
    return [
        (
            grain,
            centre if grain & CENTRE else ALL_CENTRES,
            service if grain & SERVICE else ALL,
            region if grain & REGION else ALL,
            category if grain & CATEGORY else ALL,
        )
        for grain in GRAINS
    ]


def expand(counts: Mapping[Key, int]) -> Counter:
    """Counts at full detail → the same counts at every grain, keyed (grain, *key)."""
    expanded: Counter = Counter()
    for key, value in counts.items():
        for grain in GRAINS:
            expanded[(grain, *coarsen(key, grain))] += value
    return Counter({key: value for key, value in expanded.items() if value})


# --- periods -------------------------------------------------------------------------------

PERIOD_KINDS = {
    "this_year": N_("This year"),
    "last_year": N_("Last year"),
    "last_12_months": N_("Last 12 months"),
    "custom": N_("Custom range"),
}
EARLIEST_YEAR = 2000
MAX_MONTHS = 120  # ten years


def check_counted_day(field: str, day: date | None, today: date) -> None:
    """A day the figures count (an event held, a centre joined): from their first year to
    two years ahead (planned)."""
    if day is None or not date(EARLIEST_YEAR, 1, 1) <= day <= today + timedelta(days=2 * 366):
        raise Invalid(
            field, N_("Choose a date from %(year)s to two years ahead."), year=EARLIEST_YEAR
        )


def add_months(month: int, count: int) -> int:
    index = (month // 100) * 12 + (month % 100 - 1) + count
    return (index // 12) * 100 + index % 12 + 1


def months_between(first: int, last: int) -> int:
    """How many months from ``first`` to ``last``, both included."""
    return ((last // 100) * 12 + last % 100) - ((first // 100) * 12 + first % 100) + 1


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (``YYYYMM``, both included)."""

    first: int
    last: int

    @property
    def months(self) -> list[int]:
        return [add_months(self.first, n) for n in range(months_between(self.first, self.last))]

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        length = months_between(self.first, self.last)
        return Period(add_months(self.first, -length), add_months(self.first, -1))

    def running(self, today: date) -> bool:
        """Whether the period is not over on ``today``: it ends with this month. Its counts
        are then of fewer days than the previous period's and are not compared with them;
        shares, turnarounds and ratings do not grow with the days, and are."""
        return self.last >= today.year * 100 + today.month

    @property
    def start(self) -> date:
        return date(self.first // 100, self.first % 100, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        following = add_months(self.last, 1)
        return date.fromordinal(date(following // 100, following % 100, 1).toordinal() - 1)


def parse_month(text: str, field_name: str) -> int:
    """``"2026-03"`` → 202603; Invalid on anything else or a year out of range."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        date(year, month, 1)
    except ValueError:
        raise Invalid(field_name, N_("Give a month as YYYY-MM, e.g. 2026-03.")) from None
    if not EARLIEST_YEAR <= year <= 2100:
        raise Invalid(field_name, N_("Choose a month from %(year)s on."), year=EARLIEST_YEAR)
    return year * 100 + month


def choose_period(kind: str, today: date, first: str = "", last: str = "") -> Period:
    """The period a person chose; Invalid with a clear message when it makes no sense."""
    this_month = today.year * 100 + today.month
    if kind in ("", "this_year"):
        return Period(today.year * 100 + 1, this_month)
    if kind == "last_year":
        return Period((today.year - 1) * 100 + 1, (today.year - 1) * 100 + 12)
    if kind == "last_12_months":
        return Period(add_months(this_month, -11), this_month)
    if kind != "custom":
        raise Invalid("period", N_("Choose a period."))
    start, end = parse_month(first, "first"), parse_month(last, "last")
    if end < start:
        raise Invalid("last", N_("The end of the range comes before its start."))
    if start > this_month:
        raise Invalid("first", N_("The range starts in the future."))
    if months_between(start, end) > MAX_MONTHS:
        raise Invalid(
            "last", N_("Choose a range of at most %(years)s years."), years=MAX_MONTHS // 12
        )
    return Period(start, min(end, this_month))


def check_year(year: int | None, today: date) -> int:
    """A report year: from the network's first year to this one."""
    if year is None or not EARLIEST_YEAR <= year <= today.year:
        raise Invalid(
            "year", N_("Choose a year from %(first)s to %(last)s."),
            first=EARLIEST_YEAR, last=today.year,
        )  # fmt: skip
    return year


# --- reading the sums ----------------------------------------------------------------------


def median_of(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the middle two when even."""
    total = sum(histogram.values())
    if total == 0:
        return None
    return (_ranked(histogram, (total + 1) // 2) + _ranked(histogram, total // 2 + 1)) / 2


def percentile_of(histogram: Mapping[int, int], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value with ``share`` of the values at or below."""
    total = sum(histogram.values())
    if total == 0:
        return None
    return _ranked(histogram, max(1, math.ceil(share * total - 1e-9)))


def _ranked(histogram: Mapping[int, int], rank: int) -> int:
    """The ``rank``-th smallest value (1-based)."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise ValueError(rank)


# Figures' plain counts and the measure each is summed from.
_PLAIN = {
    "received": RECEIVED, "completed": Status.COMPLETED.value,
    "declined": Status.DECLINED.value, "withdrawn": Status.WITHDRAWN.value,
    "no_answer": Status.NO_ANSWER.value, "duplicate": Status.DUPLICATE.value,
    "on_time": ON_TIME, "rated": RATED, "rating_sum": RATING_SUM,
}  # fmt: skip


def _prefixed(counts: Mapping[str, int], prefix: str, convert=str) -> dict:
    return {
        convert(name[len(prefix) :]): value
        for name, value in counts.items()
        if name.startswith(prefix) and value
    }


@dataclass(frozen=True)
class Figures:
    """The figures of one slice of the network (a centre, a service, a month, or all)."""

    received: int = 0
    completed: int = 0
    declined: int = 0
    withdrawn: int = 0
    no_answer: int = 0
    duplicate: int = 0
    open_now: int = 0
    on_time: int = 0
    rated: int = 0
    rating_sum: int = 0
    turnarounds: Mapping[int, int] = field(default_factory=dict)  # working days → requests
    outcomes: Mapping[str, int] = field(default_factory=dict)
    filings: Mapping[str, int] = field(default_factory=dict)  # IP right → filings

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> "Figures":
        """From summed counts keyed by measure."""
        return cls(
            **{attribute: counts.get(measure, 0) for attribute, measure in _PLAIN.items()},
            open_now=counts.get(OPEN, 0),
            turnarounds=_prefixed(counts, DAYS, int),
            outcomes=_prefixed(counts, OUTCOME),
            filings=_prefixed(counts, FILED),
        )

    @cached_property
    def served(self) -> int:
        """Completed: the requests the network answered (WIPO's "inquiries served")."""
        return self.completed

    @cached_property
    def closed_unserved(self) -> int:
        return self.declined + self.withdrawn + self.no_answer + self.duplicate

    @cached_property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None

    @cached_property
    def median_days(self) -> float | None:
        return median_of(self.turnarounds)

    @cached_property
    def p90_days(self) -> int | None:
        return percentile_of(self.turnarounds, 0.9)

    @cached_property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @cached_property
    def rated_share(self) -> float | None:
        return self.rated / self.completed if self.completed else None

    @cached_property
    def filings_total(self) -> int:
        return sum(self.filings.values())


def relative_change(now: float | None, before: float | None) -> float | None:
    """``now`` against ``before`` as a share (0.25 = 25 % more); None when not comparable."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def turnaround_bands(histogram: Mapping[int, int]) -> list[int]:
    """How many took ≤ 5, 6–10, 11–20, 21–40 and more than 40 working days."""
    bands = [0] * len(BAND_LIMITS)
    for days, count in histogram.items():
        bands[next(i for i, limit in enumerate(BAND_LIMITS) if days <= limit)] += count
    return bands


BAND_LIMITS = (5, 10, 20, 40, MAX_DAYS)


@dataclass(frozen=True)
class EventFigures:
    """Training and awareness events held, with their participants."""

    events: int = 0
    participants: int = 0
    staff_trained: int = 0  # participants of events for TISC staff


def sum_counts(rows: Iterable[tuple[str, int]]) -> Counter:
    """(measure, value) rows → counts by measure."""
    counts: Counter = Counter()
    for measure, value in rows:
        counts[measure] += value
    return counts
