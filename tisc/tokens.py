"""Signed, expiring tokens for the links in account e-mails.

Each purpose has its own salt and lifetime. Single use comes from what the
payload binds to: a reset or invitation token carries the account's
``session_version``, which setting the password bumps; a confirmation token
carries the address it confirms.

A payload is read only in the shape this module makes it (:data:`PAYLOADS`): a
signature proves who signed, not that every signed thing has the fields a link
needs (an older release's token, or one signed with the key by hand).
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid
from tisc.models.base import LARGEST_ID

LIFETIMES = {
    "reset": 3600,  # one hour
    "invite": 7 * 86400,
    "verify": 7 * 86400,
    "email": 86400,
}

# What each purpose's payload holds: an account's id, then whole numbers or text.
PAYLOADS = {
    "reset": {"user": int, "version": int},
    "invite": {"user": int, "version": int},
    "verify": {"user": int, "email": str},
    "email": {"user": int, "old": str, "new": str},
}
NOT_VALID = N_("This link is not valid.")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"tisc.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    if not _well_formed(purpose, payload):
        raise ValueError(f"not a {purpose} payload: {payload!r}")
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    """The payload of a valid token; Invalid (field ``token``) when expired or forged."""
    try:
        payload = _serializer(purpose).loads(token, max_age=LIFETIMES[purpose])
    except SignatureExpired:
        raise Invalid("token", N_("This link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise Invalid("token", NOT_VALID) from None
    if not _well_formed(purpose, payload):
        raise Invalid("token", NOT_VALID)
    return payload


def _well_formed(purpose: str, payload) -> bool:
    """``payload`` has exactly the purpose's fields, each of its type (no ``True`` for a
    number), and names an account id the database can hold."""
    fields = PAYLOADS[purpose]
    return (
        isinstance(payload, dict)
        and payload.keys() == fields.keys()
        and all(type(payload[name]) is kind for name, kind in fields.items())
        and 0 < payload["user"] <= LARGEST_ID
    )
