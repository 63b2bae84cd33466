"""The staff desk: the centre's queue with quick tabs, search, filters, counts and overdue flags."""

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_number, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tisc.caching import Cache
from tisc.domain.catalogue import Role, Service
from tisc.domain.errors import Invalid
from tisc.domain.workflow import OPEN_STATUSES, Status
from tisc.formatting import explain, is_overdue, service_label, status_label
from tisc.forms import Options, options
from tisc.forms.filters import DeskFilterForm
from tisc.services import network, queues
from tisc.web.guards import require_role
from tisc.web.search import go_to_reference
from tisc.web.templating import kept_form_key, kept_rows

bp = Blueprint("desk", __name__)
bp.before_request(require_role(Role.STAFF))


@dataclass(frozen=True)
class Tab:
    """A quick view of the queue: the filters it sets (the others keep their defaults)."""

    name: str
    label: str
    sets: dict


TABS = [
    Tab("mine", _l("Mine"), {"assignee": "me"}),
    Tab("unassigned", _l("Unassigned"), {"assignee": "unassigned"}),
    Tab("overdue", _l("Overdue"), {"overdue": True}),
    Tab("awaiting", _l("Awaiting the inventor"), {"status": Status.AWAITING_INVENTOR.value}),
    Tab("open", _l("All open"), {}),
    Tab("questions", _l("Questions after completion"), {"status": queues.QUESTIONS}),
]
_TAB_FIELDS = {"status": "open", "assignee": "any", "overdue": False}


@bp.route("")
def queue():
    counts = queues.status_counts(current_user.centre_id)
    form, filters, valid = desk_filters(counts)
    try:
        cursors = request.args.get("after"), request.args.get("before")
        page = queues.desk_page(current_user, filters, *cursors, marked=True, listed=True)
    except Invalid as error:
        valid, page = False, queues.desk_page(current_user, filters, marked=True, listed=True)
        form.submit.errors = [explain(error)]
    rows = [(row, is_overdue(row), row.id in page.changed, row.id in page.flagged)
            for row in page.rows]  # fmt: skip
    badges = queues.tab_counts(current_user)
    return render_template(
        "desk/queue.html",
        form=form,
        page=page,
        rows=kept_rows("desk/_row.html:desk_row", rows),
        counts=counts,
        filters_key=kept_form_key(form, valid, tuple(counts.items())),  # the centre's counts
        tabs=_tabs(filters, counts, badges),
        header_changes=badges.changed,  # asked with the badges: the header need not ask
        centre=network.cards_by_id(recent=True).get(current_user.centre_id),  # its name
        invalid=not valid,
    ), 200 if valid else 400


def desk_filters(
    counts: dict[Status, int] | None = None,
) -> tuple[DeskFilterForm, queues.Filters, bool]:
    """The desk's filters from the query string (the page, with the status ``counts`` in
    its choices, and its exports)."""
    form = DeskFilterForm(request.args)
    form.use_choices(_desk_choices(counts))
    valid = form.validate() if request.args else True
    filters = queues.Filters(
        status=form.status.data or "open",
        service=form.service.data or "",
        assignee=form.assignee.data or "any",
        overdue=bool(form.overdue.data),
        sort=form.sort.data or "due",
        text=form.q.data or "",
    ) if valid else queues.Filters()  # fmt: skip
    return form, filters, valid


@bp.route("/go")
def go():
    """The header's "go to reference": the request itself when it is one of the centre's."""
    return go_to_reference("desk.queue")


@dataclass(frozen=True)
class TabLink:
    """A tab as the page shows it (attributes, not a dict: Jinja looks a dict's keys up
    only after failing to find them as attributes, which costs a raised exception each)."""

    name: str
    label: str
    url: str
    count: int | None  # None: no badge (a count that is not cheap)
    more: bool  # the count stopped at its cap: "999+"
    active: bool


def _tabs(
    filters: queues.Filters, counts: dict[Status, int], badges: queues.TabCounts
) -> list[TabLink]:
    """Each tab with its link (keeping the search, service and sort), its count where one is
    cheap, and whether the current filters are its own."""
    tally = {
        "mine": badges.mine,
        "unassigned": badges.unassigned,
        "overdue": badges.overdue,
        "awaiting": counts.get(Status.AWAITING_INVENTOR, 0),
        "open": sum(counts.get(status, 0) for status in OPEN_STATUSES),
        "questions": badges.questions,
    }
    sort = filters.sort if filters.sort != "due" else ""
    kept = {k: v for k, v in (("q", filters.text), ("service", filters.service), ("sort", sort))
            if v}  # fmt: skip
    now = {name: getattr(filters, name) for name in _TAB_FIELDS}
    shown = []
    for tab in TABS:
        sets = _TAB_FIELDS | tab.sets
        args = kept | {k: ("y" if v is True else v) for k, v in tab.sets.items()}
        count = tally.get(tab.name)
        capped = isinstance(count, queues.Capped)
        shown.append(TabLink(
            tab.name, tab.label, url_for(".queue", **args),
            count.value if capped else count, capped and count.more, sets == now,
        ))  # fmt: skip
    return shown


def status_choices() -> list[tuple[str, str]]:
    return [("open", gettext("Open requests")), ("all", gettext("All requests"))] + [
        (status.value, status_label(status)) for status in Status
    ]


@dataclass(frozen=True)
class DeskChoices:
    status: Options
    service: Options


# Per language and the centre's counts: a queue that does not change shows the same ones.
_kept_choices: Cache[DeskChoices] = Cache(size=64)


def _desk_choices(counts: dict[Status, int] | None) -> DeskChoices:
    """The filters' statuses (with the centre's ``counts``) and services."""
    key = (str(get_locale()), None if counts is None else tuple(counts.items()))
    return _kept_choices.get(key, lambda: DeskChoices(
        status=options(_desk_status_choices(counts)), service=options(service_choices())
    ))  # fmt: skip


def _desk_status_choices(counts: dict[Status, int] | None) -> list[tuple[str, str]]:
    """The statuses, with the centre's count of each when given: "Submitted (3)"."""
    choices = [
        (value, f"{text} ({format_number(counts.get(Status(value), 0))})")
        if counts is not None and value in Status.__members__.values() else (value, text)
        for value, text in status_choices()
    ]  # fmt: skip
    return choices[:2] + [(queues.QUESTIONS, gettext("Questions after completion"))] + choices[2:]


def service_choices() -> list[tuple[str, str]]:
    return [("", gettext("All services"))] + [
        (service.value, service_label(service)) for service in Service
    ]
