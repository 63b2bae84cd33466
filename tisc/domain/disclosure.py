"""What of a count the public may see: small counts hidden, and the figures beside them
that would give a hidden one away (complementary suppression, as statistical offices do).

**Primary suppression.** A count from 1 to :data:`SMALL` − 1 is shown as "fewer than 5"
(:attr:`Hidden.SMALL`); 0 is shown. No median is shown for fewer than :data:`SMALL`
completed requests, and no rating for fewer than :data:`SMALL` rated ones.

**Why that is not enough.** A breakdown (requests per centre, per service) whose total is
public gives a hidden count away by subtraction: with a total of 22 and centres of 10, 6,
5 and one "fewer than 5", that one is 22 − 21 = 1.

**What a reader can work out.** :func:`protect` assumes the reader knows everything this
rule says and everything the page shows:

- the total, and every count shown, so the sum ``H`` of the hidden ones;
- a count shown "fewer than 5" is 1 to 4;
- a count hidden to protect another (:attr:`Hidden.COMPLEMENTARY`, shown as "hidden")
  is at least 5 (it was shown otherwise, and 0 is never hidden), and at most the
  smallest count still shown: they are hidden smallest first;
- nothing else (so a breakdown whose rows do not add up to its total, as when a
  suspended centre's requests count in the total but the centre is not listed, is
  treated as if the reader knew the difference).

Each hidden cell ``c`` is then known to lie in ``[lo_c, hi_c]`` on its own, and the
hidden cells add up to ``H``, so ``c`` is at least ``H`` minus the others' largest
values and at most ``H`` minus their smallest:
``[max(lo_c, H − Σ others' hi), min(hi_c, H − Σ others' lo)]``. Every whole number in
between is possible, since the others' sum can be any whole number between their
smallest and their largest sum. This interval is exactly what a reader can deduce.

**The rule.** A breakdown is safe when that arithmetic tells nothing about a count shown
"fewer than 5" beyond what its label says (each can still be any of 1 to 4), and leaves
each other hidden count at least two possible values. Until it is safe, the smallest count
still shown (ties in the breakdown's order) is hidden too. In the example: hiding the 5
leaves ``H`` = 6, so the small one is 6 − 5 = 1; hiding the 6 too leaves ``H`` = 12 with
both at most 10, so the small one is 1 or 2; hiding the 10 as well leaves ``H`` = 22, and
the small one could be any of 1 to 4. A breakdown with no small count hides nothing more.

When even every count hidden is not enough (two counts of 4 and nothing else: their total
8 says both), the total must be hidden too (:attr:`Protected.total_hidden`), and so must
every count of another breakdown of the same total, which would add it up
(:func:`together`).

**What it does not cover.** A reader who also replays this rule and reasons about why it
stopped where it did (what the breakdown must have looked like for one more count to be
needed) can, in rare tables of a few tiny counts, narrow a hidden count further; statistical
offices' methods (interval audits of the linear constraints, as here) leave that aside too.
Nor does it compare figures of different times (the last 12 months a month apart).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from math import inf
from typing import Generic, TypeVar

SMALL = 5  # public counts below this are shown as "fewer than 5"
K = TypeVar("K")


class Hidden(StrEnum):
    SMALL = "small"  # 1 to 4: shown as "fewer than 5"
    COMPLEMENTARY = "complementary"  # hidden so that a small count cannot be worked out


Count = int | Hidden  # a count as the public sees it


def suppressed(count: int) -> Count:
    """A count on its own, fit for the public: :attr:`Hidden.SMALL` when 1 to 4."""
    return Hidden.SMALL if 0 < count < SMALL else count


def median_shown(completed: int, median: float | None) -> float | None:
    return median if completed >= SMALL else None


def rating_shown(rated: int, mean: float | None) -> float | None:
    return mean if rated >= SMALL else None


@dataclass(frozen=True)
class Protected(Generic[K]):
    """A breakdown as the public may see it, beside its total."""

    cells: dict[K, Count]
    total_hidden: bool = False  # hiding every count was not enough: hide the total too

    @property
    def complementary(self) -> bool:
        return any(value is Hidden.COMPLEMENTARY for value in self.cells.values())


def protect(counts: Mapping[K, int]) -> Protected[K]:
    """The breakdown ``counts`` (in its order) with small counts hidden, and as many of the
    smallest other counts as it takes for no hidden count to be worked out from the total
    and the counts shown (the module's docstring says why and how)."""
    small = [key for key, count in counts.items() if 0 < count < SMALL]
    if not small:
        return Protected(dict(counts))
    order = list(counts)
    candidates = sorted(
        (key for key, count in counts.items() if count >= SMALL),
        key=lambda key: (counts[key], order.index(key)),
    )
    also: list[K] = []
    while not _safe(counts, small, also, candidates[len(also) :]):
        if len(also) == len(candidates):
            return Protected(_shown(counts, small, also), total_hidden=True)
        also.append(candidates[len(also)])
    return Protected(_shown(counts, small, also))


def together(*breakdowns: Protected) -> tuple[Protected, ...]:
    """Breakdowns of one and the same total (the last 12 months per centre and this year
    per service, in December): when one must hide the total, the others would add it up
    from their counts, so every count of each is hidden."""
    if not any(breakdown.total_hidden for breakdown in breakdowns):
        return breakdowns
    return tuple(
        Protected(
            {key: Hidden.COMPLEMENTARY if value and value is not Hidden.SMALL else value
             for key, value in breakdown.cells.items()},
            total_hidden=True,
        )
        for breakdown in breakdowns
    )  # fmt: skip


def deducible_ranges(
    counts: Mapping[K, int], small: list[K], also: list[K], still_shown: list[K]
) -> dict[K, tuple[int, float]]:
    """What a reader can work out of each hidden count: its smallest and largest possible
    value (``inf``: no upper bound)."""
    cap = min((counts[key] for key in still_shown), default=inf)
    bounds = {key: (1, SMALL - 1) for key in small} | {key: (SMALL, cap) for key in also}
    hidden_sum = sum(counts[key] for key in bounds)
    lowest = sum(lo for lo, _ in bounds.values())
    unbounded = sum(hi == inf for _, hi in bounds.values())
    highest = sum(hi for _, hi in bounds.values() if hi != inf)
    ranges = {}
    for key, (lo, hi) in bounds.items():
        others_hi = inf if unbounded - (hi == inf) else highest - (0 if hi == inf else hi)
        others_lo = lowest - lo
        ranges[key] = (max(lo, hidden_sum - others_hi), min(hi, hidden_sum - others_lo))
    return ranges


def _safe(counts, small, also, still_shown) -> bool:
    ranges = deducible_ranges(counts, small, also, still_shown)
    whole = (1, SMALL - 1)
    return all(ranges[key] == whole for key in small) and all(
        ranges[key][1] - ranges[key][0] >= 1 for key in also
    )


def _shown(counts: Mapping[K, int], small: list[K], also: list[K]) -> dict[K, Count]:
    return {
        key: Hidden.SMALL if key in small else Hidden.COMPLEMENTARY if key in also else count
        for key, count in counts.items()
    }
