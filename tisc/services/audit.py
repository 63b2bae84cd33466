"""Recording coordinator and account actions in the append-only audit trail.

A use case calls :func:`record` inside its transaction, so an entry exists
exactly when the action happened. Where the action came from (the client's
address) is set once per web request by the web layer in :data:`origin`, so
services need not pass it around and never import Flask.
"""

from contextvars import ContextVar

from tisc.extensions import db
from tisc.models.audit import AuditEntry
from tisc.models.base import utcnow

origin: ContextVar[str] = ContextVar("tisc_audit_origin", default="")


def record(
    action: str,
    actor_id: int | None,
    target: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry: who did ``action`` to ``target``, what changed (before → after)."""
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        target=target,
        before=before,
        after=after,
        origin=origin.get(),
    )
    db.session.add(entry)
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
