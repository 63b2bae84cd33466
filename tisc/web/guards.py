"""Who may open a page: the role check each blueprint applies once."""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from tisc.domain.catalogue import Role
from tisc.services.policy import Policy


def require_role(*roles: Role):
    """A ``before_request`` hook: sign-in required, then one of ``roles`` (403 otherwise)."""

    def check():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        return None

    return check


def role_required(*roles: Role):
    """The same check for a single view."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            refusal = require_role(*roles)()
            return refusal if refusal is not None else view(*args, **kwargs)

        return guarded

    return decorator


def policy() -> Policy:
    return current_app.extensions["tisc.policy"]
