"""Human references for requests: ``TISC-2026-00042``, sequential per year."""

import re

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid
from tisc.domain.text import trimmed

PREFIX = "TISC"
_PATTERN = re.compile(r"^TISC-(\d{4})-(\d{5,})$", re.ASCII)


def format_reference(year: int, number: int) -> str:
    """The reference of the ``number``-th request of ``year`` (numbers start at 1)."""
    if number < 1:
        raise ValueError("reference numbers start at 1")
    return f"{PREFIX}-{year:04d}-{number:05d}"


def parse_reference(text: str) -> tuple[int, int]:
    """``(year, number)`` of a reference, accepting any letter case and spaces around it."""
    match = _PATTERN.match(trimmed(text).upper())
    if not match:
        raise Invalid("reference", N_("A reference looks like TISC-2026-00042."))
    return int(match[1]), int(match[2])
