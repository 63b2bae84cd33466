"""The dashboards' and the WIPO report's figures through the API: the national office's for
the network, a centre's staff for their own centre."""

from datetime import UTC, datetime

from tisc.api import representations as shown
from tisc.api import schemas
from tisc.api.auth import caller, needs
from tisc.api.blueprints import Blueprint
from tisc.api.problems import Problem
from tisc.domain.catalogue import N_, Role
from tisc.domain.errors import Invalid
from tisc.domain.figures import check_year, choose_period
from tisc.extensions import policy
from tisc.services import centres, dashboards, network
from tisc.services.figures import Scope

bp = Blueprint("api_figures", __name__, url_prefix="/api/v1",
               description="Figures: the dashboards and WIPO's annual report")  # fmt: skip
HIDDEN = "Not for this person"


@bp.route("/figures")
@needs("read")
@bp.arguments(schemas.FiguresQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Dashboard)
@bp.refuses(400)
@bp.refuses(404, HIDDEN)
def figures(period="", first="", last="", centre="", **given):
    """A dashboard's figures for a period: the network (national office, any filters) or
    the token owner's centre (its staff). Small counts are not hidden: these are the
    figures of the people who run the network, as on their dashboards. A range's months
    make the period ``custom``; with another period they are refused, not ignored."""
    if first or last:
        if period not in ("", "custom"):
            raise Invalid("first" if first else "last", N_("A range's months need period=custom."))
        period = "custom"
    now = datetime.now(UTC)
    centre_id = _centre_scope(caller().user, centre)
    if given.get("region") and given["region"] not in network.regions_by_code():
        raise Invalid("region", N_("Choose one of the options."))
    chosen = choose_period(period, now.astimezone(policy().calendar.tz).date(), first, last)
    scope = Scope(centre_id, given.get("service", ""), given.get("region", ""),
                  given.get("category", ""))  # fmt: skip
    return shown.dashboard(dashboards.dashboard(scope, chosen, policy(), now))


def _centre_scope(user, slug: str) -> int | None:
    """The centre whose figures ``user`` asked for: staff only ever their own, the
    national office any (None: the whole network); 404 for anyone else."""
    found = centres.find_centre(slug) if slug else None
    if slug and found is None:
        raise Invalid("centre", N_("Choose one of the options."))
    if user.role is Role.STAFF:
        if found is not None and found.id != user.centre_id:
            raise Problem("not-found")
        return user.centre_id
    if user.role is Role.COORDINATOR:
        return found.id if found else None
    raise Problem("not-found")


@bp.route("/reports/wipo")
@needs("read")
@bp.arguments(schemas.ReportQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.WipoReport)
@bp.refuses(400)
@bp.refuses(404, HIDDEN)
def wipo_report(year: int):
    """The figures of WIPO's annual TISC questionnaire for ``year`` (the national office).

    The centres are counted as the network stood at the end of the year (for this year:
    now), each with the status it had then, so a past year's report does not change when a
    centre is added, planned or suspended later: active TISCs that had joined by then, and
    planned ones on record by then. A centre with no join date recorded counts from the day
    it was added to the app (``centres_without_join_date`` lists them)."""
    if caller().user.role is not Role.COORDINATOR:
        raise Problem("not-found")
    now = datetime.now(UTC)
    year = check_year(year, now.astimezone(policy().calendar.tz).date())
    return shown.wipo_report(dashboards.wipo_report(year, policy(), now))
