"""Accounts: registration, sign-in checks, and the coordinator's staff management."""

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from werkzeug.security import check_password_hash, generate_password_hash

from tisc.caching import Cache
from tisc.domain.catalogue import (
    N_,
    NP_,
    CentreKind,
    Language,
    RequesterCategory,
    Role,
    admits_staff,
)
from tisc.domain.errors import Invalid, NotFound, Refused
from tisc.domain.notifications import OPTIONAL, Kind
from tisc.domain.policy import Policy
from tisc.domain.text import is_blank, trimmed
from tisc.extensions import db
from tisc.models import Centre, User
from tisc.models.base import utcnow
from tisc.services import audit, handover, notifications, rules, sessions
from tisc.services.unit_of_work import use_case

MIN_PASSWORD = 10
MIN_STRENGTH = 3  # zxcvbn's score: 3 is "safely unguessable", 4 "very unguessable"
MAX_CHECKED = 72  # zxcvbn refuses longer input (a ValueError); a longer password is no weaker
# Said of a centre no staff may join (a crafted form, the command line): suspended ones.
NOT_JOINABLE = N_(
    "Choose an active or planned centre of the network: a suspended centre takes no new staff."
)
# Checked against when the e-mail is unknown, so both answers take as long. Written out
# (werkzeug's scrypt of "not a password"), not computed: every web worker would otherwise
# spend a scrypt - 32 MiB and a tenth of a second - on starting.
_DUMMY_HASH = (
    "scrypt:32768:8:1$H8yLBVAyTd2DrWVr$32da8db9d174d3c03cdf283a67960e984e55422e4ef804e3215b5"
    "96d5438da61383a238a3e01670f32ed1e27c38cff65a810e0cd17775e9f4b51f9107c293bfc"
)


def normalise_email(email: str) -> str:
    """The address as stored: validated, domain in lower case, local part kept."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid("email", N_("Enter a valid e-mail address.")) from None
    return result.normalized.lower()


_SEPARATORS = re.compile(r"[\s@._-]+")


def check_password_strength(password: str, field: str = "password", hints=()) -> None:
    """Long enough, and not easy to guess: zxcvbn's offline estimate (common passwords,
    words, names, dates, keyboard rows, repeats, and ``hints`` such as the person's own
    name and address) must put it at "safely unguessable" (3 of 4) or better."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            field,
            NP_("Use at least %(num)d character.", "Use at least %(num)d characters."),
            num=MIN_PASSWORD,
        )
    from zxcvbn import zxcvbn  # loaded by the few processes that ever set a password

    # Each hint whole, run together and in parts: "dana.kim.qa3@example.org" as a password
    # was "very unguessable" with only the parts, as was a full name.
    words = [
        word
        for hint in filter(None, hints)
        for word in (hint, _SEPARATORS.sub("", hint), *_SEPARATORS.split(hint))
        if word
    ]
    if zxcvbn(password[:MAX_CHECKED], user_inputs=words)["score"] < MIN_STRENGTH:
        raise Invalid(
            field,
            N_(
                "This password is too easy to guess. Avoid common passwords, names, dates, "
                "keyboard rows and repeated characters: a few unrelated words work well."
            ),
        )


# Whether some of a few accounts are active (the demo banner asks on every page): kept a
# minute per process, forgotten at once when this process creates or (de)activates one.
_active: Cache[bool] = Cache(size=8, seconds=60)


def any_active(emails: tuple[str, ...]) -> bool:
    """Whether any of these accounts exists and is active (cheap enough for every page)."""
    key = (str(db.engine.url), emails)
    return _active.get(key, lambda: _query_any_active(emails))


def _query_any_active(emails: tuple[str, ...]) -> bool:
    query = sa.select(User.id).where(User.email.in_(emails), User.active.is_(True)).limit(1)
    return db.session.scalar(query) is not None


