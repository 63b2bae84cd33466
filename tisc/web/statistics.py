"""Public statistics: what the network served, per service and year and per centre, with
small counts hidden so that nobody can be singled out."""

from datetime import UTC, datetime

from flask import Blueprint, render_template

from tisc.domain.figures import SMALL
from tisc.extensions import policy
from tisc.services import dashboards
from tisc.web.shared_pages import shared_page

bp = Blueprint("statistics", __name__)


@bp.route("/statistics")
@shared_page(fresh_for=300)  # the same for every visitor; a few minutes behind is fine
def overview():
    stats = dashboards.public_statistics(policy(), datetime.now(UTC))
    return render_template("public/statistics.html", stats=stats, small=SMALL)
