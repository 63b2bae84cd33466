"""The life of a request: one spec per action, and the one function that applies them.

Each :class:`ActionSpec` says everything about an action in one place: who
may take it, from which status to which, what it needs, whether it may carry
files or is internal, what it changes on the request, whom it notifies, and
how it is labelled. Every action - submission included, from a page, the
API, the CLI or the demo loader - goes through :func:`apply`, which checks
the spec and returns the request's new state with the events to append, or
raises :class:`~tisc.domain.errors.Refused` / :class:`~tisc.domain.errors.Invalid`.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from tisc.domain.calendar import turnaround_days
from tisc.domain.catalogue import N_, IpRight, Outcome, PatentOffice, Role, Service
from tisc.domain.errors import Invalid, Refused
from tisc.domain.notifications import Audience, Kind
from tisc.domain.permissions import Actor, Agent, can_take_part
from tisc.domain.policy import Policy
from tisc.domain.text import is_blank, trimmed

__all__ = ["Actor"]  # re-exported: callers name the actor where they name the action


class Status(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_INVENTOR = "awaiting_inventor"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    NO_ANSWER = "no_answer"  # closed: the inventor did not answer the centre's question
    DUPLICATE = "duplicate"  # closed: the same invention is handled in another request


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
    Status.NO_ANSWER: N_("Closed: no answer from the inventor"),
    Status.DUPLICATE: N_("Closed as a duplicate"),
}
# The same said to the inventor, on their own requests: of them as "you".
STATUS_LABELS_TO_INVENTOR: dict[Status, str] = STATUS_LABELS | {
    Status.AWAITING_INVENTOR: N_("Awaiting your answer"),
    Status.NO_ANSWER: N_("Closed: no answer from you"),
}


def is_overdue(status: Status, due_at: datetime, now: datetime) -> bool:
    """Past its due date while the centre's clock runs (open, not awaiting the inventor)."""
    return status in CLOCK_RUNNING and due_at < now


def result_stands(status: Status) -> bool:
    """Whether the outcome a request keeps (with its hours, documents and rating) is its
    result now: while it is completed. Reopened, and whatever follows, it is a past one;
    the figures count it so, and so do the pages and exports that show it."""
    return status == Status.COMPLETED


def standing_result(request, *names: str) -> dict:
    """The named result fields of ``request`` (anything with a ``status``), each None
    unless its result stands (:func:`result_stands`)."""
    stands = result_stands(request.status)
    return {name: getattr(request, name) if stands else None for name in names}


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
    RECORD_FILING = "record_filing"  # an application filed after the service (several may be)
    # Requests the inventor abandoned
    REMIND = "remind"  # the daily job reminds an inventor who has not answered
    EXPIRE = "expire"  # the daily job closes a request still unanswered after the reminder
    CLOSE_NO_ANSWER = "close_no_answer"  # staff close it themselves, with a reason
    RESUME = "resume"  # the inventor answers after all and reopens it
    # After completion
    FOLLOW_UP = "follow_up"  # the inventor asks about the result
    ANSWER = "answer"  # staff answer that question
    RESOLVE = "resolve"  # the inventor marks the result "resolved for me"
    # The same invention sent twice
    LINK_DUPLICATE = "link_duplicate"
    DISMISS_DUPLICATE = "dismiss_duplicate"
    UNASSIGN = "unassign"  # the assignee moved to another centre or left
    # The working calendar or the service's target changed (``services.due_dates``)
    MOVE_DUE_DATE = "move_due_date"


class Needs(StrEnum):
    """Inputs an action cannot do without."""

    TEXT = "text"
    ASSIGNEE = "assignee"
    TARGET_CENTRE = "target_centre"
    OUTCOME = "outcome"
    RATING = "rating"
    DUPLICATE_FLAG = "duplicate_flag"  # an open "possibly the same as" flag of this request
    OPEN_ORIGINAL = "open_original"  # the request it duplicates is still open
    FILING = "filing"


