"""A request's pages: submit one, list one's own, follow and act on one, fetch its files."""

import io
import secrets
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale, gettext
from flask_login import current_user

from tisc import allowances
from tisc.caching import Cache
from tisc.domain import next_step
from tisc.domain.catalogue import (
    IP_RIGHT_LABELS,
    N_,
    OUTCOME_LABELS,
    PATENT_OFFICE_LABELS,
    Role,
)
from tisc.domain.errors import Conflict, Invalid, Refused
from tisc.domain.workflow import SPECS, Action
from tisc.extensions import limiter, policy
from tisc.formatting import (
    by_name,
    category_choices,
    day,
    due,
    explain,
    in_time,
    is_overdue,
    pick_text,
    service_label,
)
from tisc.forms import language_options, options
from tisc.forms.filters import RequestSearchForm
from tisc.forms.requests import ACTION_FORMS, FLAG_FORMS, REPLY_FIELDS, RequestSubmitForm
from tisc.services import (
    accounts,
    centres,
    directory,
    duplicates,
    network,
    queues,
    reads,
    replies,
    timeline,
)
from tisc.services import requests as request_service
from tisc.services.access import get_request_for
from tisc.services.files import Upload, served_name
from tisc.web.feedback import show_on_form
from tisc.web.guards import SIGNED_IN, require_role, role_required
from tisc.web.inputs import as_id
from tisc.web.network_names import region_names
from tisc.web.templating import kept_rows

ALREADY_SENT = N_("You had already sent this request: %(reference)s, to %(centre)s.")
SENT_OTHERWISE = N_(
    "You had already sent this form: %(reference)s. Your changes since were not sent; to send "
    "the form as it is now as a new request, send it again."
)

bp = Blueprint("requests", __name__)
bp.before_request(require_role(*SIGNED_IN))


def _form_limit() -> str:
    return current_app.config["TISC_SUBMIT_FORM_LIMIT"]


def _per_user() -> str:
    return f"user:{current_user.id}"


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.INVENTOR)
# Every post of the form counts here, against hammering; only a request made counts against
# TISC_SUBMIT_LIMIT (spent by the use case): corrections and the similar-request warning
# cost the inventor nothing of it.
@limiter.limit(_form_limit, methods=["POST"], key_func=_per_user)
def new():
    form = RequestSubmitForm()
    _submission_choices(form)
    if request.method == "GET":
        form.once.data = secrets.token_urlsafe(16)
        form.service.data = request.args.get("service", "")
        # The directory's link names a region; else the inventor's last request's
        form.region_code.data = (
            request.args.get("region") or request_service.last_region_of(current_user) or ""
        )
        slug = request.args.get("centre")
        chosen = centres.find_centre(slug) if slug else None
        form.preferred_centre.data = str(chosen.id) if chosen else ""
        form.preferred_language.data = str(current_user.locale or "")
    similar, headers, refused = [], {}, False
    if form.is_submitted() and _checked(form, uploads := _uploads(form)):
        try:
            _check_allowance(form.once.data)  # nothing written before it
            service_request, new = request_service.submit_once(
                current_user, _draft(form, uploads), policy()
            )
        except allowances.AllowanceSpent as spent:  # the form stays, as typed
            form.form_errors.append(_allowance_spent(spent))
            refused, headers = True, spent.headers
        except duplicates.SimilarOpen as found:  # shown above the form, until confirmed
            similar = found.similar
        except request_service.SentOtherwise as sent:  # this form, sent before and changed
            form.form_errors.append(gettext(SENT_OTHERWISE, reference=sent.first.reference))
            form.once.data = secrets.token_urlsafe(16)  # sent again, it is a new request
        except Invalid as error:
            show_on_form(form, error, {"preferred_centre_id": "preferred_centre"})
        except Conflict as error:
            form.form_errors.append(explain(error))
        else:
            if new:  # only a request made counts: not a resend, nor a refused form
                allowances.spend(*_SUBMISSIONS, _per_user())
            done = SPECS[Action.SUBMIT].done if new else ALREADY_SENT
            flash(
                gettext(
                    done,
                    reference=service_request.reference,
                    centre=pick_text(network.cards_by_id()[service_request.centre_id].names),
                ),
                "success" if new else "info",
            )
            return redirect(url_for(".detail", reference=service_request.reference))
    status = 429 if refused else 400 if form.errors else 200
    return render_template("requests/new.html", form=form, similar=similar), status, headers


def _checked(form: RequestSubmitForm, uploads: list[Upload]) -> bool:
    """The form's fields validated, and its IPC classes and files checked even when they
    fail: one round names every problem."""
    valid = form.validate()
    problems = request_service.draft_problems(form.ipc_classes.data or "", uploads, policy())
    for problem in problems:
        show_on_form(form, problem)
    return valid and not problems


