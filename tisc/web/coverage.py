"""The national office's coverage view: shaded regions, reach, and the expansion planner."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import force_locale, get_locale

from tisc import offload
from tisc.domain.catalogue import Role
from tisc.forms.filters import CoverageForm
from tisc.web import legend, map_scripts
from tisc.web.guards import require_role
from tisc.web.map_scripts import requested_language
from tisc.web.maps import script_response

bp = Blueprint("coverage", __name__)
bp.before_request(require_role(Role.COORDINATOR))


@bp.route("")
def overview():
    form = CoverageForm(request.args)
    valid = form.validate() if request.args else True
    measure, radius, count = _coverage_inputs(form if valid else CoverageForm(formdata=None))
    report, fingerprint = offload.coverage_report(radius, count, str(get_locale()))
    script = url_for(
        ".script", measure=measure, radius=radius, proposals=count,
        lang=str(get_locale()), v=fingerprint,
    )  # fmt: skip
    rows = report.rows
    return render_template(
        "office/coverage.html",
        form=form,
        report=report,
        measure=measure,
        measure_label=legend.measure_label(measure),
        bins=legend.measure_bins([row.measure(measure) for row in rows]),
        colours=legend.MEASURE_COLOURS,
        script_url=script,
    ), 200 if valid else 400


@bp.route("/map.js")
def script():
    form = CoverageForm(request.args)
    if not form.validate():
        abort(404)
    measure, radius, count = _coverage_inputs(form)
    language = requested_language()
    fingerprint = request.args.get("v", "")
    built = map_scripts.scripts.peek(("coverage", fingerprint, language, measure))
    if built is None:
        with force_locale(language):
            built = map_scripts.coverage_map(measure, radius, count, fingerprint)
    return script_response(built, public=False)


def _coverage_inputs(form: CoverageForm) -> tuple[str, int, int]:
    return (
        form.measure.data or "requests_per_100k",
        form.radius.data if form.radius.data is not None else 150,
        form.proposals.data if form.proposals.data is not None else 3,
    )
