"""A request's pages: submit one, list one's own, follow and act on one, fetch its files."""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.catalogue import (
    IP_RIGHT_LABELS,
    LANGUAGE_NAMES,
    N_,
    OUTCOME_LABELS,
    PATENT_OFFICE_LABELS,
    Role,
)
from tisc.domain.errors import Conflict, Invalid, Refused
from tisc.domain.workflow import SPECS, Action
from tisc.extensions import limiter
from tisc.formatting import category_choices, in_locale, pick_text, service_label
from tisc.forms import options
from tisc.forms.requests import ACTION_FORMS, RequestSubmitForm
from tisc.services import accounts, centres, directory, network, queues, reads, timeline
from tisc.services import requests as request_service
from tisc.services.access import get_request_for
from tisc.services.files import Upload
from tisc.web.errors import explain
from tisc.web.feedback import show_on_form
from tisc.web.guards import SIGNED_IN, policy, require_role, role_required

bp = Blueprint("requests", __name__)
bp.before_request(require_role(*SIGNED_IN))


def _submit_limit() -> str:
    return current_app.config["TISC_SUBMIT_LIMIT"]


def _per_user() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.INVENTOR)
@limiter.limit(_submit_limit, methods=["POST"], key_func=_per_user)
def new():
    form = RequestSubmitForm()
    _submission_choices(form)
    if request.method == "GET":
        form.service.data = request.args.get("service", "")
        slug = request.args.get("centre")
        chosen = centres.find_centre(slug) if slug else None
        form.preferred_centre.data = str(chosen.id) if chosen else ""
        form.preferred_language.data = str(current_user.locale or "")
    if form.validate_on_submit():
        try:
            service_request = request_service.submit(current_user, _draft(form), policy())
        except Invalid as error:
            show_on_form(form, error, {"preferred_centre_id": "preferred_centre"})
        else:
            flash(
                gettext(
                    SPECS[Action.SUBMIT].done,
                    reference=service_request.reference,
                    centre=in_locale(service_request.centre),
                ),
                "success",
            )
            return redirect(url_for(".detail", reference=service_request.reference))
    return render_template("requests/new.html", form=form), 400 if form.errors else 200


@bp.route("")
@role_required(Role.INVENTOR)
def mine():
    page = queues.inventor_page(current_user, request.args.get("after"), request.args.get("before"))
    changed = reads.changed_among(current_user, [row.id for row in page.rows])
    return render_template(
        "requests/mine.html", page=page, changed=changed, centres=network.cards_by_id()
    )


@bp.route("/<reference>")
def detail(reference: str):
    service_request = get_request_for(current_user, reference)
    if reads.needs_marking(current_user, service_request):
        reads.mark_seen(current_user.id, service_request.id)
    return _detail_page(service_request)


@bp.route("/<reference>/<action_name>", methods=["POST"])
def act(reference: str, action_name: str):
    service_request = get_request_for(current_user, reference)
    try:
        action = Action(action_name)
        form_class = ACTION_FORMS[action]
    except (ValueError, KeyError):
        abort(404)
    form = form_class(prefix=action.value)
    _action_choices(form, service_request)
    if form.validate_on_submit():
        try:
            request_service.perform(
                current_user,
                service_request.reference,
                action,
                _action_input(form),
                policy(),
                expected_version=_version(form),
            )
        except Invalid as error:
            show_on_form(form, error, {"assignee": "assignee", "centre": "centre"})
        except (Refused, Conflict) as error:
            service_request = get_request_for(current_user, reference)
            return _detail_page(service_request, problem=explain(error)), 409
        else:
            flash(gettext(SPECS[action].done), "success")
            if action is Action.TRANSFER:  # the request has left this centre's desk
                return redirect(url_for("desk.queue"))
            return redirect(url_for(".detail", reference=service_request.reference))
    return _detail_page(service_request, bound=form), 400


@bp.route("/<reference>/files/<int:file_id>")
def download(reference: str, file_id: int):
    stored = request_service.file_for(current_user, reference, file_id)
    return send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=stored.sha256,
        max_age=0,
    )


