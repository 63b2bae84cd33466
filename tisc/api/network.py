"""The network's figures through the API: regions (public), and the national office's
statistics and coverage."""

from flask_babel import get_locale

from tisc import offload
from tisc.api import schemas
from tisc.api.auth import caller, needs
from tisc.api.blueprints import Blueprint
from tisc.api.problems import Problem
from tisc.domain.permissions import can_see_metadata
from tisc.services import network, queues

bp = Blueprint("api_network", __name__, url_prefix="/api/v1", description="The network's figures")


@bp.route("/regions")
@bp.open_to_all
@bp.response(200, schemas.Region(many=True))
def region_list():
    """Kazakhstan's regions, with their population and administrative centre."""
    return [
        {"code": r.code, "names": r.names, "population": r.population,
         "admin_centre": {"lat": r.admin_centre.lat, "lon": r.admin_centre.lon}}
        for r in network.regions()
    ]  # fmt: skip


@bp.route("/statistics")
@needs("read")
@bp.response(200, schemas.Statistics)
@bp.refuses(404)
def statistics():
    """Requests per status and overdue now, across the network (the national office)."""
    _office_only()
    counts = queues.status_counts()
    overdue = queues.overdue_count()
    return {
        "statuses": [{"status": s.value, "count": n} for s, n in counts.items()],
        "overdue": overdue.value,
        "overdue_more": overdue.more,
    }


@bp.route("/coverage")
@needs("read")
@bp.arguments(schemas.CoverageQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Coverage)
@bp.refuses(404)
def coverage(radius=150, proposals=3):
    """Who lives within ``radius`` km of an active centre, per region, and where the planner
    would put ``proposals`` new centres (the national office)."""
    _office_only()
    report, _fingerprint = offload.coverage_report(radius, proposals, str(get_locale()))
    return {
        "radius_km": report.radius_km,
        "population": report.population,
        "covered_share": report.covered_share,
        "regions": [
            {"region": row.region.code,
             "nearest_centre": row.nearest.slug if row.nearest else None,
             "distance_km": row.distance_km, "covered": row.covered,
             "requests_last_year": row.requests_last_year,
             "requests_per_100k": row.requests_per_100k, "centres": row.centres,
             "open_per_centre": row.open_per_centre}
            for row in report.rows
        ],
        "proposals": [
            {"city": p.city_names, "region": p.region_names,
             "location": {"lat": p.location.lat, "lon": p.location.lon},
             "added_population": p.added_population, "share_after": p.share_after}
            for p in report.proposals
        ],
    }  # fmt: skip


def _office_only() -> None:
    if not can_see_metadata(caller().user.actor):
        raise Problem("not-found")
