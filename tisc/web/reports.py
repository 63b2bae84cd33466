"""WIPO's annual report of the national TISC network: a page laid out like WIPO's
questionnaire, printable, and the same tables as an XLSX workbook (one sheet each)."""

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.catalogue import Role
from tisc.domain.collation import region_sort_name
from tisc.domain.errors import Invalid
from tisc.domain.figures import check_year
from tisc.extensions import policy
from tisc.formatting import (
    by_name,
    category_label,
    explain,
    ip_right_label,
    outcome_label,
    pick_text,
    service_label,
)
from tisc.forms.figures import ReportYearForm
from tisc.services import dashboards, exports
from tisc.services.exports import Table
from tisc.web.guards import require_role

bp = Blueprint("reports", __name__)
bp.before_request(require_role(Role.COORDINATOR))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/wipo")
def wipo():
    form, year, problem = _year()
    if problem:
        return render_template("reports/wipo.html", form=form, tables=None, year=None), 400
    report = dashboards.wipo_report(year, policy(), datetime.now(UTC))
    return render_template(
        "reports/wipo.html", form=form, tables=tables(report), year=year, undated=report.undated
    )


@bp.route("/wipo.xlsx")
def wipo_xlsx():
    form, year, problem = _year()
    if problem:
        return render_template("reports/wipo.html", form=form, tables=None, year=None), 400
    report = dashboards.wipo_report(year, policy(), datetime.now(UTC))
    exports.note_download(current_user, "wipo.xlsx", {"year": year})
    workbook = exports.xlsx_file(tables(report), title=title(year))
    response = Response(exports.stream_file(workbook), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="tisc-wipo-{year}.xlsx"'
    return response


def _year() -> tuple[ReportYearForm, int | None, bool]:
    form = ReportYearForm(request.args)
    today = datetime.now(UTC).astimezone(policy().calendar.tz).date()
    if "year" not in request.args:  # the latest year reported on; other parameters do not matter
        form.year.data = today.year - 1 if today.month < 4 else today.year
    elif not form.validate():
        form.year.errors = [gettext("Choose a year from %(first)s to %(last)s.", first=2000,
                                    last=today.year)]  # fmt: skip
        return form, None, True
    try:
        return form, check_year(form.year.data, today), False
    except Invalid as error:
        form.year.errors = [explain(error)]
        return form, None, True


def title(year: int) -> str:
    """The workbook's title: whose report, to whom and of which year."""
    network = gettext("TISC Network — Technology and Innovation Support Centres of Kazakhstan")
    return gettext("%(network)s: annual report to WIPO for %(year)s", network=network, year=year)


def tables(report: dashboards.WipoReport) -> list[Table]:
    """The report's tables, headed in the reader's language; the page and the XLSX share them."""
    received, served = gettext("Inquiries received"), gettext("Inquiries served")

    def counts(slices, label):
        return [[label(s.key), s.figures.received, s.figures.served] for s in slices]

    def region_name(region) -> str:
        return pick_text(region.names)

    def sheet(number: int, name: str) -> str:
        """A sheet's own short name: a title would not fit Excel's 31 characters in kk/ru."""
        return f"{number}. {name}"

    t = report.total
    total = [gettext("Total"), t.received, t.served]
    return [
        Table(gettext("1. Centres"), [gettext("Centres"), gettext("Number")], [
            [gettext("Active TISCs"), report.centres_active],
            [gettext("Planned TISCs"), report.centres_planned],
        ], sheet(1, gettext("Centres"))),
        Table(gettext("2. By service"), [gettext("Service"), received, served],
              counts(report.services, service_label), sheet(2, gettext("Services")), [total]),
        Table(gettext("3. By requester"), [gettext("Requester category"), received, served],
              counts(report.categories, category_label), sheet(3, gettext("Requesters")),
              [total]),
        # In the reader's alphabet, as regions are everywhere else (the report keeps codes).
        Table(gettext("4. By region"), [gettext("Region of the inventor"), received, served],
              counts(by_name(report.regions, lambda s: region_sort_name(region_name(s.key))),
                     region_name), sheet(4, gettext("Regions")), [total]),
        Table(gettext("5. Value-added services"), [gettext("Service"), received, served],
              counts(report.value_added, service_label), sheet(5, gettext("Value added"))),
        # What became of the year's requests: each outcome of those completed, then those
        # closed without being served.
        Table(gettext("6. Outcomes"), [gettext("Outcome"), gettext("Requests")],
              [[outcome_label(o), n] for o, n in report.outcomes], sheet(6, gettext("Outcomes")), [
                  [gettext("Completed (served)"), t.served],
                  [gettext("Requests declined, withdrawn or closed otherwise"), t.closed_unserved],
              ]),
        Table(gettext("7. IP filings"), [gettext("IP right"), gettext("Applications filed")],
              [[ip_right_label(r), n] for r, n in report.filings], sheet(7, gettext("Filings")),
              [[gettext("Total"), t.filings_total]]),
        Table(gettext("8. Training"), [gettext("Training and awareness"), gettext("Number")], [
            [gettext("Events held"), report.events.events],
            [gettext("Participants"), report.events.participants],
            [gettext("TISC staff trained"), report.events.staff_trained],
        ], sheet(8, gettext("Training"))),
        Table(gettext("9. Satisfaction"), [gettext("Satisfaction"), gettext("Value")], [
            [gettext("Mean rating (1–5)"),
             round(t.mean_rating, 1) if t.mean_rating is not None else None],  # as dashboards
            [gettext("Completed requests rated"), t.rated],
        ], sheet(9, gettext("Satisfaction"))),
    ]  # fmt: skip
