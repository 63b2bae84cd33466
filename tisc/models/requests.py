"""Service requests, their timelines and files, and the counters kept beside them."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, query_expression, relationship

from tisc.domain.catalogue import Language, Outcome, RequesterCategory, Service
from tisc.domain.routing import RoutingRule
from tisc.domain.workflow import Action, Status
from tisc.models.accounts import User
from tisc.models.base import Base, UTCDateTime, enum_type, partial_index, utcnow
from tisc.models.centres import Centre
from tisc.models.places import Region


class ServiceRequest(Base):
    __tablename__ = "service_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    service: Mapped[Service] = mapped_column(enum_type(Service))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    technical_field: Mapped[str] = mapped_column(sa.String(200), default="")
    keywords: Mapped[str] = mapped_column(sa.String(500), default="")
    ipc_classes: Mapped[str] = mapped_column(sa.String(500), default="")
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"))
    preferred_language: Mapped[Language] = mapped_column(enum_type(Language))
    preferred_centre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("centres.id"))
    confidentiality_ack: Mapped[bool] = mapped_column(default=False)
    # The submission form's one-time token: the same form sent twice makes one request.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64))
    # As the inventor described themself when submitting (None: before it was asked).
    requester_category: Mapped[RequesterCategory | None] = mapped_column(
        enum_type(RequesterCategory)
    )

    status: Mapped[Status] = mapped_column(enum_type(Status))
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"))
    # No index of its own: a person's open requests have one (ix_service_requests_open_by_
    # assignee), and a second, over every request they ever held, is what SQLite's planner
    # took for counting the open ones (it keeps no statistics to tell them apart).
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    inventor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    routing_rule: Mapped[RoutingRule] = mapped_column(enum_type(RoutingRule))
    routing_distance_km: Mapped[int | None]
    # Whether the centre chosen at submission lists the inventor's language (None: routed
    # before languages were weighed).
    routing_speaks_language: Mapped[bool | None]

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the request last went to the inventor; its clock is paused since.
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while the request is closed (completed, declined, withdrawn): "open" is
    # ``closed_at IS NULL``, which the queue's partial indexes are built on.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the inventor was reminded during the current wait for their answer.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when the inventor's question about a completed request waits for an answer.
    question_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "resolved for me"
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_requests.id"))
    # Working seconds the centre's clock stood still (awaiting the inventor, closed before a
    # reopening), and the working days from submission to completion without them.
    paused_seconds: Mapped[int] = mapped_column(default=0)
    turnaround_days: Mapped[int | None]

    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome))
    outcome_summary: Mapped[str] = mapped_column(sa.Text, default="")
    hours_spent: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 2))
    documents_cited: Mapped[int | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="")

    # Optimistic locking: every change bumps it, a stale writer gets a conflict.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}
    # No column: read with the request by a page that asks (access.get_request_for's
    # ``changed``) - whether it changed since the person reading it last opened it.
    changed_for_reader: Mapped[bool | None] = query_expression()

    centre: Mapped[Centre] = relationship(foreign_keys=[centre_id])
    preferred_centre: Mapped[Centre | None] = relationship(foreign_keys=[preferred_centre_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    inventor: Mapped[User] = relationship(foreign_keys=[inventor_id])
    region: Mapped[Region] = relationship()
    duplicate_of: Mapped["ServiceRequest | None"] = relationship(
        foreign_keys=[duplicate_of_id], remote_side=[id]
    )

    __table_args__ = (
        sa.UniqueConstraint("inventor_id", "submission_token"),
        # The staff queue's default view: a centre's open requests by due date. The six
        # indexes the desk's lists read end with the service: a list of one service passes
        # over the other services' requests in the index and reads only the rows it shows
        # (at a million requests, 26 requests in progress of one service took 270 read).
        partial_index(
            "ix_service_requests_open_by_due", "centre_id", "due_at", "id", "service",
            where="closed_at IS NULL",
        ),
        partial_index(
            "ix_service_requests_open_by_age", "centre_id", "created_at", "id", "service",
            where="closed_at IS NULL",
        ),
        # Counting overdue requests (open, by status, past due) reads these alone.
        partial_index(
            "ix_service_requests_open_by_centre_status_due", "centre_id", "status", "due_at",
            where="closed_at IS NULL",
        ),
        partial_index(
            "ix_service_requests_open_by_status_due", "status", "due_at",
            where="closed_at IS NULL",
        ),
        sa.Index(
            "ix_service_requests_centre_status_due", "centre_id", "status", "due_at", "id",
            "service",
        ),
        sa.Index(
            "ix_service_requests_centre_status_created", "centre_id", "status", "created_at",
            "id", "service",
        ),
        sa.Index("ix_service_requests_centre_due", "centre_id", "due_at", "id", "service"),
        sa.Index("ix_service_requests_centre_created", "centre_id", "created_at", "id", "service"),
        sa.Index("ix_service_requests_inventor_created", "inventor_id", "created_at", "id"),
        # The similar-request check at each submission: the inventor's latest open ones for
        # a service, read newest first and no further than needed, however many are open.
        partial_index(
            "ix_service_requests_open_of_inventor", "inventor_id", "service", "created_at", "id",
            where="closed_at IS NULL",
        ),
        # Newest-first lists; region_code makes it covering for coverage's yearly counts.
        sa.Index("ix_service_requests_created", "created_at", "id", "region_code"),
        sa.Index("ix_service_requests_status_created", "status", "created_at", "id"),
        # A centre's questions about completed requests waiting for an answer.
        partial_index(
            "ix_service_requests_questions", "centre_id", "question_since",
            where="question_since IS NOT NULL",
        ),
        # A centre's completions by date with who completed them and how long it took
        # (the staff dashboard), and completions by date (the filing follow-ups).
        sa.Index(
            "ix_service_requests_centre_status_closed",
            "centre_id", "status", "closed_at", "assignee_id", "turnaround_days",
        ),
        sa.Index("ix_service_requests_status_closed", "status", "closed_at"),
        # A staff member's open requests, for the header's "changed since you looked",
        # oldest first for unassigning someone who left (tisc/services/handover.py).
        partial_index(
            "ix_service_requests_open_by_assignee", "assignee_id", "id",
            where="closed_at IS NULL",
        ),
        # A centre's open requests nobody holds: the desk's Unassigned count reads at most
        # a hundred entries here, not the centre's whole history.
        partial_index(
            "ix_service_requests_open_unassigned", "centre_id", "id",
            where="closed_at IS NULL AND assignee_id IS NULL",
        ),
    )  # fmt: skip

    @property
    def ipc_list(self) -> list[str]:
        return [s for s in self.ipc_classes.split("; ") if s]


class RequestEvent(Base):
    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[Action] = mapped_column(enum_type(Action))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[Status | None] = mapped_column(enum_type(Status))
    to_status: Mapped[Status] = mapped_column(enum_type(Status))
    from_centre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("centres.id"))
    to_centre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("centres.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    from_centre: Mapped[Centre | None] = relationship(foreign_keys=[from_centre_id])
    to_centre: Mapped[Centre | None] = relationship(foreign_keys=[to_centre_id])
    files: Mapped[list["RequestFile"]] = relationship(back_populates="event")

    __table_args__ = (sa.Index("ix_request_events_request", "request_id", "id"),)


class RequestFile(Base):
    """A file of a request, kept in the database so every app server sees it."""

    __tablename__ = "request_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("request_events.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))

    event: Mapped[RequestEvent | None] = relationship(back_populates="files")


class FlagState(StrEnum):
    OPEN = "open"
    LINKED = "linked"  # one of the two was closed as a duplicate of the other
    DISMISSED = "dismissed"  # staff judged them different


class DuplicateFlag(Base):
    """A new request that closely resembles an open one of the same inventor
    (``tisc.domain.similarity``), for the staff of both to link or dismiss."""

    __tablename__ = "duplicate_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"))  # the newer
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"))  # the open one
    # What matched, for the staff to judge: {"words": [...], "ipc": [...]}.
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[FlagState] = mapped_column(enum_type(FlagState), default=FlagState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("request_id", "other_id"),
        sa.Index("ix_duplicate_flags_other", "other_id"),
    )


class ReferenceCounter(Base):
    """The last reference number given out in a year."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class QueueCount(Base):
    """How many requests a centre holds in each status.

    Kept in step with every change of status or centre, in the same
    transaction, so that queue and dashboard counts never scan the requests.
    """

    __tablename__ = "queue_counts"

    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("centres.id"), primary_key=True)
    status: Mapped[Status] = mapped_column(enum_type(Status), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
