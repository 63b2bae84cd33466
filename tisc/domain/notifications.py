"""The e-mails the product sends: their kinds, audiences and who may switch them off.

Which workflow action sends which notification is part of each action's
spec (``tisc.domain.workflow.SPECS``). Request notifications can be switched
off per person; account messages (password reset, address confirmation,
invitation) always go.
"""

from enum import StrEnum

from tisc.domain.catalogue import N_, Role


class Kind(StrEnum):
    # To the inventor
    REQUEST_RECEIVED = "request_received"
    QUESTION = "question"
    MESSAGE_FROM_CENTRE = "message_from_centre"
    TRANSFERRED = "transferred"
    COMPLETED = "completed"
    DECLINED = "declined"
    REOPENED = "reopened"
    FILING_FOLLOWUP = "filing_followup"  # 3, 6 and 12 months after completion
    # To staff
    NEW_REQUEST = "new_request"
    INVENTOR_REPLIED = "inventor_replied"
    ASSIGNED_TO_YOU = "assigned_to_you"
    WITHDRAWN = "withdrawn"
    DAILY_DIGEST = "daily_digest"
    # Account messages
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"
    CONFIRM_EMAIL_CHANGE = "confirm_email_change"
    EMAIL_CHANGED = "email_changed"


class Audience(StrEnum):
    INVENTOR = "inventor"
    CENTRE_STAFF = "centre_staff"  # every active staff member of the request's (new) centre
    ASSIGNEE = "assignee"


# Which notifications each role may switch off, in the order the account page lists them.
OPTIONAL: dict[Role, list[Kind]] = {
    Role.INVENTOR: [
        Kind.REQUEST_RECEIVED, Kind.QUESTION, Kind.MESSAGE_FROM_CENTRE, Kind.TRANSFERRED,
        Kind.COMPLETED, Kind.DECLINED, Kind.REOPENED, Kind.FILING_FOLLOWUP,
    ],
    Role.STAFF: [
        Kind.NEW_REQUEST, Kind.INVENTOR_REPLIED, Kind.ASSIGNED_TO_YOU, Kind.WITHDRAWN,
        Kind.DAILY_DIGEST,
    ],
    Role.COORDINATOR: [],
}  # fmt: skip

KIND_LABELS: dict[Kind, str] = {
    Kind.REQUEST_RECEIVED: N_("My request was received"),
    Kind.QUESTION: N_("A centre asks me a question"),
    Kind.MESSAGE_FROM_CENTRE: N_("A centre sends me a message"),
    Kind.TRANSFERRED: N_("My request moves to another centre"),
    Kind.COMPLETED: N_("My request is completed"),
    Kind.DECLINED: N_("My request is declined"),
    Kind.REOPENED: N_("My request is reopened"),
    Kind.FILING_FOLLOWUP: N_("Months after a service: did I file an application?"),
    Kind.NEW_REQUEST: N_("A new request arrives at my centre"),
    Kind.INVENTOR_REPLIED: N_("The inventor answers on a request assigned to me"),
    Kind.ASSIGNED_TO_YOU: N_("A colleague assigns a request to me"),
    Kind.WITHDRAWN: N_("An inventor withdraws a request assigned to me"),
    Kind.DAILY_DIGEST: N_("Daily digest of overdue and soon-due requests"),
}

# Sent to the person who acted too: a receipt rather than news.
RECEIPTS = frozenset({Kind.REQUEST_RECEIVED})


def wanted(kind: Kind, role: Role, muted: list[str]) -> bool:
    """Whether a person of ``role`` who muted ``muted`` receives ``kind``."""
    optional = kind in OPTIONAL.get(role, [])
    return not optional or kind.value not in muted
