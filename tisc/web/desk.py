"""The staff desk: the centre's queue with filters, counts and overdue flags."""

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.catalogue import Role, Service
from tisc.domain.errors import Invalid
from tisc.domain.workflow import Status
from tisc.formatting import explain, is_overdue, service_label, status_label
from tisc.forms import options
from tisc.forms.filters import DeskFilterForm
from tisc.services import duplicates, network, queues, reads
from tisc.web.guards import require_role

bp = Blueprint("desk", __name__)
bp.before_request(require_role(Role.STAFF))


@bp.route("")
def queue():
    form, filters, valid = desk_filters()
    try:
        page = queues.desk_page(
            current_user, filters, request.args.get("after"), request.args.get("before")
        )
    except Invalid as error:
        valid, page = False, queues.desk_page(current_user, filters)
        form.submit.errors = [explain(error)]
    ids = [row.id for row in page.rows]
    return render_template(
        "desk/queue.html",
        form=form,
        page=page,
        changed=reads.changed_among(current_user, ids),
        flagged=duplicates.flagged_among(ids),
        questions=queues.question_count(current_user.centre_id),
        overdue_ids={row.id for row in page.rows if is_overdue(row)},
        counts=queues.status_counts(current_user.centre_id),
        overdue=queues.overdue_count(current_user.centre_id),
        centre=network.cards_by_id().get(current_user.centre_id),
        invalid=not valid,
    ), 200 if valid else 400


def desk_filters() -> tuple[DeskFilterForm, queues.Filters, bool]:
    """The desk's filters from the query string (the page and its exports)."""
    form = DeskFilterForm(request.args)
    form.status.choices = options(_desk_status_choices())
    form.service.choices = options(service_choices())
    valid = form.validate() if request.args else True
    filters = queues.Filters(
        status=form.status.data or "open",
        service=form.service.data or "",
        assignee=form.assignee.data or "any",
        overdue=bool(form.overdue.data),
        sort=form.sort.data or "due",
    ) if valid else queues.Filters()  # fmt: skip
    return form, filters, valid


def status_choices() -> list[tuple[str, str]]:
    return [("open", gettext("Open requests")), ("all", gettext("All requests"))] + [
        (status.value, status_label(status)) for status in Status
    ]


def _desk_status_choices() -> list[tuple[str, str]]:
    choices = status_choices()
    return choices[:2] + [(queues.QUESTIONS, gettext("Questions after completion"))] + choices[2:]


def service_choices() -> list[tuple[str, str]]:
    return [("", gettext("All services"))] + [
        (service.value, service_label(service)) for service in Service
    ]
