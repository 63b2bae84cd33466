"""Public statistics: what the network served, per service and year and per centre, with
small counts hidden so that nobody can be singled out."""

from datetime import UTC, datetime

from flask import Blueprint, render_template

from tisc.caching import Cache
from tisc.domain.disclosure import SMALL
from tisc.extensions import policy
from tisc.services import dashboards
from tisc.web.shared_pages import kept_until_changed, shared_page

bp = Blueprint("statistics", __name__)

FRESH_FOR = 300  # seconds: the same for every reader; a few minutes behind is fine
_figures: Cache[dashboards.PublicStatistics] = Cache(size=2)  # the same in every language


@bp.route("/statistics")
@shared_page(fresh_for=FRESH_FOR)
def overview():
    """Visitors get the whole page kept; anyone signed in gets their own header around the
    same figures, kept as long (at 2,000 centres their table took 200 ms to render)."""
    return render_template(
        "public/statistics.html",
        kept_key=kept_until_changed(FRESH_FOR),
        statistics=current,
        small=SMALL,
    )


def current() -> dashboards.PublicStatistics:
    """The public statistics as /statistics shows them now, kept a few minutes. A centre's
    page shows its row of these very figures: computed apart (or at another moment), the
    two pages' hidden counts could differ, and comparing them give one away."""
    return _figures.get(
        kept_until_changed(FRESH_FOR),
        lambda: dashboards.public_statistics(policy(), datetime.now(UTC)),
    )