def find_by_email(email: str) -> User | None:
    try:
        email = normalise_email(email)
    except Invalid:
        return None
    return db.session.scalar(sa.select(User).where(User.email == email))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (one answer for all failures)."""
    user = find_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@use_case
def register_inventor(
    name: str,
    email: str,
    password: str,
    locale: str | None,
    hash_method: str,
    requester_category: str | None = None,
):
    """A self-registered inventor, who may submit at once; a confirmation link is queued."""
    category = _checked_category(requester_category) if requester_category is not None else None
    user = _new_user(name, email, password, Role.INVENTOR, None, locale, hash_method)
    user.requester_category = category
    notifications.queue(Kind.VERIFY_EMAIL, user)
    audit.record("account.registered", user.id, f"user:{user.id}", after={"email": user.email})
    return user


@use_case
def create_user(
    name: str,
    email: str,
    role: Role,
    hash_method: str,
    centre_slug: str | None = None,
    password: str | None = None,
    locale: str | None = None,
    by: User | None = None,
) -> User:
    """Create an account of any role; staff belong to a TISC, whose staff are told.

    Without a password the person is invited by e-mail to choose their own.
    """
    centre_id = None
    if role is Role.STAFF:
        centre = db.session.scalar(sa.select(Centre).where(Centre.slug == (centre_slug or "")))
        if centre is None or centre.kind is not CentreKind.TISC:
            raise Invalid("centre", N_("Staff must belong to a centre of the network."))
        if not admits_staff(centre.kind, centre.status):
            raise Invalid("centre", NOT_JOINABLE)
        centre_id = centre.id
    elif centre_slug:
        raise Invalid("centre", N_("Only centre staff belong to a centre: leave it empty."))
    user = _new_user(name, email, password, role, centre_id, locale, hash_method)
    if password is None:
        notifications.queue(Kind.INVITATION, user)
    else:  # an address given by whoever runs the network (the command line, the demo)
        user.email_verified_at = utcnow()
    if centre_id is not None:
        _tell_colleagues(user, centre_id)
    created = {"email": user.email, "role": role.value, "invited": password is None}
    if centre_id is not None:
        created["centre"] = centre_slug
    audit.record("account.created", by.id if by else None, f"user:{user.id}", after=created)
    return user


@use_case
def move_staff(
    user_id: int, centre_slug: str, by: User | None = None, policy: Policy | None = None
) -> User:
    """Move a staff member to another centre; they leave their open requests at the old one."""
    user = staff_member(user_id)
    centre = db.session.scalar(sa.select(Centre).where(Centre.slug == centre_slug))
    if centre is None or centre.kind is not CentreKind.TISC:
        raise Invalid("centre", N_("Choose a centre of the network."))
    if not admits_staff(centre.kind, centre.status):
        raise Invalid("centre", NOT_JOINABLE)
    before = user.centre.slug if user.centre else None
    user.centre = centre  # the relationship, not only its key: what is said next names it
    handover.leave_requests(user, by, policy or Policy())
    if before != centre.slug:
        _tell_colleagues(user, centre.id, moved=True)
        audit.record(
            "account.moved", by.id if by else None, f"user:{user.id}",
            {"centre": before}, {"centre": centre.slug},
        )  # fmt: skip
    return user


def _tell_colleagues(user: User, centre_id: int, moved: bool = False) -> None:
    """Whoever works at the centre is told that ``user`` now sees its requests too."""
    for colleague in staff_of(centre_id):
        if colleague.id != user.id:
            context = {"name": user.name, "moved": moved}
            notifications.queue(Kind.NEW_COLLEAGUE, colleague, context=context)


@use_case
def set_active_by_email(email: str, active: bool, policy: Policy | None = None) -> User:
    """Deactivate (or reactivate) any account, from the command line."""
    user = find_by_email(email)
    if user is None:
        raise NotFound(N_("There is no such account."))
    return _set_active(user, active, None, policy)


def staff_member_or_coordinator(user_id: int) -> User:
    """An account the national office manages (staff or coordinator), else NotFound."""
    user = db.session.get(User, user_id)
    if user is None or user.role is Role.INVENTOR:
        raise NotFound(N_("There is no such staff account."))
    return user


def awaits_password(user: User) -> bool:
    """Invited and not yet in: no password chosen from the invitation's link."""
    return user.password_hash is None and user.active


