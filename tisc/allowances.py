"""Per-person allowances kept in the rate limiter's store and spent only when something is
made - a request created, not a form sent back for a correction - by the pages and the API
alike (``TISC_SUBMIT_LIMIT``).

The use case spends it once its request's row is written and before it commits: a spent
allowance rolls the request back, so nothing is made beyond it, and an idempotent retry or
a refused form never reaches the point where it is spent.
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


def spend(setting: str, door: str, scope: str, key: str) -> None:
    """Count one against each limit of the configured ``setting`` for ``key`` (a person),
    in the bucket of ``door`` (``pages``, ``api``) and ``scope``; :class:`AllowanceSpent`
    when one of them has nothing left. A store that fails lets it pass (logged)."""
    if not limiter.enabled:  # limits switched off (RATELIMIT_ENABLED)
        return
    strategy = limiter.limiter
    for item in parse_many(current_app.config[setting]):
        try:
            allowed = strategy.hit(item, door, scope, key)
        except StorageError:
            current_app.logger.warning("rate limit store unreachable: %s not counted", setting)
            return
        if not allowed:
            try:
                reset_at, _remaining = strategy.get_window_stats(item, door, scope, key)
            except StorageError:  # refused all the same, without the limit's figures
                reset_at = None
            raise AllowanceSpent(item.amount, reset_at)
