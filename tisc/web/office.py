"""The national office: every request's metadata, and the management of centres and staff."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext
from flask_login import current_user
from wtforms import SelectChoice

from tisc.caching import Cache
from tisc.domain.audit import ACTIONS as AUDIT_ACTIONS
from tisc.domain.catalogue import CentreStatus, Role, Service
from tisc.domain.errors import DomainError, Invalid, Refused
from tisc.extensions import policy
from tisc.formatting import (
    RecordedNames,
    by_name,
    centre_status_label,
    explain,
    in_locale,
    is_overdue,
    pick_text,
    service_label,
)
from tisc.forms import Options, language_options, options
from tisc.forms.centres import CentreForm, CentreSuspendForm, StaffCreateForm, StaffMoveForm
from tisc.forms.filters import AuditFilterForm, OfficeFilterForm
from tisc.models import Centre
from tisc.models.base import LARGEST_ID
from tisc.services import (
    accounts,
    audit,
    centres,
    handover,
    network,
    outbox,
    oversight,
    queues,
    suspension,
)
from tisc.web.desk import service_choices, status_choices
from tisc.web.feedback import show_on_form
from tisc.web.guards import require_role
from tisc.web.inputs import id_arg
from tisc.web.navigation import with_query
from tisc.web.network_names import (
    all_centres,
    centre_options,
    city_options,
    recorded_names,
    region_options,
    staff_centre_options,
)
from tisc.web.search import go_to_reference
from tisc.web.templating import kept_form_key, kept_rows
from tisc.worker import finish_after_response

bp = Blueprint("office", __name__)
bp.before_request(require_role(Role.COORDINATOR))


@bp.route("")
def overview():
    form, filters, valid = office_filters()
    args = request.args.get("after"), request.args.get("before")
    try:
        page = queues.office_page(current_user, filters, *args, listed=True)
    except Invalid as error:
        valid, page = False, queues.office_page(current_user, filters, listed=True)
        form.submit.errors = [explain(error)]
    centre_cards, region_cards = network.cards_by_id(), network.regions_by_code()
    rows = [(row, pick_text(centre_cards[row.centre_id].names),
             pick_text(region_cards[row.region_code].names), is_overdue(row))
            for row in page.rows]  # fmt: skip
    return render_template(
        "office/overview.html",
        form=form,
        rows=kept_rows("office/_row.html:office_row", rows),
        page=page,
        counts=queues.status_counts(filters.centre_id),
        overdue=queues.overdue_count(filters.centre_id),
        filters_key=kept_form_key(form, valid, network.version()),
        invalid=not valid,
    ), 200 if valid else 400


@bp.route("/go")
def go():
    """The header's "go to reference": straight to a request's metadata."""
    return go_to_reference("office.overview")


@bp.route("/requests/<reference>")
def request_metadata(reference: str):
    return render_template(
        "office/request.html", meta=oversight.request_metadata(current_user, reference)
    )


@bp.route("/mail")
def undelivered_mail():
    """E-mails the mail server refused: who they were for and why (never what they said);
    and those kept, never sent, for want of a mail server."""
    return render_template(
        "office/mail.html", messages=outbox.undeliverable(), standing=outbox.standing()
    )


@bp.route("/centres")
def centre_list():
    return render_template(
        "office/centres.html",
        network_version=network.version(),
        all_centres=all_centres,  # called only when the kept table is missing
    )


@bp.route("/centres/new", methods=["GET", "POST"])
def centre_new():
    form = CentreForm()
    _centre_choices(form)
    if request.method == "GET":
        form.status.data = CentreStatus.ACTIVE.value
    if form.validate_on_submit():
        try:
            centre = centres.create_centre(_centre_details(form), by=current_user)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("Centre %(name)s created.", name=in_locale(centre)), "success")
            _warn_if_unstaffed(centre.id)
            return redirect(url_for(".centre_list"))
    return render_template("office/centre_form.html", form=form, centre=None), (
        400 if form.errors else 200
    )


@bp.route("/centres/<slug>/edit", methods=["GET", "POST"])
def centre_edit(slug: str):
    centre = centres.get_centre(slug, public=False)
    form = CentreForm(obj=centre if request.method == "GET" else None)
    _centre_choices(form, centre)
    if request.method == "GET":
        form.services.data = [s.value for s in centre.services]
        form.status.data = centre.status.value
    form.slug.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            centres.update_centre(slug, _centre_details(form), by=current_user)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("Centre saved."), "success")
            _warn_if_unstaffed(centre.id)
            return redirect(url_for(".centre_list"))
    return render_template(
        "office/centre_form.html", form=form, centre=centre, history=centres.history(slug),
        actions=AUDIT_ACTIONS,
        names=recorded_names(),
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/centres/<slug>/status", methods=["POST"])
def centre_status(slug: str):
    try:
        status = CentreStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    try:
        centre = centres.set_status(slug, status, by=current_user)
    except Refused as error:
        flash(explain(error), "warning")
        if centres.get_centre(slug, public=False).is_always_active:  # said once, on the list
            return redirect(url_for(".centre_list"))
        # Open requests: the suspension page asks where they go.
        return redirect(url_for(".centre_suspend", slug=slug))
    flash(gettext("%(name)s: %(status)s.", name=in_locale(centre),
                  status=centre_status_label(status)), "success")  # fmt: skip
    _warn_if_unstaffed(centre.id)
    return redirect(url_for(".centre_list"))


def _warn_if_unstaffed(centre_id: int | None) -> None:
    """Said after whatever leaves an active centre with nobody to take its requests."""
    if centre := centres.unstaffed(centre_id):
        flash(gettext("Nobody works at %(centre)s: the requests routed to it wait with nobody "
                      "to take them. Create a staff account there, or move someone.",
                      centre=in_locale(centre)), "warning")  # fmt: skip


PLAN_SHOWN = 200  # requests listed with where they would go; the rest are counted


@bp.route("/centres/<slug>/suspend", methods=["GET", "POST"])
def centre_suspend(slug: str):
    centre = centres.get_centre(slug, public=False)
    if centre.is_always_active:  # the service would refuse it: say why instead of a form
        refusal = gettext(centres.ALWAYS_ACTIVE)
        page = render_template("office/centre_suspend.html", centre=centre, refusal=refusal)
        return page, 400 if request.method == "POST" else 200
    form = CentreSuspendForm(formdata=request.args or None) if request.method == "GET" else (
        CentreSuspendForm()
    )  # fmt: skip
    others = _other_centres(centre.id)
    form.centre.choices = options([("", "—")] + others)
    picked = form.mode.data == "centre" and form.centre.data in {value for value, _ in others}
    chosen = int(form.centre.data) if picked else None
    if form.validate_on_submit():
        try:
            done = suspension.suspend(current_user, slug, form.text.data or "", policy(), chosen)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(ngettext("%(name)s is suspended; %(num)d open request moved.",
                           "%(name)s is suspended; %(num)d open requests moved.",
                           done.moved, name=in_locale(centre)), "success")  # fmt: skip
            if done.finished:
                return redirect(url_for(".centre_list"))
            flash(ngettext("%(num)d more is moving in the background.",
                           "%(num)d more are moving in the background.",
                           done.left), "info")  # fmt: skip
            return finish_after_response(redirect(url_for(".centre_suspend", slug=slug)))
    if centre.status is CentreStatus.SUSPENDED:  # how far its requests have moved
        progress = suspension.progress(centre)
        page = make_response(render_template(
            "office/centre_suspend.html", form=form, centre=centre, progress=progress,
        ))  # fmt: skip
        # Without a worker, looking again moves more (the page asks to reload it).
        return finish_after_response(page) if progress and not progress.finished else page
    plan, outlook = suspension.preview(centre, chosen, PLAN_SHOWN)
    return render_template(
        "office/centre_suspend.html", form=form, centre=centre, plan=plan, outlook=outlook,
        cards=network.cards_by_id(),
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/staff", methods=["GET", "POST"])
def staff():
    form = StaffCreateForm()
    form.centre.choices = staff_centre_options()
    form.locale.choices = language_options()
    if not form.is_submitted():
        form.locale.data = str(get_locale())  # the office's own, to begin with
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.name.data,
                form.email.data,
                Role(form.role.data),
                policy().password_hash_method,
                centre_slug=form.centre.data or None,
                locale=form.locale.data or str(get_locale()),
                by=current_user,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for(".staff"))
    people = by_name(accounts.staff_and_coordinators(), lambda person: person.name)
    return render_template(
        "office/staff.html",
        form=form,
        people=people,
        invited={person.id for person in people if accounts.awaits_password(person)},
        centres=network.cards_by_id(),  # not each person's centre loaded in turn
        still_held=handover.still_to_unassign(),
    ), 400 if form.errors else 200


@bp.route("/staff/<int:user_id>/move", methods=["GET", "POST"])
def staff_move(user_id: int):
    """A page of its own, not a list of every centre in each row of the staff table
    (with 2,000 centres that table was 7.5 MB)."""
    person = accounts.staff_member(user_id)
    form = StaffMoveForm()
    form.centre.choices = staff_centre_options()
    if request.method == "GET" and person.centre is not None:
        form.centre.data = person.centre.slug
    if form.validate_on_submit() and _moves_elsewhere(form, person):
        left = person.centre_id
        try:
            user = accounts.move_staff(user_id, form.centre.data, by=current_user, policy=policy())
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("%(name)s moved to %(centre)s.", name=user.name,
                          centre=in_locale(user.centre)), "success")  # fmt: skip
            _warn_if_unstaffed(left)
            return finish_after_response(redirect(url_for(".staff")))
    return render_template("office/staff_move.html", form=form, person=person), (
        400 if form.errors else 200
    )


@bp.route("/staff/<int:user_id>/active", methods=["POST"])
def staff_active(user_id: int):
    given = request.form.get("active")
    if given not in ("0", "1"):  # neither button: not read as "deactivate"
        abort(400)
    active = given == "1"
    asked = request.form.get("confirmed") == "y" or user_id == current_user.id
    if not active and not asked:  # say what will happen first
        person = accounts.staff_member_or_coordinator(user_id)
        return render_template(
            "confirm.html",
            heading=gettext("Deactivate %(name)s?", name=person.name),
            warning=gettext("%(name)s is signed out at once and can no longer sign in. Their "
                            "requests stay with their centre; you can reactivate the account "
                            "later.", name=person.name),
            button=gettext("Yes, deactivate"), fields={"active": "0"},
            back=url_for(".staff"),
        )  # fmt: skip
    user = accounts.set_staff_active(user_id, active, by=current_user, policy=policy())
    if active:
        flash(gettext("%(name)s can sign in again.", name=user.name), "success")
    else:
        flash(gettext("%(name)s is deactivated and signed out.", name=user.name), "success")
        _warn_if_unstaffed(user.centre_id)
    return finish_after_response(redirect(url_for(".staff")))


@bp.route("/staff/<int:user_id>/invite", methods=["POST"])
def staff_invite(user_id: int):
    """The invitation again, for someone whose link expired or went astray."""
    try:
        user = accounts.invite_again(user_id, by=current_user)
    except Refused as error:
        flash(explain(error), "warning")
    else:
        flash(gettext("The invitation was sent to %(email)s again.", email=user.email), "success")
    return finish_after_response(redirect(url_for(".staff")))


@bp.route("/audit")
def audit_trail():
    form, filters = audit_filters()
    before = id_arg("before") or LARGEST_ID
    lines, older = audit.page(filters, before) if filters else ([], None)
    older_url = with_query(".audit_trail", before=older) if older else None
    names = recorded_names()
    return render_template(
        "office/audit.html",
        form=form,
        lines=lines,
        older_url=older_url,
        actions=AUDIT_ACTIONS,
        names=names,
        targets=audit_targets(lines, names),
    ), 200 if filters else 400


def audit_targets(lines: list[audit.Line], names: RecordedNames) -> dict[str, str]:
    """What the trail's ``lines`` are about, by name: an account (``user:8``) and a centre
    (``centre:kbtu``) as the page and its CSV name them beside the kept key."""
    centres = {f"centre:{slug}": name for slug, name in names.centre_slugs.items()}
    return audit.people_named(lines) | centres


def audit_filters() -> tuple[AuditFilterForm, audit.Filters | None]:
    """The page's filter form and what it selects (None when the form is wrong)."""
    form = AuditFilterForm(request.args)
    form.action.choices = options(
        [("", gettext("All actions"))]
        + [(name, gettext(label)) for name, label in AUDIT_ACTIONS.items()]
    )
    if request.args and not form.validate():
        return form, None
    tz = policy().calendar.tz
    return form, audit.Filters(
        action=form.action.data or "",
        who=(form.who.data or "").strip(),
        since=_start_of(form.since.data, tz),
        until=_start_of(_day_after(form.until.data), tz),
        target=(form.target.data or "").strip(),
        without_sign_ins=form.without_sign_ins.data,
    )