# The per-person allowance of requests made (``TISC_SUBMIT_LIMIT``), the pages' bucket.
_SUBMISSIONS = ("TISC_SUBMIT_LIMIT", "pages", "submit")


def _check_allowance(token: str | None) -> None:
    """:class:`allowances.AllowanceSpent` when the inventor has sent all the requests they
    may for now, unless this form made one already (a double click that used up the
    allowance, sent again): that one gets its request."""
    try:
        allowances.check(*_SUBMISSIONS, _per_user())
    except allowances.AllowanceSpent:
        if request_service.sent_before(current_user, token) is None:
            raise


def _allowance_spent(spent: allowances.AllowanceSpent) -> str:
    if spent.retry_after is None:
        return gettext(
            "You have sent as many requests as an account may send for now, so this one was "
            "not sent. Please send it again later."
        )
    return gettext(
        "You have sent as many requests as an account may send for now, so this one was not "
        "sent. You can send it %(when)s.",
        when=in_time(spent.retry_after),
    )


@bp.route("")
@role_required(Role.INVENTOR)
def mine():
    form = RequestSearchForm(request.args)
    valid = form.validate() if request.args else True
    text = form.q.data or "" if valid else ""
    args = request.args.get("after"), request.args.get("before")
    page = queues.inventor_page(current_user, *args, text=text, marked=True, listed=True)
    centres = network.cards_by_id()
    rows = [(row, row.id in page.changed, is_overdue(row), pick_text(centres[row.centre_id].names))
            for row in page.rows]  # fmt: skip
    return render_template(
        "requests/mine.html", page=page, rows=kept_rows("requests/_row.html:mine_row", rows),
        form=form,
    ), 200 if valid else 400  # fmt: skip


@bp.route("/<reference>")
def detail(reference: str):
    service_request = get_request_for(current_user, reference, changed=True)
    if service_request.changed_for_reader:
        reads.mark_seen(current_user.id, service_request.id)
    return _detail_page(service_request, insert=_reply_to_insert(service_request), opened=_opened())


def _opened() -> Action | None:
    """A menu action whose panel was asked for (``?do=transfer``): its form is rendered
    only then, so the page renders few forms and runs no queries for the others."""
    try:
        return Action(request.args.get("do", ""))
    except ValueError:
        return None


def _reply_to_insert(service_request) -> tuple[Action, str] | None:
    """Without JavaScript, "Insert" reloads the page with ``?reply=ID&into=ACTION``."""
    try:
        action, reply_id = Action(request.args.get("into", "")), int(request.args["reply"])
    except (KeyError, ValueError):
        return None
    chosen = next((r for r in _saved_replies(service_request) if r.id == reply_id), None)
    return (action, chosen.text) if chosen and action in REPLY_FIELDS else None


@bp.route("/<reference>/<action_name>", methods=["POST"])
def act(reference: str, action_name: str):
    service_request = get_request_for(current_user, reference)
    action = _form_action(action_name)
    form = ACTION_FORMS[action](prefix=action.value)
    _action_choices(form, service_request)
    if form.validate_on_submit():
        try:
            if not _take(action, form, reference):
                return _confirmation(service_request, action, form)
        except Invalid as error:
            if action in FLAG_FORMS:  # its fields are hidden: say it above the page
                return _detail_page(service_request, problem=explain(error)), 400
            show_on_form(form, error, {"assignee": "assignee", "centre": "centre"})
        except (Refused, Conflict) as error:
            service_request = get_request_for(current_user, reference)
            _rebase(form, service_request)
            return _detail_page(service_request, bound=form, problem=explain(error)), 409
        else:
            flash(gettext(SPECS[action].done), "success")
            if action is Action.TRANSFER:  # the request has left this centre's desk
                return redirect(url_for("desk.queue"))
            # The page again, its panels closed: it shows the next step.
            return redirect(url_for(".detail", reference=service_request.reference))
    unclear = gettext("Choose a possible duplicate of this request.")
    # An action the request no longer takes (a page left open) is refused as such, 409,
    # whatever its fields held: the page says so and gives back what was typed.
    offered = action in request_service.available_actions(current_user, service_request, policy())
    return _detail_page(
        service_request, bound=form, problem=unclear if action in FLAG_FORMS else None
    ), 400 if offered else 409


@bp.get("/<reference>/<action_name>")
def action_address(reference: str, action_name: str):
    """An action's address opened as a page: a form sent back with its errors leaves the
    address in the browser's bar, and a restored tab, the history or a copied link opens it
    later. That is the request's page, with the action's panel open where it has one."""
    service_request = get_request_for(current_user, reference)
    action = _form_action(action_name)
    return redirect(
        url_for(".detail", reference=service_request.reference, do=action.value, _anchor="panel")
    )