def _detail_page(service_request, bound=None, problem: str | None = None):
    actions = request_service.available_actions(current_user, service_request)
    forms = {}
    for action in actions:
        if bound is not None and bound.action is action:
            forms[action] = bound
            continue
        form = ACTION_FORMS[action](prefix=action.value, formdata=None)
        form.version.data = str(service_request.version)
        _action_choices(form, service_request)
        forms[action] = form
    return render_template(
        "requests/detail.html",
        service_request=service_request,
        timeline=timeline.timeline(current_user, service_request),
        filings=request_service.filings_of(service_request),
        forms=forms,
        problem=problem,
    )


def _submission_choices(form: RequestSubmitForm) -> None:
    offered = directory.offered_services()
    form.service.choices = options(
        [("", gettext("Choose a service"))]
        + [(service.value, service_label(service)) for service in offered]
    )
    form.region_code.choices = options(
        [("", gettext("Choose your region"))]
        + sorted(
            ((region.code, pick_text(region.names)) for region in network.regions()),
            key=lambda pair: pair[1],
        )
    )
    form.preferred_language.choices = options(
        [("", gettext("Choose a language"))]
        + [(code.value, name) for code, name in LANGUAGE_NAMES.items()]
    )
    if current_user.requester_category is None:
        form.requester_category.choices = options(
            [("", gettext("Choose one"))] + category_choices()
        )
    else:
        del form.requester_category
    cards = sorted(directory.active_offering(), key=lambda card: pick_text(card.names))
    form.preferred_centre.choices = options(
        [("", gettext("Any centre (recommended)"))]
        + [(str(c.id), f"{pick_text(c.names)} — {pick_text(c.city_names)}") for c in cards]
    )


def _draft(form: RequestSubmitForm) -> request_service.Draft:
    return request_service.Draft(
        service=form.service.data,
        title=form.title.data,
        description=form.description.data,
        technical_field=form.technical_field.data or "",
        keywords=form.keywords.data or "",
        ipc_classes=form.ipc_classes.data or "",
        region_code=form.region_code.data,
        preferred_language=form.preferred_language.data,
        preferred_centre_id=int(form.preferred_centre.data) if form.preferred_centre.data else None,
        confidentiality_ack=bool(form.confidentiality_ack.data),
        files=_uploads(form),
        requester_category=form.requester_category.data or ""
        if "requester_category" in form._fields
        else "",
    )


def _uploads(form) -> list[Upload]:
    field = form._fields.get("files")
    if field is None:
        return []
    return [
        Upload(storage.filename or "", storage.read())
        for storage in request.files.getlist(field.name)
        if storage and (storage.filename or storage.content_length)
    ]


def _action_choices(form, service_request) -> None:
    if "assignee" in form._fields:
        form.assignee.choices = options(
            [(user.id, user.name) for user in accounts.staff_of(service_request.centre_id)]
        )
    if "centre" in form._fields:
        targets = directory.transfer_targets(
            service_request.service.value, service_request.centre_id
        )
        form.centre.choices = options(
            (card.id, f"{pick_text(card.names)} — {pick_text(card.city_names)}") for card in targets
        )
    if "ip_right" in form._fields:
        form.ip_right.choices = options((r.value, gettext(t)) for r, t in IP_RIGHT_LABELS.items())
        form.office.choices = options(
            (o.value, gettext(t)) for o, t in PATENT_OFFICE_LABELS.items()
        )
    if "outcome" in form._fields:
        form.outcome.choices = options(
            [("", gettext("Choose an outcome"))]
            + [(code.value, gettext(label)) for code, label in OUTCOME_LABELS.items()]
        )


def _action_input(form) -> request_service.ActionInput:
    def value(name, default=None):
        field = form._fields.get(name)
        return field.data if field is not None and field.data is not None else default

    return request_service.ActionInput(
        text=value("text", ""),
        assignee_id=value("assignee"),
        centre_id=value("centre"),
        outcome=value("outcome"),
        summary=value("summary", ""),
        hours_spent=value("hours_spent"),
        documents_cited=value("documents_cited"),
        rating=value("rating"),
        ip_right=value("ip_right", ""),
        office=value("office", ""),
        application_number=value("application_number", ""),
        filed_on=value("filed_on"),
        files=_uploads(form),
    )


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        raise Conflict(N_("This form is out of date. Please reload the page.")) from None
