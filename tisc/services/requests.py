"""Use cases of a request's life: submit it, act on it, read its timeline."""

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached, undefer

from tisc.domain import workflow
from tisc.domain.catalogue import (
    N_,
    IpRight,
    Language,
    Outcome,
    PatentOffice,
    RequesterCategory,
    Role,
    Service,
)
from tisc.domain.errors import Conflict, Invalid, NotFound, Refused
from tisc.domain.ipc import parse_ipc_list
from tisc.domain.next_step import NextStep, next_step
from tisc.domain.permissions import can_see_internal, is_staff_of
from tisc.domain.policy import Policy
from tisc.domain.references import format_reference
from tisc.domain.routing import Decision, route
from tisc.domain.text import ONE_LINE, is_blank, is_one_line, trimmed
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import Filing, RequestEvent, RequestFile, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.models.requests import FlagState
from tisc.services import centres as centre_service
from tisc.services import duplicates, figures, network, notifications, reads
from tisc.services.access import get_request_for
from tisc.services.counters import move_in_queue, next_reference_number
from tisc.services.files import Upload, checked_uploads, digest, file_row, sent, upload_problems
from tisc.services.unit_of_work import CHANGED_UNDER_YOU, use_case

CENTRE_CLOSED_MEANWHILE = N_(
    "The centre chosen for your request stopped taking requests a moment ago. "
    "Nothing was sent; please send your request again."
)


@dataclass
class Draft:
    """What an inventor submits."""

    service: str
    title: str
    description: str
    region_code: str
    preferred_language: str
    confidentiality_ack: bool
    technical_field: str = ""
    keywords: str = ""
    ipc_classes: str = ""
    preferred_centre_id: int | None = None
    files: list[Upload] = field(default_factory=list)
    # From the form, one per form shown: sending it again makes no second request.
    submission_token: str | None = None
    # Asked once of inventors who have not said yet; kept on the account from then on.
    requester_category: str = ""
    # The inventor has seen the similar open requests and says this one is another.
    send_anyway: bool = False


@dataclass
class ActionInput:
    """What a person acting on a request supplied, as the forms give it."""

    text: str = ""
    assignee_id: int | None = None
    centre_id: int | None = None
    outcome: str | None = None
    summary: str = ""
    hours_spent: str | Decimal | None = None
    documents_cited: int | None = None
    rating: int | None = None
    flag_id: int | None = None  # a duplicate flag of the request (link, dismiss)
    ip_right: str = ""
    office: str = ""
    application_number: str = ""
    filed_on: date | None = None
    files: list[Upload] = field(default_factory=list)


def submit(
    inventor: User,
    draft: Draft,
    policy: Policy,
    now: datetime | None = None,
):
    """Route and record a new request; the caller gets it back with its reference.

    :class:`~tisc.services.duplicates.SimilarOpen` when the inventor has open requests like
    it and the draft does not say ``send_anyway``; then nothing is written.

    What only reads - the draft checked, the inventor's similar open requests found, the
    centre chosen - is done before the write transaction (:func:`_planned`): on SQLite one
    writer goes at a time, and that reading was a third of a submission's turn. Inside it
    the chosen centre is checked again (:func:`_record_submission`). As on PostgreSQL
    always, two requests the same inventor sends at the same moment may then not see each
    other as similar, and a burst may weigh the centres' queues as they were just before."""
    now = now or utcnow()
    plan = _planned(inventor, draft, policy, now)
    return _record_submission(inventor, draft, plan, policy, now)


@dataclass(frozen=True)
class _Plan:
    """A submission as checked and routed, before anything is written."""

    service: Service
    region_code: str
    ipc: list[str]
    category: str
    uploads: list[Upload]
    similar: list[duplicates.Similar]
    decision: Decision


def _planned(inventor: User, draft: Draft, policy: Policy, now: datetime) -> _Plan:
    if inventor.role is not Role.INVENTOR:
        raise Refused(N_("Only inventors submit requests."))
    if problems := problems_of(draft, inventor, policy):
        raise Invalid.together(problems)
    service = Service(draft.service)
    region = network.regions_by_code()[draft.region_code]
    ipc = parse_ipc_list(draft.ipc_classes)
    category = inventor.requester_category or RequesterCategory(draft.requester_category)
    uploads = sent(draft.files)  # checked with the rest of the draft
    # A request made by this very form (sent again) is not similar but the same.
    similar = duplicates.similar_open(
        inventor.id, service, draft.title, draft.keywords, draft.ipc_classes, now,
        same_form=keepable_token(draft.submission_token),
    )  # fmt: skip
    if similar and not draft.send_anyway:
        raise duplicates.SimilarOpen(similar)
    decision = route(
        centre_service.routing_candidates(service),
        service,
        region.code,
        region.admin_centre,
        draft.preferred_centre_id,
        draft.preferred_language,
    )
    return _Plan(service, region.code, ipc, category, uploads, similar, decision)


