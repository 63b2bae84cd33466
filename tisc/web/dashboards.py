"""The dashboards: the coordinator's network, a centre's own (with its people), and the
regions' map script."""

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale, get_locale, gettext
from flask_login import current_user

from tisc.domain.catalogue import Role, Service
from tisc.domain.errors import Invalid
from tisc.domain.figures import UNKNOWN_CATEGORY, Period, choose_period
from tisc.extensions import policy
from tisc.formatting import category_choices, explain, pick_text, service_label
from tisc.forms import options
from tisc.forms.figures import DashboardForm
from tisc.services import dashboards, network
from tisc.services.figures import Scope
from tisc.web import legend, map_scripts
from tisc.web.guards import role_required
from tisc.web.map_scripts import requested_language
from tisc.web.maps import script_response
from tisc.web.navigation import with_query
from tisc.web.network_names import centre_options, region_options

bp = Blueprint("dashboards", __name__)


@bp.route("/office/dashboard")
@role_required(Role.COORDINATOR)
def office():
    form, scope, period, valid = read_choices(with_centre=True)
    board = dashboards.dashboard(scope, period, policy(), datetime.now(UTC))
    map_url = with_query(
        ".regions_script", lang=str(get_locale()), v=_fingerprint(board.regions)
    ) if valid else None  # fmt: skip
    rates = legend.rates_per_100k(
        {s.key.code: s.figures.received for s in board.regions},
        {code: card.population for code, card in network.regions_by_code().items()},
    )
    return render_template(
        "dashboards/office.html", form=form, board=board, map_url=map_url, charts=charts(board),
        region_rates=rates, region_bins=legend.measure_bins(list(rates.values())),
        colours=legend.MEASURE_COLOURS,
    ), 200 if valid else 400  # fmt: skip


@bp.route("/office/dashboard/regions.js")
@role_required(Role.COORDINATOR)
def regions_script():
    _form, scope, period, valid = read_choices(with_centre=True)
    if not valid:
        abort(404)
    language = requested_language()
    built = map_scripts.scripts.peek(("figures", request.args.get("v"), language))
    if built is None:
        values = dashboards.region_figures(scope, period, policy())
        counts = {code: [v.received, v.completed] for code, v in values.items()}
        with force_locale(language):
            built = map_scripts.figures_map(counts, _fingerprint_of(values))
    return script_response(built, public=False)


@bp.route("/desk/dashboard")
@role_required(Role.STAFF)
def desk():
    form, scope, period, valid = read_choices(with_centre=False)
    scope = Scope(current_user.centre_id, scope.service, scope.region_code, scope.category)
    board = dashboards.dashboard(scope, period, policy(), datetime.now(UTC))
    return render_template(
        "dashboards/desk.html",
        form=form,
        board=board,
        network_total=dashboards.network_totals(period, policy(), scope=scope),
        colleagues=dashboards.colleagues(
            current_user.centre_id, period, policy().calendar.tz, scope=scope
        ),
        centre=network.cards_by_id().get(current_user.centre_id),
        charts=charts(board),
    ), 200 if valid else 400


def read_choices(with_centre: bool) -> tuple[DashboardForm, Scope, Period, bool]:
    """The period and filters asked for; on bad input the errors are on the form and the
    default view (this year, the whole network) is shown."""
    form = DashboardForm(request.args)
    # The centres and regions are kept per language and network version; the rest is short.
    form.centre.choices, form.region.choices = centre_options(), region_options()
    form.service.choices = options(
        [("", gettext("All services"))] + [(s.value, service_label(s)) for s in Service]
    )
    form.category.choices = options(
        [("", gettext("All requesters")), *category_choices()]
        + [(UNKNOWN_CATEGORY, gettext("Not recorded"))]
    )
    if not with_centre:
        del form.centre
    today = datetime.now(UTC).astimezone(policy().calendar.tz).date()
    valid = form.validate() if request.args else True
    if valid:
        try:
            period = choose_period(form.period.data or "", today, form.first.data or "",
                                   form.last.data or "")  # fmt: skip
        except Invalid as error:
            form[error.field if error.field in form else "period"].errors.append(explain(error))
            valid = False
    if not valid:
        for name in ("period", "centre", "service", "region", "category"):
            if name in form and form[name].errors:
                form[name].errors = [gettext("Choose one of the list.")]
        return form, Scope(), choose_period("this_year", today), False
    centre = form.centre.data if with_centre else ""
    scope = Scope(int(centre) if centre else None, form.service.data or "",
                  form.region.data or "", form.category.data or "")  # fmt: skip
    return form, scope, period, True


def charts(board: dashboards.Dashboard) -> dict:
    """The four charts' data, as plain JSON for static/js/dashboard_charts.js (the tables beside
    them carry the same numbers)."""
    from tisc.domain.figures import turnaround_bands
    from tisc.formatting import month_label

    active = [s for s in board.centres if s.figures.received or s.figures.completed]
    return {
        "per_month": {
            "labels": [month_label(m.key) for m in board.months],
            "series": [
                {"label": pick_text(s.key.names),
                 "values": [board.received_by_centre_month.get(s.key.id, {}).get(m.key, 0)
                            for m in board.months]}
                for s in active
            ],
        },
        "on_time": {
            "labels": [pick_text(s.key.names) for s in active],
            "values": [s.figures.on_time_rate for s in active],
        },
        "turnaround": {
            "labels": [service_label(s.key) for s in board.services if s.figures.completed],
            "bands": [gettext("up to 5 days"), gettext("6–10 days"), gettext("11–20 days"),
                      gettext("21–40 days"), gettext("more than 40 days")],
            "values": [turnaround_bands(s.figures.turnarounds)
                       for s in board.services if s.figures.completed],
        },
        "satisfaction": {
            "labels": [pick_text(s.key.names) for s in active],
            "values": [s.figures.mean_rating for s in active],
        },
    }  # fmt: skip


def _fingerprint(regions: list[dashboards.Slice]) -> str:
    return _fingerprint_of({s.key.code: s.figures for s in regions})


def _fingerprint_of(values: dict) -> str:
    text = repr(sorted((code, f.received, f.completed) for code, f in values.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
