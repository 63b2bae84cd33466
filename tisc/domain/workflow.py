"""The life of a request as one transition table, and the one function that applies it.

Every action - from a page, the CLI or the demo loader - goes through
:func:`apply`. It checks who may act, in which state, with which inputs, and
returns the new state with the events to append to the timeline, or raises a
:class:`~tisc.domain.errors.Refused` / :class:`~tisc.domain.errors.Invalid`.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from tisc.domain.catalogue import N_, Outcome, Role
from tisc.domain.errors import Invalid, Refused


class Status(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_INVENTOR = "awaiting_inventor"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_INVENTOR}
)
CLOSED_STATUSES = frozenset(Status) - OPEN_STATUSES
# The centre's clock runs in these; awaiting the inventor pauses it.
CLOCK_RUNNING = OPEN_STATUSES - {Status.AWAITING_INVENTOR}

STATUS_LABELS: dict[Status, str] = {
    Status.SUBMITTED: N_("Submitted"),
    Status.ASSIGNED: N_("Assigned"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.AWAITING_INVENTOR: N_("Awaiting inventor"),
    Status.COMPLETED: N_("Completed"),
    Status.DECLINED: N_("Declined"),
    Status.WITHDRAWN: N_("Withdrawn"),
}


class Action(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"
    TRANSFER = "transfer"
    START = "start"
    ASK = "ask"
    REPLY = "reply"
    MESSAGE = "message"
    NOTE = "note"
    COMPLETE = "complete"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    RATE = "rate"
    RECORD_FILING = "record_filing"  # the inventor filed an application after the service


class Needs(StrEnum):
    """Inputs an action cannot do without."""

    TEXT = "text"
    ASSIGNEE = "assignee"
    TARGET_CENTRE = "target_centre"
    OUTCOME = "outcome"
    RATING = "rating"
    APPLICATION_NUMBER = "application_number"


@dataclass(frozen=True)
class Rule:
    """Who may take an action, from which status to which, needing what."""

    roles: frozenset[Role]
    moves: dict[Status, Status]
    needs: frozenset[Needs] = frozenset()
    internal: bool = False  # the event is hidden from the inventor


_STAFF = frozenset({Role.STAFF})
_INVENTOR = frozenset({Role.INVENTOR})


def _stay(statuses) -> dict[Status, Status]:
    return {status: status for status in statuses}


TRANSITIONS: dict[Action, Rule] = {
    Action.ASSIGN: Rule(
        _STAFF,
        {
            Status.SUBMITTED: Status.ASSIGNED,
            Status.ASSIGNED: Status.ASSIGNED,
            Status.IN_PROGRESS: Status.IN_PROGRESS,
            Status.AWAITING_INVENTOR: Status.AWAITING_INVENTOR,
        },
        frozenset({Needs.ASSIGNEE}),
    ),
    Action.TRANSFER: Rule(
        _STAFF,
        {status: Status.SUBMITTED for status in OPEN_STATUSES},
        frozenset({Needs.TARGET_CENTRE, Needs.TEXT}),
    ),
    Action.START: Rule(_STAFF, {Status.ASSIGNED: Status.IN_PROGRESS}),
    Action.ASK: Rule(
        _STAFF, {Status.IN_PROGRESS: Status.AWAITING_INVENTOR}, frozenset({Needs.TEXT})
    ),
    Action.REPLY: Rule(
        _INVENTOR, {Status.AWAITING_INVENTOR: Status.IN_PROGRESS}, frozenset({Needs.TEXT})
    ),
    Action.MESSAGE: Rule(
        frozenset({Role.STAFF, Role.INVENTOR}), _stay(OPEN_STATUSES), frozenset({Needs.TEXT})
    ),
    Action.NOTE: Rule(_STAFF, _stay(Status), frozenset({Needs.TEXT}), internal=True),
    Action.COMPLETE: Rule(
        _STAFF, {Status.IN_PROGRESS: Status.COMPLETED}, frozenset({Needs.OUTCOME})
    ),
    Action.DECLINE: Rule(
        _STAFF,
        {
            Status.SUBMITTED: Status.DECLINED,
            Status.ASSIGNED: Status.DECLINED,
            Status.IN_PROGRESS: Status.DECLINED,
        },
        frozenset({Needs.TEXT}),
    ),
    Action.WITHDRAW: Rule(_INVENTOR, {status: Status.WITHDRAWN for status in OPEN_STATUSES}),
    Action.REOPEN: Rule(
        _STAFF,
        {Status.COMPLETED: Status.ASSIGNED, Status.DECLINED: Status.ASSIGNED},
        frozenset({Needs.TEXT}),
    ),
    Action.RATE: Rule(_INVENTOR, {Status.COMPLETED: Status.COMPLETED}, frozenset({Needs.RATING})),
    Action.RECORD_FILING: Rule(
        _STAFF, {Status.COMPLETED: Status.COMPLETED}, frozenset({Needs.APPLICATION_NUMBER})
    ),
}

ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: N_("Submitted"),
    Action.ASSIGN: N_("Assigned"),
    Action.TRANSFER: N_("Transferred"),
    Action.START: N_("Work started"),
    Action.ASK: N_("Question to the inventor"),
    Action.REPLY: N_("Inventor's reply"),
    Action.MESSAGE: N_("Message"),
    Action.NOTE: N_("Internal note"),
    Action.COMPLETE: N_("Completed"),
    Action.DECLINE: N_("Declined"),
    Action.WITHDRAW: N_("Withdrawn"),
    Action.REOPEN: N_("Reopened"),
    Action.RATE: N_("Rated"),
    Action.RECORD_FILING: N_("Patent application recorded"),
}


# What the person who acted is told afterwards.
ACTION_DONE: dict[Action, str] = {
    Action.ASSIGN: N_("The request is assigned."),
    Action.TRANSFER: N_("The request is transferred to the other centre."),
    Action.START: N_("Work on the request has started."),
    Action.ASK: N_("Your question is sent to the inventor."),
    Action.REPLY: N_("Your reply is sent."),
    Action.MESSAGE: N_("Your message is sent."),
    Action.NOTE: N_("The note is saved."),
    Action.COMPLETE: N_("The request is completed."),
    Action.DECLINE: N_("The request is declined."),
    Action.WITHDRAW: N_("Your request is withdrawn."),
    Action.REOPEN: N_("The request is reopened."),
    Action.RATE: N_("Thank you for your rating."),
    Action.RECORD_FILING: N_("The application number is recorded."),
}


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    centre_id: int | None = None


@dataclass(frozen=True)
class RequestState:
    """What the workflow needs to know of a request."""

    status: Status
    centre_id: int
    inventor_id: int
    assignee_id: int | None = None
    rated: bool = False


@dataclass(frozen=True)
class Completion:
    summary: str
    outcome: Outcome
    hours_spent: Decimal
    documents_cited: int
    application_number: str = ""


@dataclass(frozen=True)
class Inputs:
    """What the person acting supplied; each action reads what it needs."""

    text: str = ""
    assignee_id: int | None = None
    assignee_centre_id: int | None = None  # the centre the chosen assignee works at
    target_centre_id: int | None = None
    target_centre_takes_service: bool = False  # active and offering the request's service
    completion: Completion | None = None
    rating: int | None = None
    application_number: str = ""


@dataclass(frozen=True)
class Event:
    """One entry of a request's timeline."""

    action: Action
    from_status: Status | None  # None for the submission
    to_status: Status
    from_centre_id: int | None = None
    to_centre_id: int | None = None
    assignee_id: int | None = None
    text: str = ""
    internal: bool = False


