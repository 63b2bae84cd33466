"""What the network's figures are made of beside the requests: filings, events, and the sums."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tisc.domain.catalogue import EventAudience, EventFormat, IpRight, Language, PatentOffice
from tisc.models.base import Base, UTCDateTime, enum_type, utcnow


class Filing(Base):
    """An application for an IP right filed after a request's service; several per request."""

    __tablename__ = "filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"), index=True)
    ip_right: Mapped[IpRight] = mapped_column(enum_type(IpRight))
    office: Mapped[PatentOffice] = mapped_column(enum_type(PatentOffice))
    application_number: Mapped[str] = mapped_column(sa.String(40), default="")
    filed_on: Mapped[date]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingEvent(Base):
    """A training or awareness event a centre holds (or held)."""

    __tablename__ = "training_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat))
    language: Mapped[Language] = mapped_column(enum_type(Language))
    audience: Mapped[EventAudience] = mapped_column(enum_type(EventAudience))
    participants: Mapped[int | None]  # known once it is held
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.Index("ix_training_events_centre_held", "centre_id", "held_on"),
        sa.Index("ix_training_events_held", "held_on"),
    )


class FigureCount(Base):
    """The requests' contributions to the figures, summed (see ``tisc/domain/figures.py``).

    One row per grain (which dimensions are kept), month (``YYYYMM``; 0 for
    counts of the present), centre (0 = all), service, region and category
    (``*`` = all) and measure. Kept in step with every change of a request in
    the same transaction, so the dashboards and reports read a few hundred
    rows whatever the number of requests.
    """

    __tablename__ = "figure_counts"

    grain: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    centre_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    service: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    # The key serves filtered reads (a centre's figures); a breakdown over every centre,
    # service or region reads this one, covering, for just the months of the period.
    __table_args__ = (
        sa.Index(
            "ix_figure_counts_grain_period",
            "grain", "period", "centre_id", "service", "region_code", "category", "measure",
            "value",
        ),
    )  # fmt: skip
