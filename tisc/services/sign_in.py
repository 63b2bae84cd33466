"""Signing in: the password check, a back-off per address, the session, the records.

After :data:`FREE_FAILURES` failed attempts in a row on one address, each
further failure makes the next attempt wait longer (doubling up to
:data:`LONGEST_WAIT`), whatever the password: guessing is slow, and the
count lives in the database, so every worker and server agrees. Unknown
addresses back off exactly like real ones, so the answer never tells
whether an account exists. Every success and failure is in the audit trail
and every failure in the security log.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from tisc.database import upsert_insert
from tisc.domain.errors import Invalid
from tisc.extensions import db
from tisc.models import SignInFailure, User
from tisc.models.base import utcnow
from tisc.services import accounts, audit, security, sessions
from tisc.services.unit_of_work import use_case

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # a failure older than this no longer counts


@dataclass(frozen=True)
class Outcome:
    user: User | None = None
    token: str | None = None  # the new session's, for the cookies
    wait: timedelta | None = None  # backing off: how long until the next attempt may go
    refused: bool = False  # the password was not even checked: the address is backing off
    # The right password of a deactivated account: its owner is told so, which tells nobody
    # else anything (a wrong password is answered as for an unknown address).
    deactivated: bool = False


def wait_after(failures: int) -> timedelta | None:
    """How long the address waits after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def address_key(email: str) -> str:
    """The attempts' key: the address as it would be stored (else as typed), hashed."""
    try:
        address = accounts.normalise_email(email)
    except Invalid:
        address = email.strip().lower()
    return hashlib.sha256(address.encode()).hexdigest()


def sign_in(
    email: str, password: str, *, remember: bool = False, user_agent: str = "",
    now: datetime | None = None,
) -> Outcome:  # fmt: skip
    """Check the password unless the address is backing off; record what happened."""
    now = now or utcnow()
    key = address_key(email)
    blocked = db.session.scalar(
        sa.select(SignInFailure.blocked_until).where(SignInFailure.email_key == key)
    )
    db.session.commit()  # end the read: the password check below takes a while
    if blocked is not None and blocked > now:
        wait = blocked - now
        security.event("sign_in_refused", email_key=key[:16], wait=int(wait.total_seconds()))
        return Outcome(wait=wait, refused=True)
    user = accounts.find_by_email(email)
    db.session.commit()
    if user is None or user.password_hash is None:
        check_password_hash(accounts._DUMMY_HASH, password)  # the same time either way
        return _failed(key, email, None, now)
    if not check_password_hash(user.password_hash, password):
        return _failed(key, email, user.id, now)
    if not user.active:
        return replace(_failed(key, email, user.id, now), deactivated=True)
    return _succeeded(key, user.id, remember, user_agent, now)


@use_case
def _succeeded(key: str, user_id: int, remember: bool, user_agent: str, now) -> Outcome:
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.email_key == key))
    user = db.session.get(User, user_id)
    token = sessions.begin(user, remember=remember, user_agent=user_agent, now=now)
    audit.record("account.signed_in", user.id, f"user:{user.id}", after={"remember": remember})
    return Outcome(user=user, token=token)


@use_case
def _failed(key: str, email: str, user_id: int | None, now: datetime) -> Outcome:
    stale = SignInFailure.last_failed_at < now - FORGET_AFTER
    failures = db.session.scalar(
        upsert_insert(db.session, SignInFailure)
        .values(email_key=key, failures=1, last_failed_at=now)
        .on_conflict_do_update(
            index_elements=["email_key"],
            set_={
                "failures": sa.case((stale, 1), else_=SignInFailure.failures + 1),
                "last_failed_at": now,
            },
        )
        .returning(SignInFailure.failures)
    )
    wait = wait_after(failures)
    if wait is not None:
        db.session.execute(
            sa.update(SignInFailure)
            .where(SignInFailure.email_key == key)
            .values(blocked_until=now + wait)
        )
    known = f"user:{user_id}" if user_id else ""
    audit.record("account.sign_in_failed", None, known, after={"failures": failures})
    security.event(
        "sign_in_failed", user_id=user_id, email_key=key[:16], failures=failures,
        wait=int(wait.total_seconds()) if wait else None,
    )  # fmt: skip
    return Outcome(wait=wait)


def forget_old_failures(today, now: datetime) -> int:
    """The daily job: drop failure counts that no longer count."""
    result = db.session.execute(
        sa.delete(SignInFailure).where(SignInFailure.last_failed_at < now - FORGET_AFTER)
    )
    return result.rowcount
