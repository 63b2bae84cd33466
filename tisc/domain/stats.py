"""Figures from plain rows: turnaround, rates per population."""

from datetime import datetime
from statistics import median


def median_turnaround_days(spans: list[tuple[datetime, datetime]]) -> float | None:
    """Median days from submission to closing, or None without data."""
    days = [(closed - created).total_seconds() / 86400 for created, closed in spans]
    return round(median(days), 1) if days else None


def per_100k(count: int, population: int) -> float | None:
    return round(count * 100_000 / population, 2) if population > 0 else None