def problems_of(draft: Draft, inventor: User, policy: Policy) -> list[Invalid]:
    """Every problem of what ``draft`` says that stops ``inventor`` submitting it, in the
    order of its fields: a refused API call names them all at once, beside its fields' own
    (the page's form checks most of them itself, and the rest with :func:`draft_problems`).
    Whether the inventor has similar requests open is the submission's to find out."""
    problems = []
    if draft.service not in _SERVICES:
        problems.append(Invalid("service", N_("Choose a service.")))
    if is_blank(draft.title):
        problems.append(Invalid("title", N_("Give your request a title.")))
    elif not is_one_line(draft.title):  # the page's form says it itself
        problems.append(Invalid("title", ONE_LINE))
    if is_blank(draft.description):
        problems.append(Invalid("description", N_("Describe your invention or question.")))
    if not draft.confidentiality_ack:
        problems.append(
            Invalid("confidentiality_ack", N_("Please confirm that you have read this."))
        )
    if draft.preferred_language not in _LANGUAGES:
        problems.append(Invalid("preferred_language", N_("Choose a language.")))
    if draft.region_code not in network.regions_by_code():
        problems.append(Invalid("region_code", N_("Choose your region.")))
    problems += draft_problems(draft.ipc_classes, draft.files, policy)
    given = inventor.requester_category or draft.requester_category
    if given not in _CATEGORIES:  # asked once, on an inventor's first request
        problems.append(Invalid("requester_category", N_("Tell us who you are asking as.")))
    return problems


_SERVICES = frozenset(service.value for service in Service)
_LANGUAGES = frozenset(language.value for language in Language)
_CATEGORIES = frozenset(category.value for category in RequesterCategory)


def draft_problems(ipc_classes: str, files: list[Upload], policy: Policy) -> list[Invalid]:
    """What a form's own validation cannot see (the IPC classes, the files' contents), every
    problem of them: a refused form then lists them together with its fields' problems,
    rather than one kind a round (and the files chosen again each round)."""
    problems = upload_problems(files, policy.upload_max_bytes)
    try:
        parse_ipc_list(ipc_classes)
    except Invalid as error:
        problems.insert(0, error)
    return problems


@use_case
def _record_submission(
    inventor: User,
    draft: Draft,
    plan: _Plan,
    policy: Policy,
    now: datetime,
) -> ServiceRequest:
    service, decision = plan.service, plan.decision
    category = inventor.requester_category or plan.category  # as it stands now
    if not centre_service.takes_requests_for(decision.centre_id, service):
        raise Conflict(CENTRE_CLOSED_MEANWHILE)
    received = workflow.RequestState(
        status=None, centre_id=decision.centre_id, inventor_id=inventor.id, service=service
    )
    transition = workflow.apply(
        received, Action.SUBMIT, inventor.actor, workflow.Inputs(), now=now, policy=policy
    )
    year = now.astimezone(policy.calendar.tz).year  # the network's year, as its figures count
    number = next_reference_number(year)
    values = dict(
        reference=format_reference(year, number),
        **_written(draft, plan),
        confidentiality_ack=True,
        submission_token=keepable_token(draft.submission_token),
        requester_category=category,
        routing_rule=decision.rule,
        routing_distance_km=decision.distance_km,
        routing_speaks_language=decision.speaks_language,
        version=1,
        **{name: getattr(transition.state, name) for name in _STATE_FIELDS},
    )
    # Core, not the unit of work: a submission writes new rows only, and it is the one
    # thing every inventor does (ORM flushes cost more than the inserts themselves).
    connection = db.session.connection()
    request_id = connection.execute(_INSERT_REQUEST, values).scalar_one()
    service_request = ServiceRequest(id=request_id, **values)
    make_transient_to_detached(service_request)  # it is in the database: no flush, no read
    db.session.add(service_request)
    if inventor.requester_category is None:
        inventor.requester_category = category
    _record(service_request, inventor.actor, inventor, None, transition, plan.uploads, now, policy)
    duplicates.flag(service_request.id, plan.similar, now)
    return service_request


