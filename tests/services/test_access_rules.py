"""The SQL form of "may view a request" selects exactly what the plain rule allows."""

import sqlalchemy as sa

from tisc.domain.catalogue import Role
from tisc.domain.permissions import Actor, can_view_request
from tisc.extensions import db
from tisc.models import ServiceRequest
from tisc.services.access import content_filter


def test_content_filter_agrees_with_can_view_request(make, ctx):
    inventor, other = make.user("inventor"), make.user("inventor")
    kbtu, atyrau = make.user("staff", centre="kbtu"), make.user("staff", centre="atyrau-university")
    make.request(inventor)  # routed to KBTU
    make.request(other, region="KZ-23")  # Atyrau region: routed to Atyrau University
    people = [
        Actor(inventor.id, Role.INVENTOR),
        Actor(other.id, Role.INVENTOR),
        Actor(kbtu.id, Role.STAFF, kbtu.centre_id),
        Actor(atyrau.id, Role.STAFF, atyrau.centre_id),
        Actor(kbtu.id, Role.STAFF, kbtu.centre_id, active=False),
        Actor(999, Role.COORDINATOR),
    ]
    rows = db.session.scalars(sa.select(ServiceRequest)).all()
    assert len(rows) == 2
    for actor in people:
        query = sa.select(ServiceRequest.id).where(content_filter(actor))
        selected = set(db.session.scalars(query))
        allowed = {row.id for row in rows if can_view_request(actor, row)}
        assert selected == allowed, actor