@use_case
def invite_again(user_id: int, by: User) -> User:
    """The coordinator sends an invitation again, with a new link (each lasts 7 days), to
    a staff or coordinator account that has not chosen its password yet."""
    user = staff_member_or_coordinator(user_id)
    if not awaits_password(user):
        raise Refused(
            N_("This person has already chosen a password, or the account is deactivated.")
        )
    notifications.queue(Kind.INVITATION, user)
    audit.record("account.invited_again", by.id, f"user:{user.id}")
    return user


@use_case
def set_staff_active(user_id: int, active: bool, by: User, policy: Policy | None = None) -> User:
    """The coordinator deactivates or reactivates a staff or coordinator account."""
    user = staff_member_or_coordinator(user_id)
    if user.id == by.id:
        raise Refused(N_("You cannot deactivate your own account."))
    return _set_active(user, active, by, policy)


def _set_active(user: User, active: bool, by: User | None, policy: Policy | None) -> User:
    """Accounts are never deleted; deactivation ends their sessions everywhere and
    leaves their open requests to their colleagues. (``policy``: the deployment's calendar,
    for the figures of the requests it unassigns; the defaults when not given.)"""
    if user.active != active:
        user.active = active
        sessions.end_all(user)
        _active.clear()
        audit.record(
            "account.reactivated" if active else "account.deactivated",
            by.id if by else None, f"user:{user.id}",
        )  # fmt: skip
    if not active:
        handover.leave_requests(user, by, policy or Policy())
    return user


@use_case
def update_profile(
    user: User, name: str, locale: str | None, requester_category: str | None = None
) -> User:
    """Name and language; for inventors also who they ask as (requests keep theirs)."""
    user = db.session.merge(user)
    if is_blank(name):
        raise Invalid("name", N_("Enter your name."))
    user.name = trimmed(name)
    user.locale = _checked_locale(locale)
    if requester_category:
        user.requester_category = _checked_category(requester_category)
    return user


def _checked_category(value: str) -> RequesterCategory:
    try:
        return RequesterCategory(value)
    except ValueError:
        raise Invalid("requester_category", N_("Tell us who you are asking as.")) from None


@use_case
def save_locale(user: User, locale: str) -> None:
    db.session.merge(user).locale = _checked_locale(locale)


@use_case
def change_password(user: User, current: str, new: str, hash_method: str) -> User:
    """Needs the current password; signs the user out of their other sessions."""
    user = db.session.merge(user)
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise Invalid("current_password", N_("That is not your current password."))
    if new == current:
        raise Invalid("new_password", N_("Choose a password other than your current one."))
    check_password_strength(new, "new_password", (user.name, user.email))
    user.password_hash = generate_password_hash(new, method=hash_method)
    sessions.end_all(user)
    audit.record("account.password_changed", user.id, f"user:{user.id}")
    return user


@use_case
def request_password_reset(email: str) -> None:
    """Queue a reset link when the address belongs to an active account.

    The caller answers the same either way, so nobody learns who has an account.
    """
    user = find_by_email(email)
    if user is not None and user.active:
        notifications.queue(Kind.PASSWORD_RESET, user)


LINK_USED = N_("This link has already been used or is no longer valid.")


def link_is_current(user_id: int, version: int) -> bool:
    """Whether a reset or invitation link of ``user_id``'s made at session ``version`` may
    still set a password (nothing has ended the account's sessions since)."""
    user = db.session.get(User, user_id)
    return user is not None and user.active and user.session_version == version


@use_case
def set_password_from_link(user_id: int, version: int, password: str, hash_method: str) -> User:
    """Set the password of a reset or invitation link, which then stops working.

    The link proved the address too, so it counts as confirmed.
    """
    if not link_is_current(user_id, version):
        raise Invalid("token", LINK_USED)
    user = db.session.get(User, user_id)
    check_password_strength(password, hints=(user.name, user.email))
    user.password_hash = generate_password_hash(password, method=hash_method)
    sessions.end_all(user)
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record("account.password_set", user.id, f"user:{user.id}")
    return user


@use_case
def confirm_address(user_id: int, email: str) -> User:
    """Mark the address confirmed by its link (again is harmless)."""
    user = db.session.get(User, user_id)
    if user is None or user.email != email:
        raise Invalid("token", N_("This link has already been used or is no longer valid."))
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


