"""The audit trail's actions: their names (stable, stored) and how the page labels them."""

from datetime import date, datetime, timedelta

from tisc.domain.catalogue import N_

ACTIONS: dict[str, str] = {
    "centre.created": N_("Centre created"),
    "centre.edited": N_("Centre edited"),
    "centre.status_changed": N_("Centre status changed"),
    "centre.profile_updated": N_("Page edited by the centre's staff"),
    "centre.suspended": N_("Suspended; its open requests moved"),
    "account.created": N_("Account created"),
    "account.invited_again": N_("Invitation sent again"),
    "account.registered": N_("Inventor registered"),
    "account.moved": N_("Staff member moved"),
    "account.deactivated": N_("Account deactivated"),
    "account.reactivated": N_("Account reactivated"),
    "account.signed_in": N_("Signed in"),
    "account.sign_in_failed": N_("Failed sign-in"),
    "account.password_changed": N_("Password changed"),
    "account.password_set": N_("Password set from an e-mailed link"),
    "account.email_changed": N_("E-mail address changed"),
    "account.signed_out_everywhere": N_("Signed out everywhere"),
    "account.signed_out_device": N_("Signed out one device"),
    "token.created": N_("API token created"),
    "token.revoked": N_("API token revoked"),
    "audit.exported": N_("Audit trail exported"),
    "export.downloaded": N_("Export downloaded"),
    "report.downloaded": N_("Report downloaded"),
    "requests.due_dates_followed": N_("Due dates worked out again for a new calendar or targets"),
}

# The entries "Without sign-ins" leaves out: routine, and most of the trail. A failed
# sign-in stays listed: it may be someone guessing a password.
ROUTINE_SIGN_INS = ("account.signed_in",)

# What the trail records under each key (an entry's before and after, an export's filters),
# as the page and its CSV name it. A key ending in _kk, _ru or _en is the text of that
# language: its label is the base key's, with the language (:func:`field_and_language`).
FIELDS: dict[str, str] = {
    "remember": N_("Keep me signed in on this device"),
    "email": N_("E-mail address"),
    "role": N_("Role"),
    "invited": N_("Invited to set a password"),
    "centre": N_("Centre"),
    "centre_id": N_("Centre"),
    "city_id": N_("City"),
    "status": N_("Status"),
    "services": N_("Services"),
    "languages": N_("Languages"),
    "name": N_("Name"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "joined_on": N_("Joined the network on"),
    "description": N_("Description"),
    "host_institution": N_("Host institution"),
    "address": N_("Address"),
    "opening_hours": N_("Opening hours"),
    "phone": N_("Phone"),
    "website": N_("Website"),
    "requests_moved": N_("Open requests moved"),
    "session": N_("Session"),
    "user_agent": N_("Browser"),
    "scope": N_("Scope"),
    "failures": N_("Failed attempts in a row"),
    "filters": N_("Filters"),
    "rows": N_("Rows exported"),
    "year": N_("Year"),
    "service": N_("Service"),
    "assignee": N_("Assignee"),
    "region_code": N_("Region"),
    "overdue": N_("Overdue only"),
    "sort": N_("Sort by"),
    "text": N_("Search"),
    "action": N_("Action"),
    "actor_id": N_("Who"),  # the trail's exports before "Who" took part of a name
    "who": N_("Who (name or e-mail)"),
    "since": N_("From date"),
    "until": N_("To date"),
    "target": N_("On what"),
    "without_sign_ins": N_("Without sign-ins"),
    "due_dates_moved": N_("Open requests whose due date moved"),
}
LANGUAGE_SUFFIXES = ("_kk", "_ru", "_en")

# A list's filters as recorded with its export: the values that are not codes of a
# catalogue (a status filter may also be one of these).
FILTER_VALUES: dict[str, dict[str, str]] = {
    "status": {"open": N_("Open requests"), "all": N_("All requests"),
               "questions": N_("Questions after completion")},
    "assignee": {"any": N_("Anyone"), "me": N_("Me"), "unassigned": N_("Unassigned")},
    "sort": {"due": N_("Due date"), "age": N_("Oldest first")},
}  # fmt: skip


# The keys under which the trail records a day or a moment (as ISO 8601 text): a centre's
# date of joining, the bounds of the trail's own filters. "until" is the first moment the
# filtered list leaves out, so the last day it holds is the day before.
DAYS = frozenset({"joined_on", "since", "until"})
EXCLUSIVE_ENDS = frozenset({"until"})


def recorded_day(key: str, value) -> date | datetime | None:
    """The day (or the moment, whose day depends on the reader's zone) a value recorded
    under ``key`` stands for; None when the key holds no dates or the value is none."""
    if key not in DAYS or not isinstance(value, str):
        return None
    try:
        if "T" not in value:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # no zone to read its day in: the day as written
        return moment.date()
    return moment - timedelta(microseconds=1) if key in EXCLUSIVE_ENDS else moment


def list_change(before, after) -> tuple[list, list] | None:
    """What a list of codes recorded before and after (a centre's services, its languages)
    gained and lost, each in its own list's order. None when either side is not such a
    list (anything else is shown whole, before → after), or when no value came or went
    (the same values in another order are shown whole too)."""
    if not (_codes(before) and _codes(after)):
        return None
    added = [value for value in after if value not in before]
    removed = [value for value in before if value not in after]
    return (added, removed) if added or removed else None


def _codes(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# A thing's name, labelled as the thing's: Russian and Kazakh name a person's name (ФИО,
# Аты-жөні) otherwise than a centre's or a token's (название, атауы).
NAMES_OF: dict[str, str] = {"centre": N_("Centre name"), "token": N_("Token name")}


def field_and_language(key: str, target: str = "") -> tuple[str, str | None]:
    """A recorded key's label (its own key when it has none: shown as kept) and the
    language of its text, if it is one language's text (``address_kk``); ``target`` is
    the entry's (``centre:kbtu``), whose kind names its ``name``."""
    language = None
    if key[-3:] in LANGUAGE_SUFFIXES and key[:-3] in FIELDS:
        key, language = key[:-3], key[-2:]
    if key == "name" and (label := NAMES_OF.get(target.partition(":")[0])):
        return label, language
    return FIELDS.get(key, key), language