@dataclass(frozen=True)
class RequestState:
    """What the workflow knows of a request: everything an action may read or change."""

    status: Status | None  # None only before submission
    centre_id: int
    inventor_id: int
    assignee_id: int | None = None
    service: Service | None = None
    due_at: datetime | None = None
    # When the request last went to the inventor; the centre's clock is paused since.
    awaiting_since: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    # Working seconds the centre's clock stood still: awaiting the inventor, or closed
    # before a reopening. Turnaround leaves them out.
    paused_seconds: int = 0
    turnaround_days: int | None = None  # set while completed
    outcome: Outcome | None = None
    outcome_summary: str = ""
    hours_spent: Decimal | None = None
    documents_cited: int | None = None
    rating: int | None = None
    rating_comment: str = ""
    # When the daily job reminded the inventor during the current wait for their answer.
    reminded_at: datetime | None = None
    # Since when a question of the inventor's about the result waits for an answer.
    question_since: datetime | None = None
    resolved_at: datetime | None = None  # the inventor marked the result "resolved for me"
    duplicate_of_id: int | None = None  # closed as a duplicate of this request

    @property
    def rated(self) -> bool:
        return self.rating is not None


@dataclass(frozen=True)
class Completion:
    """What completing says; an outcome or hours that were not given, or not understood,
    are None (and refused, with every other problem of it)."""

    summary: str
    outcome: Outcome | None
    hours_spent: Decimal | None
    documents_cited: int


@dataclass(frozen=True)
class Filing:
    """An application for an IP right filed after the service; a record of its own. As
    a form gives it, a part not given or not understood is None (and refused, with every
    other problem of it)."""

    ip_right: IpRight | None
    office: PatentOffice | None
    application_number: str
    filed_on: date | None


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
    # The other request of an open duplicate flag of this one (None: no such flag).
    flag_other_id: int | None = None
    flag_other_open: bool = False
    filing: Filing | None = None
    # (office, application number) of the filings already recorded on the request.
    known_filings: frozenset[tuple[str, str]] = frozenset()


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
    records: tuple[Filing, ...] = ()  # new records the action creates beside the request


@dataclass(frozen=True)
class Moment:
    """When an action happens, and the deployment's rules for due dates."""

    now: datetime
    policy: Policy


@dataclass(frozen=True)
class Change:
    """What an action changes beyond the status: on the request, and on its event."""

    state: dict = field(default_factory=dict)
    event: dict = field(default_factory=dict)
    records: tuple[Filing, ...] = ()


Notice = tuple[Kind, Audience]
Changes = Callable[[RequestState, Actor, Inputs, Moment], Change]
# Whether an action may be taken now, beyond its status: a refusal, or None.
Guard = Callable[[RequestState, Moment], Refused | None]


@dataclass(frozen=True)
class ActionSpec:
    """Everything about one action."""

    action: Action
    roles: frozenset[Role | Agent]
    moves: Mapping[Status | None, Status]
    label: str  # on the timeline
    verb: str  # on its button and form
    done: str  # what the person who acted is told afterwards
    needs: frozenset[Needs] = frozenset()
    changes: Changes | None = None
    guard: Guard | None = None
    # Whom it notifies, by the role of the person who acted.
    notifies: Mapping[Role | Agent, tuple[Notice, ...]] = field(default_factory=dict)
    internal: bool = False  # staff only: hidden from the inventor, changes nothing they see
    files: bool = False  # may carry attachments
    content: bool = False  # its event carries content the coordinator never sees
    confirm: bool = False  # far-reaching: the person is asked to confirm before it is taken
    danger: bool = False  # gives the request up: shown in red
    # Asked for by name on the request's page and through the API; False for what is only
    # a consequence of other work (a staff member moved away unassigns their requests).
    offered: bool = True
    # What will happen, said when the person is asked to confirm (placeholders: %(centre)s,
    # %(days)s).
    warning: str = ""

    def notices(self, actor_role: Role | Agent) -> tuple[Notice, ...]:
        return self.notifies.get(actor_role, ())


# --- what each action changes ------------------------------------------------------------


def _received(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change(
        {"due_at": at.policy.due_at(state.service, at.now), "created_at": at.now},
        {"to_centre_id": state.centre_id},
    )


def _assigned(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"assignee_id": inputs.assignee_id}, {"assignee_id": inputs.assignee_id})