_INSERT_REQUEST = sa.insert(ServiceRequest).returning(ServiceRequest.id)


def _written(draft: Draft, plan: _Plan) -> dict:
    """What a request keeps of what the inventor wrote and chose, as it keeps it."""
    return dict(
        title=trimmed(draft.title),
        description=trimmed(draft.description),
        technical_field=trimmed(draft.technical_field),
        keywords=trimmed(draft.keywords),
        ipc_classes="; ".join(plan.ipc),
        region_code=plan.region_code,
        preferred_language=Language(draft.preferred_language),
        preferred_centre_id=draft.preferred_centre_id,
    )


class SentOtherwise(Exception):
    """The submission's token (a form's, a client's Idempotency-Key) made a request before,
    from a submission that differs; nothing was written. ``first`` is that request."""

    def __init__(self, first: ServiceRequest):
        super().__init__(f"the token made {first.reference}, from another submission")
        self.first = first


def submit_once(
    inventor: User,
    draft: Draft,
    policy: Policy,
    now: datetime | None = None,
) -> tuple[ServiceRequest, bool]:
    """:func:`submit`, unless this form was already sent (a double
    click, a resend): then the request it made, untouched. ``(request, whether it is new)``.

    The database's unique (inventor, token) pair decides, so no extra query is paid
    on the way in and two sends racing each other still make one request. A token sent
    again with a different submission is :class:`SentOtherwise`: what the request keeps
    (service, title, texts, IPC classes, region, language, chosen centre, as the
    submission would keep them) and its files' contents are compared; the requester
    category (the account's once given) and ``send_anyway`` are not.
    """
    now = now or utcnow()
    plan = _planned(inventor, draft, policy, now)
    try:
        return _record_submission(inventor, draft, plan, policy, now), True
    except sa.exc.IntegrityError:
        first = sent_before(inventor, draft.submission_token)
        if not first:
            raise
        if not _same_submission(first, draft, plan):
            raise SentOtherwise(first) from None
        return first, False


def last_region_of(inventor: User) -> str | None:
    """The region of the inventor's latest request, for their next form to start with."""
    return db.session.scalar(
        sa.select(ServiceRequest.region_code)
        .where(ServiceRequest.inventor_id == inventor.id)
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )


def sent_before(inventor: User, token: str | None) -> ServiceRequest | None:
    """The request ``inventor`` already made with this submission token, if any: sending
    it again makes no new one."""
    token = keepable_token(token)
    if token is None:
        return None
    return db.session.scalar(
        sa.select(ServiceRequest).where(
            ServiceRequest.inventor_id == inventor.id, ServiceRequest.submission_token == token
        )
    )


def _same_submission(first: ServiceRequest, draft: Draft, plan: _Plan) -> bool:
    if first.service is not plan.service or any(
        getattr(first, name) != value for name, value in _written(draft, plan).items()
    ):
        return False
    files = db.session.scalars(
        sa.select(RequestFile.sha256)
        .join(RequestEvent, RequestFile.event_id == RequestEvent.id)
        .where(RequestFile.request_id == first.id, RequestEvent.action == Action.SUBMIT)
    )
    return sorted(files) == sorted(digest(upload) for upload in plan.uploads)


def keepable_token(token: str | None) -> str | None:
    """A form's or client's submission token as it can be kept (1-64 visible ASCII
    characters, spaces around dropped), None when it cannot: no deduplication then."""
    token = (token or "").strip()
    return token if 0 < len(token) <= 64 and token.isascii() and token.isprintable() else None


