"""Public statistics: what the network served, per service and year and per centre, with
small counts hidden so that nobody can be singled out."""

from datetime import UTC, datetime

from flask import Blueprint, render_template

from tisc.domain.figures import SMALL
from tisc.services import dashboards
from tisc.web.guards import policy

bp = Blueprint("statistics", __name__)


@bp.route("/statistics")
def overview():
    stats = dashboards.public_statistics(policy(), datetime.now(UTC))
    return render_template("public/statistics.html", stats=stats, small=SMALL)