def _day_after(day: date | None) -> date | None:
    """The day after ``day`` (None after the calendar's last: no end at all)."""
    return day + timedelta(days=1) if day is not None and day < date.max else None


def _start_of(day: date | None, tz) -> datetime | None:
    """The first instant of ``day`` in ``tz``, in UTC; None for no day, or one whose start
    falls before the calendar's first UTC instant (no bound at all)."""
    try:
        return datetime.combine(day, time(), tz).astimezone(UTC) if day else None
    except OverflowError:
        return None


def office_filters() -> tuple[OfficeFilterForm, queues.Filters, bool]:
    """The office list's filters from the query string (the page and its exports)."""
    form = OfficeFilterForm(request.args)
    form.use_choices(
        _office_choices.get(str(get_locale()), _build_office_choices, stamp=network.version())
    )
    valid = form.validate() if request.args else True
    filters = queues.Filters(
        status=form.status.data or "all",
        service=form.service.data or "",
        centre_id=int(form.centre.data) if form.centre.data else None,
        region_code=form.region.data or "",
        overdue=bool(form.overdue.data),
        text=form.q.data or "",
    ) if valid else queues.Filters(status="all")  # fmt: skip
    return form, filters, valid


@dataclass(frozen=True)
class OfficeChoices:
    status: Options
    service: Options
    centre: Options
    region: Options


