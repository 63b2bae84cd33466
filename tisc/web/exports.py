"""Downloads of the request lists and the audit trail, with the filters on screen: CSV
streamed, XLSX written to a temporary file in constant memory and streamed from it."""

import json

from flask import Blueprint, Response, abort, request, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.audit import ACTIONS as AUDIT_ACTIONS
from tisc.domain.calendar import due_day
from tisc.domain.catalogue import Role
from tisc.domain.workflow import is_overdue, result_stands
from tisc.extensions import policy
from tisc.formatting import (
    category_label,
    change_said,
    language_label,
    outcome_label,
    pick_text,
    recorded_changes,
    service_label,
    status_label,
)
from tisc.models.base import utcnow
from tisc.services import audit, exports, network, queues
from tisc.services.exports import Table
from tisc.web.desk import desk_filters
from tisc.web.errors import error_page
from tisc.web.guards import role_required
from tisc.web.network_names import recorded_names
from tisc.web.office import audit_filters, audit_targets, office_filters

bp = Blueprint("exports", __name__)
FORMATS = {"csv": "text/csv",  # Werkzeug adds "; charset=utf-8"
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


@bp.route("/office/export.<fmt>")
@role_required(Role.COORDINATOR)
def office(fmt: str):
    form, filters, valid = office_filters()
    if fmt not in FORMATS:
        abort(404)
    if not valid:
        return _wrong_filters(form, "office.overview")
    cards, regions = network.cards_by_id(), network.regions_by_code()
    headers = [gettext("Reference"), gettext("Service"), gettext("Centre"), gettext("Region"),
               gettext("Status"), gettext("Submitted"), gettext("Due"), gettext("Closed"),
               gettext("Outcome"), *_figure_headers(),
               *_overdue_and_language_headers()]  # fmt: skip
    now = utcnow()

    def rows():
        for r in queues.export_rows(current_user, filters, now):
            yield [r.reference, service_label(r.service), pick_text(cards[r.centre_id].names),
                   pick_text(regions[r.region_code].names), status_label(r.status),
                   *_dates(r), *_figures(r), *_overdue_and_language(r, now)]  # fmt: skip

    exports.note_download(current_user, f"office.{fmt}", _described(filters))
    return _send(Table(gettext("Requests"), headers, rows()), fmt, "requests")


@bp.route("/desk/export.<fmt>")
@role_required(Role.STAFF)
def desk(fmt: str):
    form, filters, valid = desk_filters()
    if fmt not in FORMATS:
        abort(404)
    if not valid:
        return _wrong_filters(form, "desk.queue")
    headers = [gettext("Reference"), gettext("Title"), gettext("Service"), gettext("Status"),
               gettext("Assignee"), gettext("Submitted"), gettext("Due"), gettext("Closed"),
               gettext("Outcome"), *_figure_headers(),
               *_overdue_and_language_headers()]  # fmt: skip
    now = utcnow()

    def rows():
        for r in queues.export_rows(current_user, filters, now):
            yield [r.reference, r.title, service_label(r.service), status_label(r.status),
                   r.assignee_name, *_dates(r), *_figures(r),
                   *_overdue_and_language(r, now)]  # fmt: skip

    exports.note_download(current_user, f"desk.{fmt}", _described(filters))
    return _send(Table(gettext("Requests"), headers, rows()), fmt, "desk")


@bp.route("/office/audit.csv")
@role_required(Role.COORDINATOR)
def audit_trail():
    _form, filters = audit_filters()
    if filters is None:
        abort(400)
    lines = audit.everything(filters)
    audit.record_download("audit.exported", current_user.id, filters.described(), len(lines))
    tz, names = policy().calendar.tz, recorded_names()
    targets, nobody = audit_targets(lines, names), gettext("system or unknown")
    headers = [gettext("When"), gettext("Who"), gettext("Action"), gettext("Action code"),
               gettext("On what"), gettext("Change"), gettext("Before (JSON)"),
               gettext("After (JSON)"), gettext("From")]  # fmt: skip
    rows = ([line.at.astimezone(tz).isoformat(timespec="seconds"), line.actor_email or nobody,
             gettext(AUDIT_ACTIONS[line.action]) if line.action in AUDIT_ACTIONS else line.action,
             line.action, _target(line.target, targets), _change(line, names),
             _json(line.before), _json(line.after), line.origin] for line in lines)  # fmt: skip
    return _send(Table(gettext("Audit trail"), headers, rows), "csv", "audit-trail")


def _target(target: str, targets: dict[str, str]) -> str:
    """What an entry is about as the page says it: its name, with the key the trail keeps
    ("Aigerim Bekova (user:8)"); a target with no name as kept."""
    return f"{targets[target]} ({target})" if target in targets else target


def _change(line: audit.Line, names) -> str:
    """An entry's change as the page says it, on one line: "Field: before → after; …",
    a list's "Services: added …; removed …"."""
    return "; ".join(
        f"{change.label}: {change_said(change)}"
        for change in recorded_changes(line.before, line.after, names, line.target)
    )


def _wrong_filters(form, page: str):
    """400 naming each wrong filter and what is wrong with it, with the way back to the list
    (which shows the same filters with their errors)."""
    problems = " ".join(
        f"{form[name].label.text}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
        if name in form
    )
    query = request.query_string.decode("utf-8", "replace")
    return error_page(
        400,
        gettext(
            "Nothing was exported; please correct the filters. %(problems)s", problems=problems
        ),
        back=url_for(page) + (f"?{query}" if query else ""),
        back_label=gettext("Back to the list"),
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value is not None else ""


def _figure_headers() -> list[str]:
    return [gettext("Hours spent"), gettext("Documents cited"), gettext("Rating"),
            gettext("Turnaround, working days"), gettext("Requester")]  # fmt: skip


def _dates(r) -> list:
    tz = policy().calendar.tz
    return [
        r.created_at.astimezone(tz).date(),
        due_day(r.due_at, tz) if r.due_at else None,
        r.closed_at.astimezone(tz).date() if r.closed_at else None,
    ] + [outcome_label(r.outcome) if r.outcome and result_stands(r.status) else None]


def _figures(r) -> list:
    stands = result_stands(r.status)
    result = [r.hours_spent, r.documents_cited, r.rating] if stands else [None] * 3
    return [*result, r.turnaround_days, category_label(r.requester_category)]


# Added after the columns the files had at first, so that a spreadsheet reading those by
# their place still finds them there.
def _overdue_and_language_headers() -> list[str]:
    return [gettext("Overdue"), gettext("Preferred language")]


def _overdue_and_language(r, now) -> list:
    """Whether the request is overdue as the export starts (as the list and the API say
    it), and the language the inventor asked to be answered in."""
    overdue = is_overdue(r.status, r.due_at, now)
    return [gettext("Yes") if overdue else gettext("No"), language_label(r.preferred_language)]


def _described(filters: queues.Filters) -> dict:
    """What an export's entry in the audit trail records: the list's filters that are set
    (not another list's: the office has no assignee or sort) and how many rows it has."""
    return {
        "filters": queues.filters_of(current_user, filters),
        "rows": queues.export_count(current_user, filters),
    }


def _send(table: Table, fmt: str, name: str) -> Response:
    stamp = utcnow().astimezone(policy().calendar.tz).strftime("%Y%m%d-%H%M")  # local time
    if fmt == "csv":
        body = stream_with_context(exports.csv_lines(table))
    else:
        body = exports.stream_file(exports.xlsx_file([table]))
    response = Response(body, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response
