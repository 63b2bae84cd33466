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
    REMINDER = "reminder"  # the centre still waits for the inventor's answer
    CLOSED_NO_ANSWER = "closed_no_answer"
    CLOSED_AS_DUPLICATE = "closed_as_duplicate"
    ANSWERED = "answered"  # the centre answered a question about the result
    RATING_INVITATION = "rating_invitation"
    FILING_FOLLOWUP = "filing_followup"  # 3, 6 and 12 months after completion
    # To staff
    NEW_REQUEST = "new_request"
    INVENTOR_REPLIED = "inventor_replied"
    ASSIGNED_TO_YOU = "assigned_to_you"
    WITHDRAWN = "withdrawn"
    DAILY_DIGEST = "daily_digest"
    RESUMED = "resumed"  # the inventor reopened a request closed for want of an answer
    QUESTION_AFTER_COMPLETION = "question_after_completion"
    NEW_COLLEAGUE = "new_colleague"  # a staff account was created at my centre
    # Account messages
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"
    CONFIRM_EMAIL_CHANGE = "confirm_email_change"
    EMAIL_CHANGED = "email_changed"
    EMAIL_IN_USE = "email_in_use"  # someone asked to move their account to this address


class Audience(StrEnum):
    INVENTOR = "inventor"
    CENTRE_STAFF = "centre_staff"  # every active staff member of the request's (new) centre
    ASSIGNEE = "assignee"
    # The assignee while they may open the request, else (nobody holds it, or the assignee
    # left) every active staff member of its centre: what the inventor writes is never lost.
    ASSIGNEE_ELSE_STAFF = "assignee_else_staff"


# Which notifications each role may switch off, in the order the account page lists them.
OPTIONAL: dict[Role, list[Kind]] = {
    Role.INVENTOR: [
        Kind.REQUEST_RECEIVED, Kind.QUESTION, Kind.MESSAGE_FROM_CENTRE, Kind.TRANSFERRED,
        Kind.COMPLETED, Kind.DECLINED, Kind.REOPENED, Kind.REMINDER, Kind.CLOSED_NO_ANSWER,
        Kind.CLOSED_AS_DUPLICATE, Kind.ANSWERED, Kind.RATING_INVITATION, Kind.FILING_FOLLOWUP,
    ],
    Role.STAFF: [
        Kind.NEW_REQUEST, Kind.INVENTOR_REPLIED, Kind.ASSIGNED_TO_YOU, Kind.WITHDRAWN,
        Kind.DAILY_DIGEST, Kind.RESUMED, Kind.QUESTION_AFTER_COMPLETION,
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
    Kind.INVENTOR_REPLIED: N_("The inventor writes on a request assigned to me or to nobody"),
    Kind.ASSIGNED_TO_YOU: N_("A colleague assigns a request to me"),
    Kind.WITHDRAWN: N_("An inventor withdraws a request assigned to me or to nobody"),
    Kind.DAILY_DIGEST: N_("Daily digest of overdue and soon-due requests"),
    Kind.REMINDER: N_("A reminder that a centre waits for my answer"),
    Kind.CLOSED_NO_ANSWER: N_("My request is closed because I did not answer"),
    Kind.CLOSED_AS_DUPLICATE: N_("My request is closed as a duplicate of another"),
    Kind.ANSWERED: N_("A centre answers my question about a result"),
    Kind.RATING_INVITATION: N_("An invitation to rate a completed request"),
    Kind.RESUMED: N_("An inventor reopens a request closed for want of an answer"),
    Kind.QUESTION_AFTER_COMPLETION: N_("An inventor asks about the result of a completed request"),
}

# What each kind of e-mail is, as the national office reads it among the undelivered ones
# (KIND_LABELS above are a recipient's choices, in their own words, and only the optional).
KIND_NAMES: dict[Kind, str] = {
    Kind.REQUEST_RECEIVED: N_("Request received"),
    Kind.QUESTION: N_("Question from the centre"),
    Kind.MESSAGE_FROM_CENTRE: N_("Message from the centre"),
    Kind.TRANSFERRED: N_("Request moved to another centre"),
    Kind.COMPLETED: N_("Request completed"),
    Kind.DECLINED: N_("Request declined"),
    Kind.REOPENED: N_("Request reopened"),
    Kind.REMINDER: N_("Reminder to answer the centre"),
    Kind.CLOSED_NO_ANSWER: N_("Request closed for want of an answer"),
    Kind.CLOSED_AS_DUPLICATE: N_("Request closed as a duplicate"),
    Kind.ANSWERED: N_("Answer about a result"),
    Kind.RATING_INVITATION: N_("Invitation to rate a service"),
    Kind.FILING_FOLLOWUP: N_("Follow-up question: was a patent application filed?"),
    Kind.NEW_REQUEST: N_("New request at the centre"),
    Kind.INVENTOR_REPLIED: N_("Message from the inventor"),
    Kind.ASSIGNED_TO_YOU: N_("Request assigned"),
    Kind.WITHDRAWN: N_("Request withdrawn"),
    Kind.DAILY_DIGEST: N_("Daily digest"),
    Kind.RESUMED: N_("Request reopened by the inventor"),
    Kind.QUESTION_AFTER_COMPLETION: N_("Question about a result"),
    Kind.NEW_COLLEAGUE: N_("New colleague at the centre"),
    Kind.VERIFY_EMAIL: N_("Address confirmation"),
    Kind.PASSWORD_RESET: N_("Password reset"),
    Kind.INVITATION: N_("Invitation to the network"),
    Kind.CONFIRM_EMAIL_CHANGE: N_("Confirmation of a new address"),
    Kind.EMAIL_CHANGED: N_("Notice of a changed address"),
    Kind.EMAIL_IN_USE: N_("Notice of an attempt to use an address"),
}

# Sent to the person who acted too: a receipt rather than news.
RECEIPTS = frozenset({Kind.REQUEST_RECEIVED})


def wanted(kind: Kind, role: Role, muted: list[str]) -> bool:
    """Whether a person of ``role`` who muted ``muted`` receives ``kind``."""
    optional = kind in OPTIONAL.get(role, [])
    return not optional or kind.value not in muted