@use_case
def perform(
    user: User,
    reference: str,
    action: Action,
    given: ActionInput,
    policy: Policy,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ServiceRequest:
    """Apply one workflow action by ``user``; the request as it now stands.

    Raises NotFound (may not see it), Refused (not allowed now or by them),
    Invalid (an input), Conflict (it changed since ``expected_version``).
    """
    now = now or utcnow()
    service_request = get_request_for(user, reference)
    if expected_version is not None and service_request.version != expected_version:
        raise Conflict(CHANGED_UNDER_YOU)
    spec = workflow.SPECS.get(action)
    uploads = []
    if given.files:
        if spec is None or not spec.files:
            raise Invalid("files", N_("Files cannot be attached here."))
        uploads = checked_uploads(given.files, policy.upload_max_bytes)
    return act_on(service_request, user.actor, user, action, given, policy, now, uploads)


def check(
    user: User,
    reference: str,
    action: Action,
    given: ActionInput,
    policy: Policy,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Whether :func:`perform` would take the action, without taking it: the same
    refusals, before a far-reaching action is confirmed."""
    service_request = get_request_for(user, reference)
    if expected_version is not None and service_request.version != expected_version:
        raise Conflict(CHANGED_UNDER_YOU)
    workflow.apply(
        state_of(service_request), action, user.actor, _inputs(service_request, action, given),
        now=now or utcnow(), policy=policy,
    )  # fmt: skip


def act_on(
    service_request: ServiceRequest,
    actor: workflow.Actor,
    user: User | None,
    action: Action,
    given: ActionInput,
    policy: Policy,
    now: datetime,
    uploads: list[Upload] = (),
) -> ServiceRequest:
    """Inside a use case that has already found the request: apply one action by
    ``actor`` (``user``, or None for the daily jobs) and record what it leaves behind."""
    transition = workflow.apply(
        state_of(service_request), action, actor,
        _inputs(service_request, action, given), now=now, policy=policy,
    )  # fmt: skip
    before = figures.facts_of(service_request)
    _copy_state(service_request, transition.state)
    _record(service_request, actor, user, before, transition, uploads, now, policy)
    if action in FLAG_DECISIONS:
        duplicates.decide(given.flag_id, FLAG_DECISIONS[action], actor_id(user), now)
    db.session.flush()
    # The workflow changes ids; a person, centre or request loaded through one before
    # would still be the old one in the request handed back (an assignee shown as None).
    db.session.expire(service_request, _FOLLOWING_STATE)
    return service_request


# The request's relationships whose ids the workflow sets.
_FOLLOWING_STATE = ["assignee", "centre", "duplicate_of"]


# What deciding a duplicate flag makes of it (the request's own change is the workflow's).
FLAG_DECISIONS = {
    Action.LINK_DUPLICATE: FlagState.LINKED,
    Action.DISMISS_DUPLICATE: FlagState.DISMISSED,
}


def actor_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _record(service_request, actor, user, before, transition, uploads, now, policy) -> None:
    """Everything an applied action leaves behind, in the use case's transaction: its
    events, files and records, the status counters and figures, the notifications and
    the unread marks. ``before`` is the request's figures' facts before the action (None
    for a submission); ``user`` is None when the system acted."""
    for change in transition.events:
        event_id = _insert_event(service_request, actor_id(user), change, now)
        db.session.add_all(file_row(service_request, event_id, user, u) for u in uploads)
    db.session.add_all(_filing_row(service_request, user, f) for f in transition.records)
    move_in_queue(
        (before.centre_id, before.status) if before else None,
        (service_request.centre_id, service_request.status),
    )
    after = figures.facts_after(before, service_request, transition.records)
    figures.record_change(before, after, policy.calendar.tz)
    notifications.queue_for_events(service_request, transition.events, actor)
    if not all(event.internal for event in transition.events):
        reads.mark_changed(service_request, actor_id(user))


def file_for(user: User, reference: str, file_id: int) -> RequestFile:
    """A file of a request the user may see, with its content; NotFound otherwise."""
    service_request = get_request_for(user, reference)
    query = (
        sa.select(RequestFile)
        .join(RequestEvent)
        .where(RequestFile.id == file_id, RequestFile.request_id == service_request.id)
        .options(undefer(RequestFile.content))
    )
    if not can_see_internal(user.actor, service_request):
        query = query.where(RequestEvent.internal.is_(False))
    stored = db.session.scalar(query)
    if stored is None:
        raise NotFound(N_("There is no such file."))
    return stored


def filings_of(service_request: ServiceRequest) -> list[Filing]:
    """The applications filed after the service, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Filing)
            .where(Filing.request_id == service_request.id)
            .order_by(Filing.filed_on, Filing.id)
        )
    )


def state_of(service_request: ServiceRequest) -> workflow.RequestState:
    """The request as the workflow sees it."""
    return workflow.RequestState(**{name: getattr(service_request, name) for name in _STATE_FIELDS})


def _copy_state(service_request: ServiceRequest, state: workflow.RequestState) -> None:
    """Write the workflow's new state onto the row, touching only what changed."""
    for name in _STATE_FIELDS:
        value = getattr(state, name)
        if getattr(service_request, name, None) != value:
            setattr(service_request, name, value)


