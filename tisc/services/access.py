"""The one lookup of a request, used by every page, file, action and the API.

A request the user may not see is :class:`NotFound` - never "forbidden" - so
that nobody learns which references exist. The rules themselves are the
named predicates of :mod:`tisc.domain.permissions`; :func:`content_filter` is
the SQL form of :func:`~tisc.domain.permissions.can_view_request`.
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, with_expression

from tisc.domain.catalogue import N_, Role
from tisc.domain.errors import Invalid, NotFound
from tisc.domain.permissions import Actor, can_see_metadata
from tisc.domain.references import format_reference, parse_reference
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import reads, security

REQUEST_NOT_FOUND = N_("There is no such request, or it is not yours to see.")


def content_filter(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL condition for the requests whose content (description, messages,
    files) ``actor`` may see: an inventor their own, staff their centre's."""
    if not actor.active:
        return sa.false()
    if actor.role is Role.INVENTOR:
        return ServiceRequest.inventor_id == actor.user_id
    if actor.role is Role.STAFF and actor.centre_id is not None:
        return ServiceRequest.centre_id == actor.centre_id
    return sa.false()


def get_request_for(user: User, reference: str, *, changed: bool = False) -> ServiceRequest:
    """The request ``reference`` if ``user`` may see its content, else NotFound; with
    ``changed``, its ``changed_for_reader`` read in the same statement."""
    reference = _checked(reference)
    query = (
        sa.select(ServiceRequest)
        .where(ServiceRequest.reference == reference, content_filter(user.actor))
        # Every page of a request names its inventor and assignee: one statement, not three.
        .options(joinedload(ServiceRequest.inventor), joinedload(ServiceRequest.assignee))
    )
    if changed:
        mark = reads.changed_mark(user.id)
        query = query.options(with_expression(ServiceRequest.changed_for_reader, mark))
    service_request = db.session.scalar(query)
    if service_request is None:
        _refused(user, reference)
        raise NotFound(REQUEST_NOT_FOUND)
    return service_request


def _refused(user: User, reference: str) -> None:
    """Log a 404 given for a request that exists: someone looking where they may not."""
    exists = db.session.scalar(
        sa.select(ServiceRequest.id).where(ServiceRequest.reference == reference)
    )
    if exists is not None:
        security.event("request_refused", reference=reference, user_id=user.id, role=user.role)


def get_request_metadata_for(user: User, reference: str) -> ServiceRequest:
    """The request for the coordinator's metadata view, else NotFound.

    The caller must show only metadata (see ``services/oversight.py``)."""
    reference = _checked(reference)
    service_request = None
    if can_see_metadata(user.actor):
        service_request = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
    if service_request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return service_request


def _checked(reference: str) -> str:
    try:
        year, number = parse_reference(reference)
    except Invalid as error:
        raise NotFound(REQUEST_NOT_FOUND) from error
    return format_reference(year, number)


def get_request_seen_by(user: User, reference: str) -> ServiceRequest:
    """The request for anyone who may see at least its metadata (content or not), else
    NotFound: the API's one lookup, whose representation then shows what the user may see."""
    reference = _checked(reference)
    query = sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
    if not can_see_metadata(user.actor):
        query = query.where(content_filter(user.actor))
    service_request = db.session.scalar(query)
    if service_request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return service_request