@use_case
def resend_confirmation(user: User) -> None:
    user = db.session.merge(user)
    if user.email_verified_at is None:
        notifications.queue(Kind.VERIFY_EMAIL, user)


@use_case
def request_email_change(user: User, password: str, new_email: str) -> str:
    """Check the password, then send a confirmation link to the new address."""
    user = db.session.merge(user)
    if user.password_hash is None or not check_password_hash(user.password_hash, password):
        raise Invalid("password", N_("That is not your current password."))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise Invalid("email", N_("This is already your address."))
    owner = db.session.scalar(sa.select(User).where(User.email == new_email))
    if owner is not None:
        # The same answer as for a free address, so nobody learns who has an account;
        # the owner of the address is told instead (not who asked).
        notifications.queue(Kind.EMAIL_IN_USE, owner)
        return new_email
    notifications.queue(
        Kind.CONFIRM_EMAIL_CHANGE, user, to_address=new_email, context={"new_email": new_email}
    )
    return new_email


@use_case
def confirm_email_change(user_id: int, old_email: str, new_email: str) -> User:
    """Switch to the confirmed address and tell the old one."""
    user = db.session.get(User, user_id)
    if user is None or user.email != old_email:
        raise Invalid("token", N_("This link has already been used or is no longer valid."))
    if db.session.scalar(sa.select(User.id).where(User.email == new_email)):
        raise Invalid("token", N_("An account with this e-mail address already exists."))
    audit.record("account.email_changed", user.id, f"user:{user.id}",
                 {"email": user.email}, {"email": new_email})  # fmt: skip
    user.email = new_email
    user.email_verified_at = utcnow()
    notifications.queue(
        Kind.EMAIL_CHANGED, user, to_address=old_email, context={"new_email": new_email}
    )
    return user


@use_case
def set_notifications(user: User, enabled: list[str]) -> User:
    """Keep the chosen notifications on and mute the role's other optional ones."""
    user = db.session.merge(user)
    optional = [kind.value for kind in OPTIONAL.get(user.role, [])]
    user.muted_notifications = [kind for kind in optional if kind not in set(enabled)]
    return user


def staff_of(centre_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(rules.is_active_staff_of(centre_id)).order_by(User.name)
        )
    )


def staff_and_coordinators() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_([Role.STAFF, Role.COORDINATOR]))
            .order_by(User.role, User.name)
        )
    )


def staff_member(user_id: int) -> User:
    """The staff account ``user_id`` (not a coordinator's), or NotFound."""
    user = db.session.get(User, user_id)
    if user is None or user.role is not Role.STAFF:
        raise NotFound(N_("There is no such staff account."))
    return user


def _checked_locale(locale: str | None) -> str | None:
    if locale in (None, ""):
        return None
    if locale not in {language.value for language in Language}:
        raise Invalid("locale", N_("Choose a language."))
    return locale


def registration_problems(name: str, email: str, password: str) -> list[Invalid]:
    """Everything wrong with a registration at once (each field's first problem), so the
    form says it all in one answer rather than one problem per attempt."""
    problems = []
    if is_blank(name):
        problems.append(Invalid("name", N_("Enter a name.")))
    try:
        if find_by_email(normalise_email(email)) is not None:
            problems.append(Invalid("email", TAKEN))
    except Invalid as problem:
        problems.append(problem)
    try:
        check_password_strength(password)
    except Invalid as problem:
        problems.append(problem)
    return problems


TAKEN = N_("An account with this e-mail address already exists.")


def _new_user(name, email, password, role, centre_id, locale, hash_method) -> User:
    if is_blank(name):
        raise Invalid("name", N_("Enter a name."))
    email = normalise_email(email)
    if password is not None:
        check_password_strength(password, hints=(name, email))
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Invalid("email", N_("An account with this e-mail address already exists."))
    user = User(
        name=trimmed(name),
        email=email,
        role=role,
        centre_id=centre_id,
        locale=_checked_locale(locale),
        password_hash=generate_password_hash(password, method=hash_method) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    _active.clear()
    return user
