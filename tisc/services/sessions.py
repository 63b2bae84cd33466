"""Signed-in browsers, kept on the server so that signing out really ends them.

A session is a random token: the browser's cookies carry it, the database
keeps its SHA-256 (a stolen database row does not sign anyone in). Loading
it is one indexed query joined to the account, as loading the account alone
was; a session in use is renewed at most every few minutes, so reading pages
does not write.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from tisc.domain.catalogue import N_
from tisc.domain.errors import NotFound, Refused
from tisc.domain.policy import REMEMBER_FOR, SESSION_IDLE
from tisc.extensions import db
from tisc.models import AuthSession, User
from tisc.models.base import utcnow
from tisc.services import audit, tokens
from tisc.services.unit_of_work import use_case

RENEW_EVERY = timedelta(minutes=10)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(user: User, *, remember: bool, user_agent: str = "", now: datetime | None = None) -> str:
    """Inside a use case: a new session for ``user``; its token, for the cookies."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthSession(
            token_hash=digest(token),
            user_id=user.id,
            user_version=user.session_version,
            remember=remember,
            created_at=now,
            seen_at=now,
            expires_at=now + (REMEMBER_FOR if remember else SESSION_IDLE),
            user_agent=user_agent[:200],
            origin=audit.origin.get(),
        )
    )
    return token


@use_case
def start(user: User, *, remember: bool, user_agent: str = "", now: datetime | None = None) -> str:
    """A new session for ``user`` (already known to be who they say); its token."""
    return begin(db.session.merge(user), remember=remember, user_agent=user_agent, now=now)


def load(token: str, now: datetime | None = None) -> User | None:
    """The active account signed in by ``token``, else None (ended, expired, superseded)."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    found = db.session.execute(_SIGNED_IN, {"token_hash": digest(token)}).first()
    if found is None:
        return None
    user = found.User
    if not user.active or found.user_version != user.session_version:
        return None
    if found.expires_at <= now:
        return None
    if now - found.seen_at >= RENEW_EVERY:
        _renew(found.id, now)
    user.session_token = token
    return user


# Every signed-in request asks it: built once, and the session's few columns only.
_SIGNED_IN = (
    sa.select(
        User, AuthSession.id, AuthSession.user_version, AuthSession.expires_at, AuthSession.seen_at
    )
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.token_hash == sa.bindparam("token_hash"))
)


@use_case
def _renew(session_id: int, now: datetime) -> None:
    """Note the session's use; an unremembered one stays valid for another idle period."""
    session = db.session.get(AuthSession, session_id)
    if session is None:
        return
    session.seen_at = now
    if not session.remember:
        session.expires_at = now + SESSION_IDLE


@use_case
def end(token: str | None) -> None:
    """Sign this browser out: its cookies no longer sign anyone in."""
    if token:
        db.session.execute(sa.delete(AuthSession).where(AuthSession.token_hash == digest(token)))


def end_all(user: User) -> None:
    """Inside a use case: end every session of ``user``, everywhere (and every link that
    carries the account's session version, such as a password reset), and revoke their API
    tokens."""
    user.session_version += 1
    db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user.id))
    tokens.revoke_all(user)


@use_case
def sign_out_everywhere(user: User) -> None:
    user = db.session.merge(user)
    end_all(user)
    audit.record("account.signed_out_everywhere", user.id, f"user:{user.id}")


@use_case
def sign_out_device(user: User, session_id: int, this_token: str | None) -> AuthSession:
    """End one other session of ``user`` (the account page lists them): that browser is
    signed out at its next request. Another person's session, one that has ended and an
    id that never was are the same 404; the session of this browser, ``this_token``'s, is
    refused: signing out ends it, and says so."""
    gone = NotFound(N_("There is no such session: it may have ended already."))
    ended = db.session.get(AuthSession, session_id)
    if (
        ended is None
        or ended.user_id != user.id
        or ended.user_version != user.session_version
        or ended.expires_at <= utcnow()
    ):
        raise gone
    if this_token and ended.token_hash == digest(this_token):
        raise Refused(N_("This is the browser you are using: to end its session, sign out."))
    # A statement, not the ORM's delete: of two such requests at once, the second finds
    # nothing left to delete and answers as for a session that has ended.
    deleted = db.session.execute(sa.delete(AuthSession).where(AuthSession.id == ended.id))
    db.session.expunge(ended)
    if deleted.rowcount != 1:
        raise gone
    audit.record(
        "account.signed_out_device", user.id, f"user:{user.id}",
        after={"session": ended.id, "user_agent": ended.user_agent},
    )  # fmt: skip
    return ended


def of(user: User, now: datetime | None = None) -> list[AuthSession]:
    """The account's sessions still valid, latest used first (the account page lists them)."""
    return list(
        db.session.scalars(
            sa.select(AuthSession)
            .where(
                AuthSession.user_id == user.id,
                AuthSession.user_version == user.session_version,
                AuthSession.expires_at > (now or utcnow()),
            )
            .order_by(AuthSession.seen_at.desc())
            .limit(20)
        )
    )


def purge_expired(today, now: datetime) -> int:
    """The daily job: forget sessions that ended by expiring or being superseded."""
    superseded = (
        sa.select(User.id)
        .where(User.id == AuthSession.user_id, User.session_version != AuthSession.user_version)
        .exists()
    )
    result = db.session.execute(
        sa.delete(AuthSession).where(sa.or_(AuthSession.expires_at <= now, superseded))
    )
    return result.rowcount