def _form_action(name: str) -> Action:
    """The action a form of the request page takes, by its address's name; else 404."""
    try:
        action = Action(name)
    except ValueError:
        abort(404)
    if action not in ACTION_FORMS:
        abort(404)
    return action


def _rebase(form, service_request) -> None:
    """A refused form, kept as typed against the request as it now stands: sent again, it
    is checked against what the person now sees, and confirmed again if it needs to be."""
    form.version.data = str(service_request.version)
    form.confirmed.data = ""


def _take(action: Action, form, reference: str) -> bool:
    """Take the action, unless it is far-reaching and not confirmed yet: then only check
    that it could be taken (False), so that the confirmation never promises a refusal."""
    use_case = request_service.perform
    if SPECS[action].confirm and not form.confirmed.data:
        use_case = request_service.check
    use_case(current_user, reference, action, _action_input(form), policy(),
             expected_version=_version(form))  # fmt: skip
    return use_case is request_service.perform


@bp.route("/<reference>/files/<int:file_id>")
def download(reference: str, file_id: int):
    stored = request_service.file_for(current_user, reference, file_id)
    response = send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=served_name(stored.filename, stored.content_type),
        etag=stored.sha256,
    )
    response.cache_control.public = False  # confidential: no cache may keep a copy
    response.cache_control.no_store = True
    return response


def _detail_page(service_request, bound=None, problem=None, insert=None, opened=None):
    """The page around the next step: only the forms it shows are built."""
    step = request_service.next_step_for(current_user, service_request, policy())
    opened = _panel(step, bound, insert, opened)
    forms = _forms(step, service_request, opened)
    unsent = []
    if bound is not None and bound.action in forms:
        forms[bound.action] = bound
    elif bound is not None:  # no longer offered: said so, and what was typed shown to copy
        problem = problem or gettext(
            "That can no longer be done: the request has changed since you opened it."
        )
        unsent = [(f.label.text, f.data) for f in bound
                  if f.type == "TextAreaField" and (f.data or "").strip()]  # fmt: skip
    if insert is not None and insert[0] in forms and not forms[insert[0]].errors:
        forms[insert[0]][REPLY_FIELDS[insert[0]]].data = insert[1]
    flags = duplicates.flags_for(current_user.actor, service_request)
    flag_forms = [{a: _blank_form(a, service_request, flag.id) for a in step.flags}
                  for flag in flags]  # fmt: skip
    entries = timeline.timeline(current_user, service_request)
    return render_template(
        "requests/detail.html",
        service_request=service_request,
        step=step,
        opened_panel=opened,
        timeline=entries,
        filings=request_service.filings_of(service_request),
        forms=forms,
        flags=list(zip(flags, flag_forms, strict=True)),
        replies=_saved_replies(service_request) if any(a in REPLY_FIELDS for a in forms) else [],
        reply_fields=REPLY_FIELDS,
        inserted=insert[0] if insert else None,
        centres=network.cards_by_id(),  # names from the network's cache, not lazy loads
        regions=network.regions_by_code(),
        problem=problem,
        unsent=unsent,
        declined=timeline.last_of(entries, Action.DECLINE),
        asked=timeline.last_of(entries, Action.ASK),
        waiting_questions=timeline.questions_waiting(entries, service_request.question_since),
        completed=timeline.last_of(entries, Action.COMPLETE),
        moments=_moments(service_request),
    )


def _panel(step, bound, insert, asked: Action | None) -> Action | None:
    """The action whose panel is open: a menu action that was asked for, failed or had a
    saved reply inserted, or assigning to a colleague rather than oneself."""
    may_open = (*step.menu, *([Action.ASSIGN] if step.main is Action.ASSIGN else []))
    if bound is not None and bound.action in may_open:
        return bound.action
    if insert is not None and insert[0] in step.menu:
        return insert[0]
    return asked if asked in may_open else None


def _forms(step, service_request, opened: Action | None) -> dict:
    """Blank forms of the actions the page shows, and of the open panel's."""
    shown = [*step.shown, *([opened] if opened and opened not in step.shown else [])]
    # "Take it" needs no list of colleagues: it assigns the person who clicks.
    take = Action.ASSIGN if step.main is Action.ASSIGN and opened is not Action.ASSIGN else None
    return {a: _blank_form(a, service_request, choices=a is not take) for a in shown}