@dataclass(frozen=True)
class Transition:
    state: RequestState
    events: list[Event]


MAX_HOURS = Decimal(1000)
APPLICATION_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{2,39}$", re.ASCII)


def is_overdue(status: Status, due_at: datetime, now: datetime) -> bool:
    return status in CLOCK_RUNNING and due_at < now


def available_actions(state: RequestState, actor: Actor) -> list[Action]:
    """The actions this actor may take now (inputs aside), in table order."""
    return [
        action
        for action, rule in TRANSITIONS.items()
        if _may_act(state, actor, rule)
        and state.status in rule.moves
        and not (action is Action.RATE and state.rated)
    ]


def apply(state: RequestState, action: Action, actor: Actor, inputs: Inputs) -> Transition:
    """Apply ``action`` by ``actor`` to a request in ``state``.

    Raises :class:`Refused` when the actor may not take the action or the
    request's status does not allow it, :class:`Invalid` when an input is
    missing or wrong.
    """
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise Refused(N_("Unknown action."))
    if not _may_act(state, actor, rule):
        raise Refused(N_("You may not do this with this request."))
    if state.status not in rule.moves:
        raise Refused(
            N_("This cannot be done while the request is “%(status)s”."),
            status=STATUS_LABELS[state.status],
        )
    _check_inputs(state, action, rule, inputs)

    to_status = rule.moves[state.status]
    new_state = replace(state, status=to_status)
    event = Event(
        action=action,
        from_status=state.status,
        to_status=to_status,
        text=inputs.text.strip(),
        internal=rule.internal,
    )
    if action is Action.ASSIGN:
        new_state = replace(new_state, assignee_id=inputs.assignee_id)
        event = replace(event, assignee_id=inputs.assignee_id)
    elif action is Action.TRANSFER:
        new_state = replace(new_state, centre_id=inputs.target_centre_id, assignee_id=None)
        event = replace(event, from_centre_id=state.centre_id, to_centre_id=inputs.target_centre_id)
    elif action is Action.REOPEN and state.assignee_id is None:
        new_state = replace(new_state, assignee_id=actor.user_id)
        event = replace(event, assignee_id=actor.user_id)
    elif action is Action.RATE:
        new_state = replace(new_state, rated=True)
    elif action is Action.RECORD_FILING:
        event = replace(event, text=inputs.application_number.strip())
    return Transition(new_state, [event])


