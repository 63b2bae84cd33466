"""People who sign in: inventors, centre staff and coordinators."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tisc.domain.catalogue import RequesterCategory, Role
from tisc.domain.permissions import Actor
from tisc.models.base import Base, UTCDateTime, enum_type, utcnow
from tisc.models.centres import Centre


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # None until an invited person sets their own password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), index=True)
    centre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("centres.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Part of the session cookie's user id: bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Notification kinds this person switched off (all are on by default).
    muted_notifications: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Inventors: who they are, for the figures (None until asked).
    requester_category: Mapped[RequesterCategory | None] = mapped_column(
        enum_type(RequesterCategory)
    )

    centre: Mapped[Centre | None] = relationship()

    # The signed-in browser's session token while a request is served: not a column.
    session_token = None

    @property
    def actor(self) -> Actor:
        """This person as the access rules and the workflow see them."""
        return Actor(self.id, self.role, self.centre_id, self.active)

    # Flask-Login's protocol, kept here because it is how a user is identified.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        """What the session and remember-me cookies carry: the server-side session's token."""
        return self.session_token


class Handover(Base):
    """A staff member's open requests being left to their colleagues, in batches.

    Moving or deactivating someone unassigns them from each open request they can
    no longer open (an event each): the first ones in that use case, the rest by
    the worker while ``finished_at`` is empty (``tisc/services/handover.py``).
    ``by_id`` is who moved or deactivated them (None: the command line)."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unassigned: Mapped[int] = mapped_column(default=0)


class AuthSession(Base):
    """One signed-in browser. The session and remember-me cookies carry a random token
    whose hash is kept here; signing out deletes the row, so a copied cookie is worth
    nothing afterwards. A row also ends when it expires, or when the account's
    ``session_version`` moves past the one it began with (password changed, deactivated,
    signed out everywhere)."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    user_version: Mapped[int]
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    origin: Mapped[str] = mapped_column(sa.String(64), default="")


class SignInFailure(Base):
    """Failed sign-ins in a row on one address (known or not), for the back-off: kept in
    the database so that every worker and server counts the same attempts."""

    __tablename__ = "sign_in_failures"

    email_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256 hex
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal access token for the JSON API: shown once, kept only as its hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # SHA-256 of the secret: the secret is random enough that a slow hash adds nothing.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(16))  # its first characters, to tell tokens apart
    scope: Mapped[str] = mapped_column(sa.String(8))  # read | write
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