def _transferred(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change(
        {"centre_id": inputs.target_centre_id, "assignee_id": None},
        {"from_centre_id": state.centre_id, "to_centre_id": inputs.target_centre_id},
    )


def _unassigned(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    """Nobody holds it now; the event names who no longer does."""
    return Change({"assignee_id": None}, {"assignee_id": state.assignee_id})


def _completed(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    """A new result. After a reopening, the inventor's rating and "resolved for me" were
    of the previous one (shown with it while the request was open again): the new result
    is rated afresh, and the old rating does not count for it."""
    done = inputs.completion
    return Change(
        {
            "outcome": done.outcome,
            "outcome_summary": trimmed(done.summary),
            "hours_spent": done.hours_spent,
            "documents_cited": done.documents_cited,
            "rating": None,
            "rating_comment": "",
            "resolved_at": None,
        }
    )


def _reopened(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    """Whoever reopens an unassigned request takes it. A question about the result is
    answered by the work itself, and a duplicate is one no more. The due date is not
    set afresh: the clock moves it by the time spent closed (see :func:`_clock`)."""
    fresh: dict = {"question_since": None, "duplicate_of_id": None}
    if state.assignee_id is not None:
        return Change(fresh)
    return Change(fresh | {"assignee_id": actor.user_id}, {"assignee_id": actor.user_id})


def _rated(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"rating": inputs.rating, "rating_comment": trimmed(inputs.text)})


def _reminded(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"reminded_at": at.now})


def _asked_about_result(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"question_since": state.question_since or at.now, "resolved_at": None})


def _answered(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"question_since": None})


def _resolved(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"resolved_at": at.now, "question_since": None})