_office_choices: Cache[OfficeChoices] = Cache(size=8)


def _build_office_choices() -> OfficeChoices:
    """The office list's filters: the same for the office in a language until the network
    changes (with 2,000 centres, sorting them by name was most of the page)."""
    return OfficeChoices(
        status=options(status_choices()),
        service=options(service_choices()),
        centre=centre_options(),
        region=region_options(),
    )


def _moves_elsewhere(form: StaffMoveForm, person) -> bool:
    """Whether the centre chosen is another one; if not, the form says so."""
    if person.centre is not None and form.centre.data == person.centre.slug:
        form.centre.errors.append(gettext("They already work at this centre: choose another."))
        return False
    return True


def _other_centres(centre_id: int) -> list[tuple[str, str]]:
    return [
        (str(card.id), pick_text(card.names))
        for card in all_centres()
        if card.is_active_tisc and card.id != centre_id
    ]


def _centre_choices(form: CentreForm, centre: Centre | None = None) -> None:
    statuses = list(CentreStatus)
    if centre is not None and centre.is_always_active:
        statuses = [CentreStatus.ACTIVE]
        form.status.description = gettext(centres.ALWAYS_ACTIVE)
    form.status.choices = options([(s.value, centre_status_label(s)) for s in statuses])
    # A new centre's town is chosen, not the first of the list left as it came.
    towns = city_options()
    form.city_id.choices = (
        towns if centre else Options([SelectChoice("", gettext("Choose a city")), *towns])
    )
    form.services.choices = options([(s.value, service_label(s)) for s in Service])
    form.languages.choices = language_options()


def _centre_details(form: CentreForm) -> centres.CentreDetails:
    return centres.CentreDetails(
        slug=form.slug.data.strip(),
        **{
            name: (form[name].data or "")
            for name in ("name_kk", "name_ru", "name_en", "status", *centres.PROFILE_TEXTS)
        },
        city_id=form.city_id.data,
        lat=form.lat.data,
        lon=form.lon.data,
        services=form.services.data or [],
        languages=form.languages.data or [],
        joined_on=form.joined_on.data,
    )
