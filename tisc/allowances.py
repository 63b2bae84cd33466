"""Per-person allowances kept in the rate limiter's store and spent only when something is
made - a request created, not a form sent back for a correction - by the pages and the API
alike (``TISC_SUBMIT_LIMIT``).

The caller checks the allowance (:func:`check`, which counts nothing) before the use case
and counts the request (:func:`spend`) once the use case has committed it, so no store
round trip happens while a write transaction holds the database's writers, a refused or
repeated submission counts nothing, and a commit that fails leaves the allowance whole. Two
submissions of one person at the same moment may both pass the check: the overshoot is
bounded by one person's concurrent submissions.
"""

import math
import time

from flask import current_app
from limits import parse_many
from limits.errors import StorageError

from tisc.extensions import limiter


class AllowanceSpent(Exception):
    """The person has used up an allowance: ``amount`` per its window, free again at
    ``reset_at`` (a UNIX time; None when the store could not say)."""

    def __init__(self, amount: int, reset_at: float | None):
        super().__init__(f"allowance of {amount} spent")
        self.amount = amount
        self.reset_at = reset_at

    @property
    def retry_after(self) -> int | None:
        """Whole seconds to wait, at least one."""
        if self.reset_at is None:
            return None
        return max(1, math.ceil(self.reset_at - time.time()))

    @property
    def headers(self) -> dict[str, str]:
        if self.reset_at is None:
            return {}
        return {
            "Retry-After": str(self.retry_after),
            "X-RateLimit-Limit": str(self.amount),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(self.reset_at + 1)),
        }


def check(setting: str, door: str, scope: str, key: str) -> None:
    """:class:`AllowanceSpent` when one of the limits of the configured ``setting`` has
    nothing left for ``key`` (a person), in the bucket of ``door`` (``pages``, ``api``) and
    ``scope``; counts nothing. A store that fails lets it pass (logged)."""
    if not limiter.enabled:  # limits switched off (RATELIMIT_ENABLED)
        return
    strategy = limiter.limiter
    for item in parse_many(current_app.config[setting]):
        try:
            if strategy.test(item, door, scope, key):
                continue
            reset_at, _remaining = strategy.get_window_stats(item, door, scope, key)
        except StorageError:
            current_app.logger.warning("rate limit store unreachable: %s not checked", setting)
            return
        raise AllowanceSpent(item.amount, reset_at)


def spend(setting: str, door: str, scope: str, key: str) -> None:
    """Count one made thing against each limit of ``setting`` for ``key`` (as :func:`check`
    names them). A store that fails loses the count (logged)."""
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for item in parse_many(current_app.config[setting]):
        try:
            strategy.hit(item, door, scope, key)
        except StorageError:
            current_app.logger.warning("rate limit store unreachable: %s not counted", setting)
            return
