"""The audit trail: coordinator and account actions, appended and never changed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tisc.models.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who acted: None for the system (a daily job) or an unknown person (a failed sign-in).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)  # e.g. "centre.suspended"
    target: Mapped[str] = mapped_column(sa.String(120), default="")  # e.g. "centre:kbtu"
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    origin: Mapped[str] = mapped_column(sa.String(64), default="")  # the client's address
