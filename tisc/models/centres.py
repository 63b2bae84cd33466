"""Centres of the network: the TISCs and the coordinating office."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tisc.domain.catalogue import CentreKind, CentreStatus, Service, is_always_active
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
    host_institution_kk: Mapped[str] = mapped_column(sa.String(200), default="")
    host_institution_ru: Mapped[str] = mapped_column(sa.String(200), default="")
    host_institution_en: Mapped[str] = mapped_column(sa.String(200), default="")
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    address_kk: Mapped[str] = mapped_column(sa.String(300), default="")
    address_ru: Mapped[str] = mapped_column(sa.String(300), default="")
    address_en: Mapped[str] = mapped_column(sa.String(300), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    opening_hours_kk: Mapped[str] = mapped_column(sa.String(200), default="")
    opening_hours_ru: Mapped[str] = mapped_column(sa.String(200), default="")
    opening_hours_en: Mapped[str] = mapped_column(sa.String(200), default="")
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

    @property
    def is_always_active(self) -> bool:
        return is_always_active(self.kind)

    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def descriptions(self) -> dict[str, str]:
        return {"kk": self.description_kk, "ru": self.description_ru, "en": self.description_en}

    def host_institutions(self) -> dict[str, str]:
        return {
            "kk": self.host_institution_kk,
            "ru": self.host_institution_ru,
            "en": self.host_institution_en,
        }

    def addresses(self) -> dict[str, str]:
        return {"kk": self.address_kk, "ru": self.address_ru, "en": self.address_en}

    def hours(self) -> dict[str, str]:
        return {
            "kk": self.opening_hours_kk,
            "ru": self.opening_hours_ru,
            "en": self.opening_hours_en,
        }


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


class CentreSuspension(Base):
    """A centre's suspension, whose open requests move in batches.

    The centre is suspended at once; its open requests then move - the first ones
    in the office's own request, the rest by the worker, a batch per transaction -
    each as a transfer with the office's ``reason``: to ``chosen_id`` where that
    centre offers the request's service, else where routing sends it then.
    ``finished_at`` is set once none is left to move, or the centre is no longer
    suspended; ``stranded`` counts the requests that had nowhere to go and stayed.
    """

    __tablename__ = "centre_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"), index=True)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    chosen_id: Mapped[int | None] = mapped_column(sa.ForeignKey("centres.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moved: Mapped[int] = mapped_column(default=0)
    stranded: Mapped[int] = mapped_column(default=0)


class SavedReply(Base):
    """A text a centre's staff wrote once to insert into questions, messages and summaries;
    in one or more languages (``tisc.domain.replies`` fills its placeholders)."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    text_kk: Mapped[str] = mapped_column(sa.Text, default="")
    text_ru: Mapped[str] = mapped_column(sa.Text, default="")
    text_en: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def texts(self) -> dict[str, str]:
        return {"kk": self.text_kk, "ru": self.text_ru, "en": self.text_en}
