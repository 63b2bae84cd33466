"""Centres of the network: the TISCs and the coordinating office."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tisc.domain.catalogue import CentreKind, CentreStatus, Service
from tisc.models.base import Base, UTCDateTime, enum_type, utcnow
from tisc.models.places import City


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[CentreKind] = mapped_column(enum_type(CentreKind), default=CentreKind.TISC)
    status: Mapped[CentreStatus] = mapped_column(
        enum_type(CentreStatus), default=CentreStatus.ACTIVE, index=True
    )
    name_kk: Mapped[str] = mapped_column(sa.String(200), default="")
    name_ru: Mapped[str] = mapped_column(sa.String(200), default="")
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    host_institution: Mapped[str] = mapped_column(sa.String(200), default="")
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    opening_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    joined_on: Mapped[date | None]
    description_kk: Mapped[str] = mapped_column(sa.Text, default="")
    description_ru: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    service_rows: Mapped[list["CentreService"]] = relationship(
        cascade="all, delete-orphan", order_by="CentreService.service"
    )

    @property
    def services(self) -> list[Service]:
        """In catalogue order."""
        offered = {row.service for row in self.service_rows}
        return [service for service in Service if service in offered]

    @services.setter
    def services(self, services) -> None:
        wanted = set(services)
        self.service_rows = [row for row in self.service_rows if row.service in wanted]
        have = {row.service for row in self.service_rows}
        self.service_rows += [CentreService(service=s) for s in Service if s in wanted - have]

    @property
    def region_code(self) -> str:
        return self.city.region_code

    @property
    def is_tisc(self) -> bool:
        return self.kind is CentreKind.TISC

    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def descriptions(self) -> dict[str, str]:
        return {"kk": self.description_kk, "ru": self.description_ru, "en": self.description_en}


class CentreService(Base):
    __tablename__ = "centre_services"

    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"), primary_key=True)
    service: Mapped[Service] = mapped_column(enum_type(Service), primary_key=True, index=True)


class NetworkVersion(Base):
    """One row counting changes to the network (centres, their services, cities, regions).

    Bumped in the transaction of every such change (``services/network.py``), so
    caches of the network - in any process, on any server - are keyed by one
    cheap read.
    """

    __tablename__ = "network_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