def _linked(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    return Change({"duplicate_of_id": inputs.flag_other_id})


# --- when an action may be taken, beyond its status -----------------------------------------


def _reminder_due(state: RequestState, at: Moment) -> Refused | None:
    if state.reminded_at is not None:
        return Refused(N_("The inventor has already been reminded."))
    if state.awaiting_since is None or at.now < at.policy.reminder_due(state.awaiting_since):
        return Refused(N_("It is too early to remind the inventor."))
    return None


def _closing_due(state: RequestState, at: Moment) -> Refused | None:
    if state.reminded_at is None or at.now < at.policy.closing_due(state.reminded_at):
        return Refused(N_("The inventor still has time to answer the reminder."))
    return None


def _within_reopen_window(state: RequestState, at: Moment) -> Refused | None:
    if state.closed_at is not None and at.now > at.policy.reopen_until(state.closed_at):
        return Refused(
            N_("This request was closed more than %(days)s days ago: please send a new request."),
            days=at.policy.reopen_window_days,
        )
    return None


def _question_waiting(state: RequestState, at: Moment) -> Refused | None:
    if state.question_since is None:
        return Refused(N_("There is no question about the result waiting for an answer."))
    return None


def _not_resolved(state: RequestState, at: Moment) -> Refused | None:
    if state.resolved_at is not None:
        return Refused(N_("You have already marked this result as resolved."))
    return None


def _filing_recorded(state: RequestState, actor: Actor, inputs: Inputs, at: Moment) -> Change:
    """A filing record of its own; the request (its outcome code included) is left as it is."""
    filing = inputs.filing
    return Change(event={"text": filing_text(filing)}, records=(filing,))


class FiledApplication(NamedTuple):
    """What a filing's event says: the IP right, the office and the application number."""

    ip_right: IpRight
    office: PatentOffice
    application_number: str


_FILING_PARTS = " · "


def filing_text(filing: Filing) -> str:
    """A filing's event text: codes, in no reader's language (pages say them in words)."""
    parts = filing.ip_right.value, filing.office.value, filing.application_number
    return _FILING_PARTS.join(parts)


def filed_application(text: str | None) -> FiledApplication | None:
    """The filing a filing's event text names (None: a text of another form)."""
    parts = (text or "").split(_FILING_PARTS, 2)
    if len(parts) != 3:
        return None
    try:
        return FiledApplication(IpRight(parts[0]), PatentOffice(parts[1]), parts[2])
    except ValueError:
        return None


class MovedDueDate(NamedTuple):
    """What a due date's move says: the due date before and after it."""

    before: datetime
    after: datetime


_MOVE_PARTS = " → "


def moved_due_date_text(before: datetime, after: datetime) -> str:
    """A due date's move as its event's text: two moments, in no reader's language."""
    return f"{before.isoformat()}{_MOVE_PARTS}{after.isoformat()}"


def moved_due_date(text: str | None) -> MovedDueDate | None:
    """The move a due date's event text tells (None: a text of another form)."""
    parts = (text or "").split(_MOVE_PARTS)
    if len(parts) != 2:
        return None
    try:
        return MovedDueDate(*map(datetime.fromisoformat, parts))
    except ValueError:
        return None


# --- the table -----------------------------------------------------------------------------

_STAFF = frozenset({Role.STAFF})
_INVENTOR = frozenset({Role.INVENTOR})
_SCHEDULE = frozenset({Agent.SCHEDULE})
_COORDINATOR = frozenset({Role.COORDINATOR})


def _stay(statuses) -> dict[Status, Status]:
    return {status: status for status in statuses}


def _to_inventor(kind: Kind) -> dict[Role, tuple[Notice, ...]]:
    return {Role.STAFF: ((kind, Audience.INVENTOR),)}


SPECS: dict[Action, ActionSpec] = {
    spec.action: spec
    for spec in (
        ActionSpec(
            Action.SUBMIT, _INVENTOR, {None: Status.SUBMITTED},
            label=N_("Submitted"), verb=N_("Submit request"),
            done=N_("Your request %(reference)s has been sent to %(centre)s."),
            changes=_received, files=True, content=False,
            notifies={Role.INVENTOR: ((Kind.REQUEST_RECEIVED, Audience.INVENTOR),
                                      (Kind.NEW_REQUEST, Audience.CENTRE_STAFF))},
        ),
        ActionSpec(
            Action.ASSIGN, _STAFF,
            {Status.SUBMITTED: Status.ASSIGNED, **_stay(OPEN_STATUSES - {Status.SUBMITTED})},
            label=N_("Assigned"), verb=N_("Assign"), done=N_("The request is assigned."),
            needs=frozenset({Needs.ASSIGNEE}), changes=_assigned,
            notifies={Role.STAFF: ((Kind.ASSIGNED_TO_YOU, Audience.ASSIGNEE),)},
        ),
        ActionSpec(
            # The national office transfers too, when it suspends a centre.
            Action.TRANSFER, frozenset({Role.STAFF, Role.COORDINATOR}),
            {status: Status.SUBMITTED for status in OPEN_STATUSES},
            label=N_("Transferred"), verb=N_("Transfer"),
            done=N_("The request is transferred to the other centre."),
            needs=frozenset({Needs.TARGET_CENTRE, Needs.TEXT}), changes=_transferred,
            notifies={role: ((Kind.TRANSFERRED, Audience.INVENTOR),
                             (Kind.NEW_REQUEST, Audience.CENTRE_STAFF))
                      for role in (Role.STAFF, Role.COORDINATOR)},
            confirm=True,
            warning=N_("The request goes to %(centre)s with your reason and leaves your "
                       "centre's desk: you will no longer see it. The inventor is told where "
                       "it went and why."),
        ),
        ActionSpec(
            Action.START, _STAFF, {Status.ASSIGNED: Status.IN_PROGRESS},
            label=N_("Work started"), verb=N_("Start work"),
            done=N_("Work on the request has started."),
        ),
        ActionSpec(
            Action.ASK, _STAFF, {Status.IN_PROGRESS: Status.AWAITING_INVENTOR},
            label=N_("Question to the inventor"), verb=N_("Send question"),
            done=N_("Your question is sent to the inventor."),
            needs=frozenset({Needs.TEXT}), notifies=_to_inventor(Kind.QUESTION),
            files=True, content=True,
        ),
        ActionSpec(
            Action.REPLY, _INVENTOR, {Status.AWAITING_INVENTOR: Status.IN_PROGRESS},
            label=N_("Inventor's reply"), verb=N_("Send reply"), done=N_("Your reply is sent."),
            needs=frozenset({Needs.TEXT}),
            notifies={Role.INVENTOR: ((Kind.INVENTOR_REPLIED, Audience.ASSIGNEE_ELSE_STAFF),)},
            files=True, content=True,
        ),
        ActionSpec(
            Action.MESSAGE, frozenset({Role.STAFF, Role.INVENTOR}), _stay(OPEN_STATUSES),
            label=N_("Message"), verb=N_("Send message"), done=N_("Your message is sent."),
            needs=frozenset({Needs.TEXT}),
            notifies={Role.STAFF: ((Kind.MESSAGE_FROM_CENTRE, Audience.INVENTOR),),
                      Role.INVENTOR: ((Kind.INVENTOR_REPLIED, Audience.ASSIGNEE_ELSE_STAFF),)},
            files=True, content=True,
        ),
        ActionSpec(
            Action.NOTE, _STAFF, _stay(Status),
            label=N_("Internal note"), verb=N_("Add note"), done=N_("The note is saved."),
            needs=frozenset({Needs.TEXT}), internal=True, content=True,
        ),
        ActionSpec(
            Action.COMPLETE, _STAFF, {Status.IN_PROGRESS: Status.COMPLETED},
            label=N_("Completed"), verb=N_("Complete request"),
            done=N_("The request is completed."),
            needs=frozenset({Needs.OUTCOME}), changes=_completed,
            notifies=_to_inventor(Kind.COMPLETED), files=True,
        ),
        ActionSpec(
            Action.DECLINE, _STAFF,
            {status: Status.DECLINED
             for status in (Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS)},
            label=N_("Declined"), verb=N_("Decline"), done=N_("The request is declined."),
            needs=frozenset({Needs.TEXT}), notifies=_to_inventor(Kind.DECLINED),
            confirm=True, danger=True,
            warning=N_("The request closes and the inventor receives your reason by e-mail. "
                       "Only your centre's staff can reopen it."),
        ),
        ActionSpec(
            Action.WITHDRAW, _INVENTOR, {status: Status.WITHDRAWN for status in OPEN_STATUSES},
            label=N_("Withdrawn"), verb=N_("Withdraw request"),
            done=N_("Your request is withdrawn."),
            notifies={Role.INVENTOR: ((Kind.WITHDRAWN, Audience.ASSIGNEE_ELSE_STAFF),)},
            confirm=True, danger=True,
            warning=N_("Your request closes and the centre stops working on it. It cannot "
                       "be reopened: you would send a new request."),
        ),
        ActionSpec(
            Action.REOPEN, _STAFF,
            {status: Status.ASSIGNED for status in (Status.COMPLETED, Status.DECLINED,
                                                    Status.NO_ANSWER, Status.DUPLICATE)},
            label=N_("Reopened"), verb=N_("Reopen"), done=N_("The request is reopened."),
            needs=frozenset({Needs.TEXT}), changes=_reopened,
            notifies=_to_inventor(Kind.REOPENED),
        ),
        ActionSpec(
            Action.RATE, _INVENTOR, {Status.COMPLETED: Status.COMPLETED},
            label=N_("Rated"), verb=N_("Send rating"), done=N_("Thank you for your rating."),
            needs=frozenset({Needs.RATING}), changes=_rated,
        ),
        ActionSpec(
            # The inventor reports a filing too, when they file after the service.
            Action.RECORD_FILING, frozenset({Role.STAFF, Role.INVENTOR}),
            {Status.COMPLETED: Status.COMPLETED},
            label=N_("Application filed"), verb=N_("Report a filing"),
            done=N_("The filing is recorded. Thank you."),
            needs=frozenset({Needs.FILING}), changes=_filing_recorded,
        ),
        ActionSpec(
            Action.REMIND, _SCHEDULE, {Status.AWAITING_INVENTOR: Status.AWAITING_INVENTOR},
            label=N_("Reminder sent to the inventor"), verb=N_("Remind the inventor"),
            done=N_("The inventor is reminded."), changes=_reminded, guard=_reminder_due,
            notifies={Agent.SCHEDULE: ((Kind.REMINDER, Audience.INVENTOR),)},
        ),
        ActionSpec(
            Action.EXPIRE, _SCHEDULE, {Status.AWAITING_INVENTOR: Status.NO_ANSWER},
            label=N_("Closed automatically: no answer from the inventor after a reminder"),
            verb=N_("Close unanswered"), done=N_("The request is closed for want of an answer."),
            guard=_closing_due,
            notifies={Agent.SCHEDULE: ((Kind.CLOSED_NO_ANSWER, Audience.INVENTOR),)},
        ),
        ActionSpec(
            Action.CLOSE_NO_ANSWER, _STAFF, {Status.AWAITING_INVENTOR: Status.NO_ANSWER},
            label=N_("Closed: no answer from the inventor"), verb=N_("Close: no answer"),
            done=N_("The request is closed for want of an answer."),
            needs=frozenset({Needs.TEXT}), notifies=_to_inventor(Kind.CLOSED_NO_ANSWER),
            confirm=True, danger=True,
            warning=N_("The request closes and the inventor is told your reason; they can "
                       "reopen it by answering within %(days)s days."),
        ),
        ActionSpec(
            Action.RESUME, _INVENTOR, {Status.NO_ANSWER: Status.IN_PROGRESS},
            label=N_("Reopened by the inventor"), verb=N_("Answer and reopen"),
            done=N_("Your request is reopened and back with the centre."),
            needs=frozenset({Needs.TEXT}), guard=_within_reopen_window,
            notifies={Role.INVENTOR: ((Kind.RESUMED, Audience.CENTRE_STAFF),)},
            files=True, content=True,
        ),
        ActionSpec(
            Action.FOLLOW_UP, _INVENTOR, {Status.COMPLETED: Status.COMPLETED},
            label=N_("Question about the result"), verb=N_("Ask about the result"),
            done=N_("Your question is sent to the centre."),
            needs=frozenset({Needs.TEXT}), changes=_asked_about_result,
            notifies={Role.INVENTOR: ((Kind.QUESTION_AFTER_COMPLETION, Audience.CENTRE_STAFF),)},
            files=True, content=True,
        ),
        ActionSpec(
            Action.ANSWER, _STAFF, {Status.COMPLETED: Status.COMPLETED},
            label=N_("Answer about the result"), verb=N_("Send answer"),
            done=N_("Your answer is sent to the inventor."),
            needs=frozenset({Needs.TEXT}), changes=_answered, guard=_question_waiting,
            notifies=_to_inventor(Kind.ANSWERED), files=True, content=True,
        ),
        ActionSpec(
            Action.RESOLVE, _INVENTOR, {Status.COMPLETED: Status.COMPLETED},
            label=N_("Marked as resolved by the inventor"), verb=N_("Resolved for me"),
            done=N_("Thank you: the result is marked as resolved for you."),
            changes=_resolved, guard=_not_resolved,
        ),
        ActionSpec(
            Action.LINK_DUPLICATE, _STAFF,
            {status: Status.DUPLICATE for status in OPEN_STATUSES},
            label=N_("Closed as a duplicate"), verb=N_("Close this one as a duplicate"),
            done=N_("The request is closed as a duplicate."),
            needs=frozenset({Needs.DUPLICATE_FLAG, Needs.OPEN_ORIGINAL}), changes=_linked,
            notifies=_to_inventor(Kind.CLOSED_AS_DUPLICATE), confirm=True, danger=True,
            warning=N_("This request closes as a duplicate of the other one, which goes on; "
                       "the inventor is told."),
        ),
        ActionSpec(
            Action.DISMISS_DUPLICATE, _STAFF, _stay(OPEN_STATUSES),
            label=N_("Not a duplicate: flag dismissed"), verb=N_("Not a duplicate"),
            done=N_("The flag is dismissed."),
            needs=frozenset({Needs.DUPLICATE_FLAG}), internal=True, content=True,
        ),
        # Taken for the coordinator (or the system) when the assignee moves to another centre
        # or is deactivated: no form offers it. An assigned request goes back to the queue.
        ActionSpec(
            Action.UNASSIGN, _COORDINATOR,
            {Status.SUBMITTED: Status.SUBMITTED, Status.ASSIGNED: Status.SUBMITTED,
             **_stay(OPEN_STATUSES - {Status.SUBMITTED, Status.ASSIGNED})},
            label=N_("Unassigned"), verb=N_("Unassign"),
            done=N_("The request is unassigned."), changes=_unassigned, offered=False,
        ),
        # Recorded when the rules of due dates change and a replay of the request's clock
        # by the new ones moves its due date (``services.due_dates``): nobody takes it.
        ActionSpec(
            Action.MOVE_DUE_DATE, frozenset(), _stay(OPEN_STATUSES),
            label=N_("Due date moved: the working calendar or the service's target changed"),
            verb=N_("Move the due date"), done=N_("The due date is moved."), offered=False,
        ),
    )
}  # fmt: skip
# The steps about the inventor, said to them on their own request (as its statuses are).
ACTION_LABELS_TO_INVENTOR: dict[Action, str] = {
    Action.ASK: N_("Question for you"),
    Action.REPLY: N_("Your reply"),
    Action.REMIND: N_("Reminder sent to you"),
    Action.EXPIRE: N_("Closed automatically: no answer from you after a reminder"),
    Action.CLOSE_NO_ANSWER: N_("Closed: no answer from you"),
    Action.RESUME: N_("Reopened by you"),
    Action.RESOLVE: N_("Marked as resolved by you"),
}

# A completed request's hours: a quarter of an hour at least, as the page's form says.
MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal(1000)
APPLICATION_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{2,39}$", re.ASCII)


def available_actions(
    state: RequestState,
    actor: Actor,
    *,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[Action]:
    """The actions this actor may take at ``now`` (inputs aside), in table order."""
    at = Moment(now or datetime.now(UTC), policy or Policy())
    return [
        action
        for action, spec in SPECS.items()
        if state.status in spec.moves
        and can_take_part(actor, state, spec.roles)
        and not (Needs.RATING in spec.needs and state.rated)
        and not (spec.guard and spec.guard(state, at))
    ]


def apply(
    state: RequestState,
    action: Action,
    actor: Actor,
    inputs: Inputs,
    *,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Transition:
    """Apply ``action`` by ``actor`` to a request in ``state`` at ``now``.

    Raises :class:`Refused` when the actor may not take the action or the
    request's status does not allow it, :class:`Invalid` when an input is
    missing or wrong.
    """
    spec = SPECS.get(action)
    if spec is None:
        raise Refused(N_("Unknown action."))
    if not can_take_part(actor, state, spec.roles):
        raise Refused(N_("You may not do this with this request."))
    if state.status not in spec.moves:
        raise Refused(
            N_("This cannot be done while the request is “%(status)s”."),
            status=state.status,  # labelled in the reader's language where it is shown
        )
    at = Moment(now or datetime.now(UTC), policy or Policy())
    if spec.guard and (refusal := spec.guard(state, at)):
        raise refusal
    _check_inputs(state, spec, inputs, at)

    change = spec.changes(state, actor, inputs, at) if spec.changes else Change()
    to_status = spec.moves[state.status]
    event = Event(action, state.status, to_status, **({"text": trimmed(inputs.text),
                  "internal": spec.internal} | change.event))  # fmt: skip
    if spec.internal:
        return Transition(state, [event])
    new_state = replace(state, status=to_status, updated_at=at.now, **change.state)
    return Transition(_clock(state, new_state, at), [event], change.records)


def _clock(before: RequestState, after: RequestState, at: Moment) -> RequestState:
    """The clock's bookkeeping that follows from the move between statuses:
    awaiting the inventor pauses the clock; closing and reopening stamp and clear
    ``closed_at``; every pause and every stretch spent closed moves the due date
    by its length and is left out of the turnaround, which completing sets.

    One clock, so the due date the pages show and the turnaround agree: a request
    completes on time (by its due date) exactly when its turnaround is within its
    service's target. Reopening never sets a fresh due date: a late request stays
    late, however often it is reopened and completed again."""
    calendar = at.policy.calendar
    changes = {}
    stopped = 0  # working seconds the clock stood still until now
    paused = before.status is Status.AWAITING_INVENTOR
    if paused and after.status is not Status.AWAITING_INVENTOR:
        if before.awaiting_since is not None:
            stopped = calendar.working_seconds_between(before.awaiting_since, at.now)
        changes["awaiting_since"] = None
        changes["reminded_at"] = None  # a reminder belongs to the wait it interrupted
    elif after.status is Status.AWAITING_INVENTOR and not paused:
        changes["awaiting_since"] = at.now
    was_open = before.status is None or before.status in OPEN_STATUSES
    if after.status in CLOSED_STATUSES and was_open:
        changes["closed_at"] = at.now
    elif after.status in OPEN_STATUSES and not was_open:
        changes["closed_at"] = None
        if before.closed_at is not None:
            stopped = calendar.working_seconds_between(before.closed_at, at.now)
    if stopped := round(stopped):
        changes["paused_seconds"] = after.paused_seconds + stopped
        if after.due_at is not None:
            changes["due_at"] = calendar.add_working_seconds(after.due_at, stopped)
    completing = after.status is Status.COMPLETED and before.status is not Status.COMPLETED
    if completing and after.created_at is not None:
        changes["turnaround_days"] = turnaround_days(
            calendar, after.created_at, at.now, changes.get("paused_seconds", after.paused_seconds)
        )
    elif after.status is not Status.COMPLETED:
        changes["turnaround_days"] = None
    return replace(after, **changes)


def replay_clock(
    created_at: datetime,
    moves: list[tuple[datetime, Status]],
    policy: Policy,
    service: Service | None = None,
) -> RequestState:
    """The clock's bookkeeping of a request from its moves between statuses (time, new
    status), in order: for requests recorded before the bookkeeping existed. Given the
    ``service``, its due date too."""
    due_at = policy.due_at(service, created_at) if service else created_at
    state = RequestState(Status.SUBMITTED, 0, 0, created_at=created_at, due_at=due_at)
    for moment, status in moves:
        if status is not state.status:
            state = _clock(state, replace(state, status=status), Moment(moment, policy))
    return state


def _check_inputs(state: RequestState, spec: ActionSpec, inputs: Inputs, at: Moment) -> None:
    needs = spec.needs
    if Needs.TEXT in needs and is_blank(inputs.text):
        raise Invalid("text", N_("Please write a message or a reason."))
    colleague = inputs.assignee_id is not None and inputs.assignee_centre_id == state.centre_id
    if Needs.ASSIGNEE in needs and not colleague:
        raise Invalid("assignee", N_("Choose a colleague from this centre."))
    if Needs.ASSIGNEE in needs and inputs.assignee_id == state.assignee_id:
        raise Invalid("assignee", N_("The request is assigned to this person already."))
    if Needs.TARGET_CENTRE in needs:
        if inputs.target_centre_id is None or inputs.target_centre_id == state.centre_id:
            raise Invalid("centre", N_("Choose another centre."))
        if not inputs.target_centre_takes_service:
            raise Invalid("centre", N_("That centre is not active or does not offer this service."))
    if Needs.OUTCOME in needs:
        _check_completion(inputs.completion)
    if Needs.DUPLICATE_FLAG in needs and inputs.flag_other_id is None:
        raise Invalid("flag", N_("Choose a possible duplicate of this request."))
    if Needs.OPEN_ORIGINAL in needs and not inputs.flag_other_open:
        raise Invalid(
            "flag", N_("The other request is closed already: keep this one or decline it.")
        )
    if Needs.FILING in needs:
        _check_filing(state, inputs, at)
    if Needs.RATING in needs:
        if state.rated:
            raise Refused(N_("This request has already been rated."))
        if inputs.rating is None or not 1 <= inputs.rating <= 5:
            raise Invalid("rating", N_("Choose a rating from 1 to 5."))


def _check_filing(state: RequestState, inputs: Inputs, at: Moment) -> None:
    filing = inputs.filing
    if filing is None:
        raise Invalid("ip_right", N_("Choose the IP right and the office."))
    problems = []
    for part in ("ip_right", "office"):
        if getattr(filing, part) is None:  # one message for the two, on the part missing
            problems.append(Invalid(part, N_("Choose the IP right and the office.")))
            break
    if not APPLICATION_NUMBER.match(filing.application_number):
        problems.append(
            Invalid("application_number", N_("Give the application number, e.g. 2026/0123.1."))
        )
    elif filing.office and (filing.office.value, filing.application_number) in inputs.known_filings:
        problems.append(Invalid("application_number", N_("This application is already recorded.")))
    # A filing date is a day of the calendar where the network is, not of UTC: from
    # midnight in Almaty until 05:00 UTC, the inventor's today is UTC's tomorrow.
    zone = at.policy.calendar.tz
    if filing.filed_on is None:
        problems.append(Invalid("filed_on", N_("Give the filing date.")))
    elif filing.filed_on > at.now.astimezone(zone).date():
        problems.append(Invalid("filed_on", N_("The filing date cannot be in the future.")))
    elif (
        state.created_at is not None and filing.filed_on < state.created_at.astimezone(zone).date()
    ):
        problems.append(Invalid("filed_on", N_("Only applications filed after the request count.")))
    if problems:
        raise Invalid.together(problems)


def _check_completion(completion: Completion | None) -> None:
    if completion is None:
        raise Invalid("outcome", N_("Choose an outcome."))
    problems = []
    if completion.outcome is None:
        problems.append(Invalid("outcome", N_("Choose an outcome.")))
    if is_blank(completion.summary):
        problems.append(Invalid("summary", N_("Summarise the result for the inventor.")))
    if completion.hours_spent is None:
        problems.append(Invalid("hours_spent", N_("Give the hours spent as a number.")))
    elif not MIN_HOURS <= completion.hours_spent <= MAX_HOURS:
        problems.append(
            Invalid(
                "hours_spent",
                N_("Give the hours spent, from %(min)s to %(max)s."),
                min=MIN_HOURS,
                max=MAX_HOURS,
            )
        )
    if completion.documents_cited < 0:
        problems.append(
            Invalid("documents_cited", N_("The number of documents cannot be negative."))
        )
    if problems:
        raise Invalid.together(problems)
