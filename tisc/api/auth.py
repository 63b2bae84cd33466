"""Who is calling the API: a personal access token, never a cookie.

``Authorization: Bearer tisc_…`` names a token (``services/tokens.py``); the
call then acts as the token's owner, with exactly their visibility, limited
to reading unless the token may write. Cookie sessions do not authenticate
here, so the API has no CSRF to defend; an absent token is a visitor.
"""

from functools import wraps

from flask import g, request

from tisc import allowances
from tisc.api.problems import Problem
from tisc.services import tokens
from tisc.services.tokens import Bearer

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="TISC Network"'}
_PRESENTED = "tisc.bearer"  # a WSGI environ key


def identify() -> None:
    """``before_request`` of every API blueprint: who the token says the caller is."""
    g.bearer = None
    if not request.headers.get("Authorization"):
        return
    found = _presented()
    if found is None:
        raise Problem("unauthenticated", headers=CHALLENGE)
    g.bearer = found


def _presented() -> Bearer | None:
    """The valid token the ``Authorization`` header names (the scheme in any case, spaces
    around the secret aside), looked up once a request: the rate limit asks before
    :func:`identify` does. Kept in the request's environ, not in ``g``, which outlives a
    request made inside an application context (tests)."""
    if _PRESENTED not in request.environ:
        kind, _, secret = request.headers.get("Authorization", "").partition(" ")
        found = tokens.bearer(secret.strip()) if kind.lower() == "bearer" else None
        request.environ[_PRESENTED] = found
    return request.environ[_PRESENTED]


def caller() -> Bearer:
    return g.bearer


def token_key() -> str:
    """The rate limit's bucket: the token's when a valid one is sent, however the header
    spells it, else the client's address (a made-up token included: each would otherwise
    have a bucket of its own)."""
    found = _presented() if request.headers.get("Authorization") else None
    if found is not None:
        return f"token:{found.token_id}"
    return "address:" + (request.remote_addr or "")


def check_person_limit(setting: str, scope: str) -> None:
    """A per-person limit of the pages (``TISC_SUBMIT_LIMIT``…), so that several tokens are
    no way around it: 429 once it is spent, with that limit's ``X-RateLimit-*`` (not the
    per-token limit's, which this call has not reached). Counts nothing:
    :func:`spend_person_limit` counts what was made."""
    try:
        allowances.check(setting, "api", scope, f"user:{caller().user.id}")
    except allowances.AllowanceSpent as spent:
        raise Problem("too-many-requests", headers=spent.headers or None) from None


def spend_person_limit(setting: str, scope: str) -> None:
    """Count one made thing against the person's limit that :func:`check_person_limit`
    checked."""
    allowances.spend(setting, "api", scope, f"user:{caller().user.id}")


def needs(scope: str = "read"):
    """Only with a token, and one that may ``write`` for a write."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.bearer is None:
                raise Problem("unauthenticated", headers=CHALLENGE)
            if scope == "write" and not g.bearer.may_write:
                raise Problem("forbidden")
            return view(*args, **kwargs)

        return guarded

    return decorator
