"""Who may open a page: the one check every blueprint applies.

Signed-out visitors are sent to sign in; a signed-in person of another role
gets 404, like a request they may not see - a page that is not theirs does
not exist for them.
"""

from functools import wraps

from flask import abort, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from tisc.domain.catalogue import Role

SIGNED_IN = tuple(Role)


def require_role(*roles: Role):
    """A ``before_request`` hook: sign-in required, then one of ``roles``."""

    def check():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.role not in roles:
            abort(404)
        return None

    return check


def role_required(*roles: Role):
    """The same check for one view of a blueprint open to more roles."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            refusal = require_role(*roles)()
            return refusal if refusal is not None else view(*args, **kwargs)

        return guarded

    return decorator


def per_person() -> str:
    """A rate limit's key: the signed-in person (whatever their address), else the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def configured_limit(name: str):
    """A limit read from the configuration when a request comes (tests lower them)."""
    return lambda: current_app.config[name]
