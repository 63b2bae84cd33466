"""Signed, expiring tokens for the links in account e-mails.

Each purpose has its own salt and lifetime. Single use comes from what the
payload binds to: a reset or invitation token carries the account's
``session_version``, which setting the password bumps; a confirmation token
carries the address it confirms.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid

LIFETIMES = {
    "reset": 3600,  # one hour
    "invite": 7 * 86400,
    "verify": 7 * 86400,
    "email": 86400,
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"tisc.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    if purpose not in LIFETIMES:
        raise ValueError(purpose)
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    """The payload of a valid token; Invalid (field ``token``) when expired or forged."""
    try:
        payload = _serializer(purpose).loads(token, max_age=LIFETIMES[purpose])
    except SignatureExpired:
        raise Invalid("token", N_("This link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise Invalid("token", N_("This link is not valid.")) from None
    if not isinstance(payload, dict):
        raise Invalid("token", N_("This link is not valid."))
    return payload