_STATE_FIELDS = [f.name for f in fields(workflow.RequestState)]


def available_actions(
    user: User,
    service_request: ServiceRequest,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> list[Action]:
    """What ``user`` may do now; the deployment's ``policy`` decides the time-bound ones
    (reopening within the window), else the defaults do."""
    return workflow.available_actions(
        state_of(service_request), user.actor, now=now or utcnow(), policy=policy
    )


def _filing_row(service_request: ServiceRequest, user: User, filing: workflow.Filing) -> Filing:
    return Filing(
        request_id=service_request.id,
        ip_right=filing.ip_right,
        office=filing.office,
        application_number=filing.application_number,
        filed_on=filing.filed_on,
        reported_by_id=user.id,
    )


def next_step_for(
    user: User, service_request: ServiceRequest, policy: Policy | None = None
) -> NextStep:
    """What ``user`` may do now, arranged around the one main action (see
    :mod:`tisc.domain.next_step`)."""
    available = available_actions(user, service_request, policy)
    return next_step(state_of(service_request), user.actor, available)


def _inputs(service_request: ServiceRequest, action: Action, given: ActionInput) -> workflow.Inputs:
    """Resolve what the form gave into what the workflow checks."""
    assignee_centre_id = None
    if given.assignee_id is not None:
        assignee = db.session.get(User, given.assignee_id)
        if assignee is not None and is_staff_of(assignee.actor, service_request.centre_id):
            assignee_centre_id = assignee.centre_id
    takes_service = False
    if given.centre_id is not None:
        takes_service = centre_service.takes_requests_for(given.centre_id, service_request.service)
    completion = None
    if action is Action.COMPLETE:  # as given: the workflow refuses every problem of it
        completion = workflow.Completion(
            summary=given.summary,
            outcome=_member_or_none(Outcome, given.outcome),
            hours_spent=_hours_or_none(given.hours_spent),
            documents_cited=given.documents_cited or 0,
        )
    other = duplicates.other_of_flag(service_request, given.flag_id)
    return workflow.Inputs(
        flag_other_id=other.id if other is not None else None,
        flag_other_open=other is not None and other.closed_at is None,
        text=given.text,
        assignee_id=given.assignee_id,
        assignee_centre_id=assignee_centre_id,
        target_centre_id=given.centre_id,
        target_centre_takes_service=takes_service,
        completion=completion,
        rating=given.rating,
        **(_filing_inputs(service_request, given) if action is Action.RECORD_FILING else {}),
    )


def _filing_inputs(service_request: ServiceRequest, given: ActionInput) -> dict:
    """The filing the form describes, and the filings already recorded on the request."""
    known = frozenset(
        (office.value, number)
        for office, number in db.session.execute(
            sa.select(Filing.office, Filing.application_number).where(
                Filing.request_id == service_request.id
            )
        )
    )
    # As given, a part missing or not understood left None: the workflow refuses every
    # problem of it at once.
    filing = workflow.Filing(
        _member_or_none(IpRight, given.ip_right),
        _member_or_none(PatentOffice, given.office),
        given.application_number.strip(),
        given.filed_on,
    )
    return {"filing": filing, "known_filings": known}


def _member_or_none(catalogue, value: str | None):
    """The catalogue's member ``value`` names; None when it names none."""
    try:
        return catalogue(value)
    except ValueError:
        return None


def _hours_or_none(value) -> Decimal | None:
    try:
        hours = Decimal(str(value))
        return hours.quantize(Decimal("0.01")) if hours.is_finite() else None
    except InvalidOperation:  # not a number, or too large to keep to the cent
        return None


def _insert_event(
    service_request: ServiceRequest, by_id: int | None, change: workflow.Event, now: datetime
) -> int:
    """Add one event to the request's timeline; its id. Core, not the unit of work: every
    action writes one, and an ORM flush of it cost more than the insert itself."""
    values = dict(
        request_id=service_request.id,
        actor_id=by_id,
        action=change.action,
        created_at=now,
        from_status=change.from_status,
        to_status=change.to_status,
        from_centre_id=change.from_centre_id,
        to_centre_id=change.to_centre_id,
        assignee_id=change.assignee_id,
        text=change.text,
        internal=change.internal,
    )
    return db.session.connection().execute(_INSERT_EVENT, values).scalar_one()


_INSERT_EVENT = sa.insert(RequestEvent).returning(RequestEvent.id)
