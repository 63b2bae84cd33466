"""Who may see and do what: the product's access rules as named predicates.

Every page, service, template, e-mail and the API asks these questions by
name, so a rule has one home. They take plain facts: an :class:`Actor` (the
person acting) and anything with a request's ``inventor_id`` and
``centre_id``. The SQL form of :func:`can_view_request`, used to filter
lists, is ``tisc.services.access.content_filter``; a test keeps the two in
agreement.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from tisc.domain.catalogue import Role


class Agent(StrEnum):
    """Who acts when no person does."""

    SCHEDULE = "schedule"  # the daily jobs: reminders, closing abandoned requests


@dataclass(frozen=True)
class Actor:
    """The person acting, as the rules see them."""

    user_id: int
    role: Role | Agent
    centre_id: int | None = None
    active: bool = True


# The daily jobs acting on a request (its events have no person as actor).
SCHEDULE = Actor(0, Agent.SCHEDULE)

# The product itself acting for the national office where no person does (an account
# deactivated from the command line): it may take the coordinator's actions, and its
# events name no one.
SYSTEM = Actor(user_id=0, role=Role.COORDINATOR)


class Held(Protocol):
    """A request as the rules see it: whose it is and which centre holds it."""

    inventor_id: int
    centre_id: int


def is_inventor_of(actor: Actor, request: Held) -> bool:
    return actor.active and actor.role is Role.INVENTOR and actor.user_id == request.inventor_id


def is_staff_of(actor: Actor, centre_id: int | None) -> bool:
    """Active staff of ``centre_id``: the people who work that centre's requests."""
    return (
        actor.active
        and actor.role is Role.STAFF
        and centre_id is not None
        and actor.centre_id == centre_id
    )


def can_view_request(actor: Actor, request: Held) -> bool:
    """The whole request - description, messages, files: its inventor and its centre's staff.

    Anyone else is told it does not exist (404), never that it is forbidden.
    """
    return is_inventor_of(actor, request) or is_staff_of(actor, request.centre_id)


def can_see_metadata(actor: Actor) -> bool:
    """Every request's metadata (never its content): the national office."""
    return actor.active and actor.role is Role.COORDINATOR


def can_see_internal(actor: Actor, request: Held) -> bool:
    """Internal notes and the files attached to them: the centre's staff only."""
    return is_staff_of(actor, request.centre_id)


def can_see_effort(actor: Actor) -> bool:
    """The hours a result took: the centres' and the national office's measure of their
    work (WIPO's figures), not the inventor's: to them it reads as a judgement of it."""
    return actor.role is not Role.INVENTOR


def can_see_inventor_contact(actor: Actor, request: Held) -> bool:
    """The inventor's name and e-mail address: the staff handling the request."""
    return is_staff_of(actor, request.centre_id)


def can_take_part(actor: Actor, request: Held, roles: frozenset[Role | Agent]) -> bool:
    """Whether ``actor`` may take an action open to ``roles`` on this request:
    an inventor on their own request, staff on their centre's, the national office on
    any request (only actions that touch no content are open to it: moving a request off a
    suspended centre, unassigning someone who left), the daily jobs on any."""
    if actor.role not in roles:
        return False
    if actor.role is Role.COORDINATOR:
        return can_see_metadata(actor)
    if actor.role is Role.STAFF:
        return is_staff_of(actor, request.centre_id)
    if actor.role is Role.INVENTOR:
        return is_inventor_of(actor, request)
    if actor.role is Role.COORDINATOR:
        return can_see_metadata(actor)
    return actor.role is Agent.SCHEDULE


def can_see_both(actor: Actor, one: Held, other: Held) -> bool:
    """Both requests whole: who may be shown that one is possibly the same as the other."""
    return can_view_request(actor, one) and can_view_request(actor, other)


def can_see_duplicate_flags(actor: Actor, request: Held) -> bool:
    """That the request possibly duplicates another (and whether it was linked or
    dismissed): the staff handling it. The other's reference needs :func:`can_see_both`."""
    return is_staff_of(actor, request.centre_id)


def can_see_duplicate_link(actor: Actor) -> bool:
    """Only that a request is linked to another as a possible or actual duplicate,
    never which one: the national office."""
    return can_see_metadata(actor)


def can_edit_centre_profile(actor: Actor, centre_id: int | None) -> bool:
    """A centre's public profile (descriptions, contacts, hours, services, languages):
    its own staff. Status, location and membership stay with the national office."""
    return is_staff_of(actor, centre_id)


def can_manage_saved_replies(actor: Actor, centre_id: int | None) -> bool:
    """A centre's saved replies: its own staff, who alone use them."""
    return is_staff_of(actor, centre_id)
