"""Personal access tokens for the JSON API: created, listed and revoked by their owner.

A token's secret is shown once, when it is made; only its SHA-256 is kept.
A token acts as its owner with their role and visibility, limited to reading
(``read``) or also acting (``write``), until it expires or is revoked, or
its owner is deactivated. Whatever ends every session of an account (a password
changed or reset, *sign out everywhere*, deactivation) revokes its tokens too: a
token made by someone who held the account for a while must not outlive its
being taken back. Tokens are made, and accepted, only for a confirmed address, so
someone who registered with another person's address cannot keep reading that
person's requests once they reset the password.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid, NotFound
from tisc.domain.text import trimmed
from tisc.extensions import db
from tisc.models import ApiToken, User
from tisc.models.base import utcnow
from tisc.services import audit
from tisc.services.unit_of_work import use_case

PREFIX = "tisc_"
SCOPES = ("read", "write")
LIFETIMES_DAYS = (30, 90, 365)
MAX_TOKENS = 20
# Recording each use would write on every API request; once in a while is enough to tell.
LAST_USED_EVERY = timedelta(minutes=5)


UNCONFIRMED = N_(
    "Confirm your e-mail address first, with the link we sent you; your account page sends "
    "it again."
)


@dataclass(frozen=True)
class Bearer:
    """Who a valid token acts for, and what it allows."""

    user: User
    token_id: int
    scope: str

    @property
    def may_write(self) -> bool:
        return self.scope == "write"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@use_case
def create(user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which nobody will see again."""
    user = db.session.merge(user)
    name = trimmed(name or "")
    if not name or len(name) > 80:
        raise Invalid("name", N_("Give the token a name of at most 80 characters."))
    if scope not in SCOPES:
        raise Invalid("scope", N_("Choose one of the options."))
    if days not in LIFETIMES_DAYS:
        raise Invalid("days", N_("Choose one of the options."))
    if user.email_verified_at is None:
        raise Invalid("name", UNCONFIRMED)
    if len(active_for(user)) >= MAX_TOKENS:
        raise Invalid("name", N_("Revoke a token you no longer use first."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, secret_hash=_hash(secret), hint=secret[:10], scope=scope,
        expires_at=utcnow() + timedelta(days=days),
    )  # fmt: skip
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.created", user.id, f"token:{token.id}", None, {"name": name, "scope": scope}
    )
    return token, secret


@use_case
def revoke(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(N_("There is no such token."))
    token.revoked_at = utcnow()
    audit.record("token.revoked", user.id, f"token:{token.id}", None, {"name": token.name})
    return token


def revoke_all(user: User) -> None:
    """Inside a use case that ends every session of ``user``: their tokens stop too."""
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def active_for(user: User, now: datetime | None = None) -> list[ApiToken]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            )
            .order_by(ApiToken.id.desc())
        )
    )


def bearer(secret: str, now: datetime | None = None) -> Bearer | None:
    """The bearer of ``secret`` if it is a valid token of an active account with a confirmed
    address, else None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = now or utcnow()
    found = db.session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.secret_hash == _hash(secret))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    # A token made before tokens needed a confirmed address works only once it is confirmed
    if not user.active or user.email_verified_at is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        _note_use(token.id, now)
    return Bearer(user, token.id, token.scope)


@use_case
def _note_use(token_id: int, now: datetime) -> None:
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
