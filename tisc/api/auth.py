"""Who is calling the API: a personal access token, never a cookie.

``Authorization: Bearer tisc_…`` names a token (``services/tokens.py``); the
call then acts as the token's owner, with exactly their visibility, limited
to reading unless the token may write. Cookie sessions do not authenticate
here, so the API has no CSRF to defend; an absent token is a visitor.
"""

import hashlib
import time
from functools import wraps

from flask import current_app, g, request
from limits import parse_many

from tisc.api.problems import Problem
from tisc.extensions import limiter
from tisc.services import tokens
from tisc.services.tokens import Bearer

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="TISC Network"'}


def identify() -> None:
    """``before_request`` of every API blueprint: who the token says the caller is."""
    g.bearer = None
    header = request.headers.get("Authorization", "")
    if not header:
        return
    kind, _, secret = header.partition(" ")
    found = tokens.bearer(secret.strip()) if kind.lower() == "bearer" else None
    if found is None:
        raise Problem("unauthenticated", headers=CHALLENGE)
    g.bearer = found


def caller() -> Bearer:
    return g.bearer


def token_key() -> str:
    """The rate limit's bucket: the token when there is one, else the client's address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return "address:" + (request.remote_addr or "")


def spend_person_limit(setting: str, scope: str) -> None:
    """Count one more against a per-person limit of the pages (``TISC_SUBMIT_LIMIT``…), so
    that several tokens are no way around it; 429 once it is spent."""
    if not limiter.enabled:  # limits switched off (RATELIMIT_ENABLED)
        return
    strategy, key = limiter.limiter, f"user:{caller().user.id}"
    for item in parse_many(current_app.config[setting]):
        if not strategy.hit(item, "api", scope, key):
            reset_at, _remaining = strategy.get_window_stats(item, "api", scope, key)
            wait = max(1, int(reset_at - time.time()) + 1)
            raise Problem("too-many-requests", headers={"Retry-After": str(wait)})


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
