"""What comes next on a request, for the person looking at it.

The request page is built around this: a banner that says where the request
stands and what happens next, with the one main action (staff: take it, start,
complete; the inventor: reply, or answer and reopen), the actions shown beside it
(asking the inventor; after completion, the inventor's "what you can do next"),
the box under the conversation, and the rest in a menu. Which actions exist at
all is the workflow's to say (:func:`~tisc.domain.workflow.available_actions`,
from ``SPECS`` and the access rules); this module only arranges them.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tisc.domain.catalogue import N_, Role
from tisc.domain.permissions import Actor
from tisc.domain.policy import Policy
from tisc.domain.workflow import SPECS, Action, Needs, RequestState, Status


class Situation(StrEnum):
    """Where a request stands, as its page tells it."""

    NEW = "new"  # at a centre, nobody has taken it yet
    ASSIGNED = "assigned"
    WORKING = "working"  # in progress
    WAITING = "waiting"  # for the inventor's answer
    QUESTION = "question"  # completed, and the inventor asked about the result
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    NO_ANSWER = "no_answer"
    DUPLICATE = "duplicate"


_BY_STATUS = {
    Status.SUBMITTED: Situation.NEW,
    Status.ASSIGNED: Situation.ASSIGNED,
    Status.IN_PROGRESS: Situation.WORKING,
    Status.AWAITING_INVENTOR: Situation.WAITING,
    Status.COMPLETED: Situation.COMPLETED,
    Status.DECLINED: Situation.DECLINED,
    Status.WITHDRAWN: Situation.WITHDRAWN,
    Status.NO_ANSWER: Situation.NO_ANSWER,
    Status.DUPLICATE: Situation.DUPLICATE,
}


def situation_of(state: RequestState) -> Situation:
    if state.status is Status.COMPLETED and state.question_since is not None:
        return Situation.QUESTION
    return _BY_STATUS[state.status]


# The action that moves the request on, per role, in order of preference: the first one
# the person may take now is the main one.
_MAIN = {
    Role.STAFF: (Action.ANSWER, Action.ASSIGN, Action.START, Action.COMPLETE),
    Role.INVENTOR: (Action.REPLY, Action.RESUME),
}
# Shown beside the main action rather than in the menu.
_ALONGSIDE = {
    Role.STAFF: (Action.ASK,),
    # After completion: "what you can do next".
    Role.INVENTOR: (Action.FOLLOW_UP, Action.RATE, Action.RECORD_FILING, Action.RESOLVE),
}

# What the banner says, per role and situation. Placeholders any of them may use:
# %(centre)s, %(assignee)s, %(due)s, %(since)s, %(closed)s, %(reply_by)s.
HEADLINES: dict[tuple[Role, Situation], str] = {
    (Role.STAFF, Situation.NEW): N_("New request: nobody at your centre has taken it yet."),
    (Role.STAFF, Situation.ASSIGNED): N_(
        "Assigned to %(assignee)s, due %(due)s. Press “Start work” when you begin."
    ),
    (Role.STAFF, Situation.WORKING): N_(
        "In progress, due %(due)s. Complete it when the result is ready, or ask the inventor."
    ),
    (Role.STAFF, Situation.WAITING): N_(
        "Waiting for the inventor's answer since %(since)s; the due date is paused."
    ),
    (Role.STAFF, Situation.QUESTION): N_(
        "The inventor asked about the result on %(since)s: answer, or reopen the request "
        "if more work is needed."
    ),
    (Role.STAFF, Situation.COMPLETED): N_("Completed on %(closed)s."),
    (Role.STAFF, Situation.DECLINED): N_("Declined on %(closed)s."),
    (Role.STAFF, Situation.WITHDRAWN): N_("Withdrawn by the inventor on %(closed)s."),
    (Role.STAFF, Situation.NO_ANSWER): N_(
        "Closed on %(closed)s: the inventor did not answer the question."
    ),
    (Role.STAFF, Situation.DUPLICATE): N_("Closed as a duplicate on %(closed)s."),
    (Role.INVENTOR, Situation.NEW): N_(
        "Your request is with %(centre)s. The centre will answer by %(due)s."
    ),
    (Role.INVENTOR, Situation.ASSIGNED): N_(
        "%(centre)s has taken your request. The answer is due by %(due)s."
    ),
    (Role.INVENTOR, Situation.WORKING): N_(
        "%(centre)s is working on your request. The answer is due by %(due)s."
    ),
    (Role.INVENTOR, Situation.WAITING): N_(
        "The centre is waiting for your answer — reply by %(reply_by)s."
    ),
    (Role.INVENTOR, Situation.QUESTION): N_(
        "Your question about the result is with %(centre)s: they will answer here."
    ),
    (Role.INVENTOR, Situation.COMPLETED): N_("Your request is completed. What you can do next:"),
    (Role.INVENTOR, Situation.DECLINED): N_("%(centre)s declined your request."),
    (Role.INVENTOR, Situation.WITHDRAWN): N_("You withdrew this request on %(closed)s."),
    (Role.INVENTOR, Situation.NO_ANSWER): N_(
        "This request was closed on %(closed)s because the centre's question was not answered."
    ),
    (Role.INVENTOR, Situation.DUPLICATE): N_(
        "This request was closed as a duplicate: the centre works on your other request."
    ),
}

# What staff read of a request assigned to themselves: "you", not their own name.
ASSIGNED_TO_YOU = N_("Assigned to you, due %(due)s. Press “Start work” when you begin.")

# How a banner looks: calm, waiting on someone, done, or closed without a result.
TONES = {
    Situation.NEW: "info",
    Situation.ASSIGNED: "info",
    Situation.WORKING: "info",
    Situation.WAITING: "warning",
    Situation.QUESTION: "warning",
    Situation.COMPLETED: "success",
    Situation.DECLINED: "secondary",
    Situation.WITHDRAWN: "secondary",
    Situation.NO_ANSWER: "secondary",
    Situation.DUPLICATE: "secondary",
}


@dataclass(frozen=True)
class NextStep:
    """The available actions of one person on one request, arranged for its page."""

    situation: Situation
    headline: str  # untranslated; see HEADLINES
    main: Action | None  # the one main action
    alongside: tuple[Action, ...]  # shown beside the main one
    conversation: Action | None  # the box under the conversation
    menu: tuple[Action, ...]  # everything else, far-reaching ones last
    flags: tuple[Action, ...]  # decided per duplicate flag, shown with each flag

    @property
    def tone(self) -> str:
        return TONES[self.situation]

    @property
    def shown(self) -> tuple[Action, ...]:
        """Every action with a place on the page outside the menu and the flags."""
        return tuple(a for a in (self.main, *self.alongside, self.conversation) if a)


def next_step(state: RequestState, actor: Actor, available: list[Action]) -> NextStep:
    """Arrange ``available`` (what this person may do now, from the workflow) for the page."""
    role = actor.role
    situation = situation_of(state)
    flags = tuple(a for a in available if _per_flag(a))
    rest = [a for a in available if a not in flags]
    main = next((a for a in _MAIN.get(role, ()) if a in rest and _moves_on(a, state)), None)
    alongside = tuple(a for a in _ALONGSIDE.get(role, ()) if a in rest and a != main)
    # The inventor answers a question with the reply, not with a message beside it.
    conversation = (
        Action.MESSAGE if Action.MESSAGE in rest and Action.REPLY not in available else None
    )
    placed = {main, *alongside, conversation, Action.MESSAGE}
    menu = [a for a in rest if a not in placed]
    menu.sort(key=lambda a: SPECS[a].danger or SPECS[a].confirm)  # stable: table order kept
    headline = HEADLINES.get((role, situation), "")
    yours = role is Role.STAFF and state.assignee_id == actor.user_id
    if yours and situation is Situation.ASSIGNED:
        headline = ASSIGNED_TO_YOU
    return NextStep(
        situation,
        headline,
        main,
        alongside,
        conversation,
        tuple(menu),
        flags,
    )


def offered(available: list[Action], open_flags: int) -> list[Action]:
    """``available`` as the page offers it, for a list of actions without the page (the
    API's): those decided per duplicate flag only while the request has an open flag, as
    the page shows them beside each open flag and nowhere else."""
    return [a for a in available if open_flags or not _per_flag(a)]


def _per_flag(action: Action) -> bool:
    return Needs.DUPLICATE_FLAG in SPECS[action].needs


def _moves_on(action: Action, state: RequestState) -> bool:
    """Assigning moves a request on only while nobody has it; reassigning is in the menu."""
    return action is not Action.ASSIGN or state.assignee_id is None


def reply_by(state: RequestState, policy: Policy) -> datetime | None:
    """The day a request awaiting the inventor closes unanswered: after the reminder's wait,
    counted from the reminder if it was sent, else from when it will be."""
    if state.status is not Status.AWAITING_INVENTOR or state.awaiting_since is None:
        return None
    reminded = state.reminded_at or policy.reminder_due(state.awaiting_since)
    return policy.closing_due(reminded)
