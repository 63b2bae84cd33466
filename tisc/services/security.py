"""The security log: one JSON line per event an operator watches for.

Failed and refused sign-ins, requests refused with a 404 although they
exist, rate-limit hits and CSRF failures go to the ``tisc.security`` logger
as JSON objects (never a password or any content), with where they came
from: the web layer installs :data:`where` (this layer cannot ask Flask).
"""

import json
import logging
from collections.abc import Callable

from tisc.models.base import utcnow

log = logging.getLogger("tisc.security")


def _nowhere() -> dict:
    return {}


# Where the event comes from, e.g. {"ip": ..., "method": ..., "path": ...}; asked at each
# event, so it holds even for checks that run before any request hook (CSRF, limits).
where: Callable[[], dict] = _nowhere


def event(name: str, **fields) -> None:
    """Log one security event; fields that are None are left out."""
    record = {"event": name, "at": utcnow().isoformat()} | where()
    record |= {key: value for key, value in fields.items() if value is not None}
    log.warning(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str))
