"""Regions and cities as the pages list them."""

import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import City, Region


def regions() -> list[Region]:
    return list(db.session.scalars(sa.select(Region).order_by(Region.name_en)))


def cities() -> list[City]:
    return list(db.session.scalars(sa.select(City).order_by(City.name_en)))
