"""Training and awareness events: a centre's staff record theirs; the coordinator sees all."""

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.catalogue import (
    EVENT_AUDIENCE_LABELS,
    EVENT_FORMAT_LABELS,
    Role,
)
from tisc.domain.errors import Invalid
from tisc.domain.figures import check_year
from tisc.extensions import policy
from tisc.formatting import explain
from tisc.forms import language_options, options
from tisc.forms.figures import EventForm
from tisc.services import events, network
from tisc.web.feedback import show_on_form
from tisc.web.guards import role_required
from tisc.web.inputs import id_arg, whole_number
from tisc.web.network_names import tisc_names

bp = Blueprint("events", __name__)


@bp.route("/desk/events")
@role_required(Role.STAFF)
def desk_list():
    return render_template(
        "events/desk.html",
        events=events.centre_events(current_user.centre_id),
        centre=network.cards_by_id().get(current_user.centre_id),
        today=_today(),
    )


@bp.route("/desk/events/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def new():
    form = _choices(EventForm())
    if form.validate_on_submit():
        try:
            events.create_event(current_user, _details(form), _today())
        except Invalid as error:
            show_on_form(form, error)
        else:
            flash(gettext("The event is saved."), "success")
            return redirect(url_for(".desk_list"))
    return render_template("events/form.html", form=form, event=None), 400 if form.errors else 200


@bp.route("/desk/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit(event_id: int):
    event = events.event_for(current_user, event_id)
    form = _choices(EventForm(obj=event if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            events.update_event(current_user, event_id, _details(form), _today())
        except Invalid as error:
            show_on_form(form, error)
        else:
            flash(gettext("The event is saved."), "success")
            return redirect(url_for(".desk_list"))
    return render_template("events/form.html", form=form, event=event), 400 if form.errors else 200


@bp.route("/office/events")
@role_required(Role.COORDINATOR)
def office_list():
    today = _today()
    problem, year = None, today.year
    try:
        # Not a number (?year=abc, ?year=) is as wrong as a year out of range: not this year.
        year = check_year(whole_number(request.args.get("year", str(today.year))), today)
    except Invalid as error:
        problem = explain(error)
    centre_id = id_arg("centre")
    return render_template(
        "events/office.html",
        events=[] if problem else events.network_events(year, centre_id),
        names=dict(tisc_names()),
        year=year,
        centre_id=centre_id,
        problem=problem,
        today=today,
    ), 400 if problem else 200


def _today():
    return datetime.now(UTC).astimezone(policy().calendar.tz).date()


def _choices(form: EventForm) -> EventForm:
    form.format.choices = options((f.value, gettext(t)) for f, t in EVENT_FORMAT_LABELS.items())
    form.language.choices = language_options()
    form.audience.choices = options((a.value, gettext(t)) for a, t in EVENT_AUDIENCE_LABELS.items())
    return form


def _details(form: EventForm) -> events.EventDetails:
    return events.EventDetails(
        title=form.title.data or "",
        held_on=form.held_on.data,
        format=form.format.data,
        language=form.language.data,
        audience=form.audience.data,
        participants=form.participants.data,
        link=form.link.data or "",
    )
