"""The one rule for who may see a request, used by every page, file and action.

A request the user may not see is :class:`NotFound` - never "forbidden" - so
that nobody learns which references exist.
"""

import sqlalchemy as sa

from tisc.domain.catalogue import N_, Role
from tisc.domain.errors import Invalid, NotFound
from tisc.domain.references import format_reference, parse_reference
from tisc.extensions import db
from tisc.models import ServiceRequest, User

REQUEST_NOT_FOUND = N_("There is no such request, or it is not yours to see.")


def content_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition for the requests whose content (description, messages,
    files) ``user`` may see: an inventor their own, staff their centre's."""
    if user.role is Role.INVENTOR:
        return ServiceRequest.inventor_id == user.id
    if user.role is Role.STAFF and user.centre_id is not None:
        return ServiceRequest.centre_id == user.centre_id
    return sa.false()


def may_see_metadata(user: User) -> bool:
    """The coordinator sees every request's metadata, never its content."""
    return user.role is Role.COORDINATOR


def get_request_for(user: User, reference: str) -> ServiceRequest:
    """The request ``reference`` if ``user`` may see its content, else NotFound."""
    reference = _checked(reference)
    query = sa.select(ServiceRequest).where(
        ServiceRequest.reference == reference, content_filter(user)
    )
    service_request = db.session.scalar(query)
    if service_request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return service_request


def get_request_metadata_for(user: User, reference: str) -> ServiceRequest:
    """The request for the coordinator's metadata view, else NotFound.

    The caller must show only metadata (see ``web/office.py``)."""
    reference = _checked(reference)
    service_request = None
    if may_see_metadata(user):
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