def _may_act(state: RequestState, actor: Actor, rule: Rule) -> bool:
    if actor.role not in rule.roles:
        return False
    if actor.role is Role.STAFF:
        return actor.centre_id == state.centre_id
    if actor.role is Role.INVENTOR:
        return actor.user_id == state.inventor_id
    return False


def _check_inputs(state: RequestState, action: Action, rule: Rule, inputs: Inputs) -> None:
    if Needs.TEXT in rule.needs and not inputs.text.strip():
        raise Invalid("text", N_("Please write a message or a reason."))
    colleague = inputs.assignee_id is not None and inputs.assignee_centre_id == state.centre_id
    if Needs.ASSIGNEE in rule.needs and not colleague:
        raise Invalid("assignee", N_("Choose a colleague from this centre."))
    if Needs.TARGET_CENTRE in rule.needs:
        if inputs.target_centre_id is None or inputs.target_centre_id == state.centre_id:
            raise Invalid("centre", N_("Choose another centre."))
        if not inputs.target_centre_takes_service:
            raise Invalid("centre", N_("That centre is not active or does not offer this service."))
    if Needs.OUTCOME in rule.needs:
        _check_completion(inputs.completion)
    if Needs.APPLICATION_NUMBER in rule.needs and not APPLICATION_NUMBER.match(
        inputs.application_number.strip()
    ):
        raise Invalid(
            "application_number",
            N_("Give the national application number, e.g. 2026/0123.1."),
        )
    if Needs.RATING in rule.needs:
        if state.rated:
            raise Refused(N_("This request has already been rated."))
        if inputs.rating is None or not 1 <= inputs.rating <= 5:
            raise Invalid("rating", N_("Choose a rating from 1 to 5."))


def _check_completion(completion: Completion | None) -> None:
    if completion is None:
        raise Invalid("outcome", N_("Choose an outcome."))
    if not completion.summary.strip():
        raise Invalid("summary", N_("Summarise the result for the inventor."))
    if not Decimal(0) < completion.hours_spent <= MAX_HOURS:
        raise Invalid(
            "hours_spent", N_("Hours spent must be more than 0 and at most %(max)s."), max=1000
        )
    if completion.documents_cited < 0:
        raise Invalid("documents_cited", N_("The number of documents cannot be negative."))
