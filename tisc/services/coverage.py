"""The national office's coverage view: gathers the rows, lets the domain compute.

The computation needs numpy (``tisc.domain.coverage``), which web processes
never load: :func:`report` runs in a child process (``tisc/offload.py``)
and hands its result back as plain data (:func:`to_data`), which
:func:`from_data` turns into a report again with the cached network's cards.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo

import sqlalchemy as sa

from tisc.domain.figures import Period, choose_period
from tisc.domain.geo import Point
from tisc.domain.stats import per_100k
from tisc.extensions import db
from tisc.models import ServiceRequest
from tisc.models.base import utcnow
from tisc.services import network, rules
from tisc.services.network import CentreCard, RegionCard

MEASURES = ("requests_per_100k", "distance_km", "open_per_centre")
# A city this close to an active centre already hosts one: the planner skips it.
HOST_KM = 15


@dataclass(frozen=True)
class RegionRow:
    region: RegionCard
    nearest: CentreCard | None
    distance_km: float | None
    covered: bool
    requests_last_year: int  # received in the report's period (the last 12 months)
    requests_per_100k: float | None
    centres: int
    open_per_centre: float | None

    def measure(self, name: str) -> float | None:
        return getattr(self, name)


@dataclass(frozen=True)
class Proposal:
    city_names: dict[str, str]
    region_names: dict[str, str]
    location: Point
    added_population: int
    share_after: float


@dataclass(frozen=True)
class CoverageReport:
    radius_km: int
    population: int
    covered_share: float
    rows: list[RegionRow]
    proposals: list[Proposal]
    active_centres: list[CentreCard]
    # The months the requests are counted in: the dashboards' "last 12 months".
    period: Period


def report(
    radius_km: int, proposals: int, tz: tzinfo, now: datetime | None = None
) -> CoverageReport:
    """Coverage within ``radius_km`` of active centres, and ``proposals`` new cities. The
    requests are counted over the dashboards' "last 12 months": whole months in the
    network's time zone ``tz``, this one included."""
    from tisc.domain import coverage  # numpy: only in the process that computes coverage

    period = choose_period("last_12_months", (now or utcnow()).astimezone(tz).date())
    since, until = _midnight(period.start, tz), _midnight(period.end, tz, next_day=True)
    regions = network.regions()
    active = [card for card in network.cards() if card.is_active_tisc]
    cities = network.cities()
    sites = [coverage.Site(card.id, card.location) for card in active]
    region_facts = [coverage.RegionFacts(r.code, r.admin_centre, r.population) for r in regions]
    city_facts = [
        coverage.CityFacts(c.id, c.region_code, Point(c.lat, c.lon), c.population, c.has_university)
        for c in cities
    ]
    points = coverage.population_points(region_facts, city_facts)

    requests_by_region = dict(
        db.session.execute(
            sa.select(ServiceRequest.region_code, sa.func.count())
            .where(ServiceRequest.created_at >= since, ServiceRequest.created_at < until)
            .group_by(ServiceRequest.region_code)
        ).all()
    )
    open_by_centre = dict(db.session.execute(rules.OPEN_REQUESTS_PER_CENTRE).all())
    by_id = {card.id: card for card in active}
    rows = []
    for region, reach in zip(
        regions, coverage.region_coverage(region_facts, sites, radius_km), strict=True
    ):
        local = [card for card in active if card.region_code == region.code]
        requests = int(requests_by_region.get(region.code, 0))
        open_requests = sum(int(open_by_centre.get(card.id, 0)) for card in local)
        rows.append(
            RegionRow(
                region=region,
                nearest=by_id.get(reach.nearest_site) if reach.nearest_site else None,
                distance_km=None if reach.distance_km is None else float(reach.distance_km),
                covered=bool(reach.covered),
                requests_last_year=requests,
                requests_per_100k=per_100k(requests, region.population),
                centres=len(local),
                open_per_centre=round(open_requests / len(local), 1) if local else None,
            )
        )

    universities = [c for c in city_facts if c.has_university]
    _, to_nearest = coverage.nearest_km(
        [c.location for c in universities], [s.location for s in sites]
    )
    candidates = [c for c, km in zip(universities, to_nearest, strict=True) if km > HOST_KM]
    planned = coverage.plan_expansion(points, candidates, sites, radius_km, proposals)
    city_by_id = {c.id: c for c in cities}
    region_names = {region.code: region.names for region in regions}
    return CoverageReport(
        radius_km=radius_km,
        population=int(sum(p.population for p in points)),
        covered_share=float(coverage.covered_share(points, sites, radius_km)),
        rows=rows,
        proposals=[
            Proposal(
                city_by_id[p.city_key].names(), region_names[city_by_id[p.city_key].region_code],
                Point(city_by_id[p.city_key].lat, city_by_id[p.city_key].lon),
                int(p.added_population), float(p.share),
            )
            for p in planned
        ],
        active_centres=active,
        period=period,
    )  # fmt: skip


def _midnight(day: date, tz: tzinfo, next_day: bool = False) -> datetime:
    """The local midnight that starts ``day`` (or ends it), in UTC."""
    if next_day:
        day = date.fromordinal(day.toordinal() + 1)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def to_data(report: CoverageReport) -> dict:
    """The report as JSON-able data, naming regions and centres by code and id."""
    return {
        "radius_km": report.radius_km,
        "population": report.population,
        "covered_share": report.covered_share,
        "period": [report.period.first, report.period.last],
        "rows": [
            {
                "region": row.region.code,
                "nearest": row.nearest.id if row.nearest else None,
                "distance_km": row.distance_km,
                "covered": row.covered,
                "requests_last_year": row.requests_last_year,
                "requests_per_100k": row.requests_per_100k,
                "centres": row.centres,
                "open_per_centre": row.open_per_centre,
            }
            for row in report.rows
        ],
        "proposals": [
            {
                "city_names": p.city_names,
                "region_names": p.region_names,
                "location": list(p.location),
                "added_population": p.added_population,
                "share_after": p.share_after,
            }
            for p in report.proposals
        ],
    }


def from_data(data: dict) -> CoverageReport:
    """A report from :func:`to_data`'s data, with this process's cards."""
    cards, regions = network.cards_by_id(), network.regions_by_code()
    rows = [
        RegionRow(**(row | {"region": regions[row["region"]],
                            "nearest": cards.get(row["nearest"]) if row["nearest"] else None}))
        for row in data["rows"]
    ]  # fmt: skip
    proposals = [Proposal(**(p | {"location": Point(*p["location"])})) for p in data["proposals"]]
    return CoverageReport(
        radius_km=data["radius_km"],
        population=data["population"],
        covered_share=data["covered_share"],
        rows=rows,
        proposals=proposals,
        active_centres=[card for card in network.cards() if card.is_active_tisc],
        period=Period(*data["period"]),
    )