def _moments(service_request) -> dict[str, str]:
    """The dates and names the banner's sentence may name, in the reader's language."""
    state = request_service.state_of(service_request)
    reply_by = next_step.reply_by(state, policy())
    since = service_request.question_since or service_request.awaiting_since
    closed = service_request.closed_at
    return {
        "centre": pick_text(network.cards_by_id()[service_request.centre_id].names),
        "assignee": service_request.assignee.name if service_request.assignee else "",
        "due": due(service_request.due_at),
        "since": day(since) if since else "",
        "closed": day(closed) if closed else "",
        "reply_by": due(reply_by) if reply_by else "",  # a deadline, dated as one
        "reopen_until": day(policy().reopen_until(closed)) if closed else "",
    }


def _confirmation(service_request, action: Action, form):
    """The step that says what a far-reaching action will do, before it is done."""
    target = network.cards_by_id().get(form.centre.data) if "centre" in form._fields else None
    warning = gettext(
        SPECS[action].warning,
        centre=pick_text(target.names) if target else "",
        days=policy().reopen_window_days,
    )
    return render_template(
        "requests/confirm.html", service_request=service_request, action=action, form=form,
        warning=warning,
    )  # fmt: skip


def _blank_form(action: Action, service_request, flag_id: int | None = None, choices=True):
    form = ACTION_FORMS[action](prefix=action.value, formdata=None)
    form.version.data = str(service_request.version)
    if flag_id is not None:
        form.flag.data = str(flag_id)
    if choices:
        _action_choices(form, service_request, shown=True)
    return form


def _saved_replies(service_request):
    """The centre's saved replies, in the inventor's language, filled in for this request:
    read once a request, as "Insert" without JavaScript needs them before the page does.

    The values are worked out only for a centre that has saved replies: the due date in
    the inventor's language reads that language's calendar data, about 1.3 MB a worker."""
    if "saved_replies" not in g:
        g.saved_replies = _filled_replies(service_request)
    return g.saved_replies


def _filled_replies(service_request):
    saved = replies.for_centre(current_user)
    if not saved:
        return []
    language = service_request.preferred_language.value
    with force_locale(language):
        values = {
            "name": service_request.inventor.name,
            "reference": service_request.reference,
            "due": due(service_request.due_at),
        }
    return replies.filled(saved, language, values)


@dataclass(frozen=True)
class SubmissionChoices:
    service: list
    region_code: list
    preferred_language: list
    preferred_centre: list


_choices: Cache[SubmissionChoices] = Cache(size=8)


def _submission_choices(form: RequestSubmitForm) -> None:
    """The form's lists, the same for everyone in a language until the network changes."""
    locale = str(get_locale())
    form.use_choices(_choices.get(locale, _build_submission_choices, stamp=network.version()))
    # Asked once of each inventor: from then on their account says.
    if current_user.requester_category is None:
        form.requester_category.choices = options(
            [("", gettext("Choose one"))] + category_choices()
        )
    else:
        del form.requester_category


def _build_submission_choices() -> SubmissionChoices:
    offered = directory.offered_services()
    cards = by_name(directory.active_offering(), lambda card: pick_text(card.names))
    return SubmissionChoices(
        service=options(
            [("", gettext("Choose a service"))]
            + [(service.value, service_label(service)) for service in offered]
        ),
        region_code=options([("", gettext("Choose your region"))] + region_names()),
        preferred_language=language_options(("", gettext("Choose a language"))),
        preferred_centre=options(
            [("", gettext("Any centre (recommended)"))]
            + [(str(c.id), f"{pick_text(c.names)} — {pick_text(c.city_names)}") for c in cards]
        ),
    )


def _draft(form: RequestSubmitForm, uploads: list[Upload]) -> request_service.Draft:
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
        files=uploads,
        submission_token=form.once.data,
        send_anyway=bool(form.send_anyway.data),
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


def _action_choices(form, service_request, *, shown: bool = False) -> None:
    """The form's choices. A form ``shown`` offers a colleague other than who has the
    request now; one sent is checked against them all, so that one sent from an older
    version of the page is told the request changed (the workflow refuses the same one)."""
    if "assignee" in form._fields:
        people = by_name(accounts.staff_of(service_request.centre_id), lambda user: user.name)
        holder = service_request.assignee_id if shown else None
        choices = [(user.id, user.name) for user in people if user.id != holder]
        form.assignee.choices = options(choices)
        if not choices:
            form.nothing_to_choose = gettext("Nobody else works at this centre.")
    if "centre" in form._fields:
        targets = directory.transfer_targets(
            service_request.service.value, service_request.centre_id
        )
        form.centre.choices = options(
            (card.id, f"{pick_text(card.names)} — {pick_text(card.city_names)}")
            for card in by_name(targets, lambda card: pick_text(card.names))
        )
        if not targets:
            form.nothing_to_choose = gettext("No other active centre offers this service.")
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
        flag_id=as_id(value("flag")),
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
