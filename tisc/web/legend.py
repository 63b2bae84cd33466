"""The coverage map's legend: what each measure is called, and its classes and colours.

Shared by the page (its legend and table) and the map script built with folium.
"""

from flask_babel import gettext

from tisc.domain.stats import per_100k

MEASURE_COLOURS = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]


def measure_bins(values: list[float | None]) -> list[float]:
    """Four thresholds cutting the known values into five classes of equal width."""
    known = [v for v in values if v is not None]
    if not known:
        return []
    low, high = min(known), max(known)
    step = (high - low) / 5 or 1
    digits = 0 if high >= 100 else 1 if high >= 10 else 2
    return [round(low + step * i, digits) for i in range(1, 5)]


def rates_per_100k(received: dict[str, int], populations: dict[str, int]) -> dict[str, float]:
    """Requests received per 100,000 people of each region that received any, as the
    coverage page counts them (the dashboard's map shades by it, and its table and legend
    give it). Rounded to one decimal, they fell into two of the legend's five classes."""
    return {
        code: rate
        for code, count in received.items()
        if count and (rate := per_100k(count, populations.get(code, 0))) is not None
    }


def colour_of(value: float | None, bins: list[float]) -> str:
    if value is None:
        return "#e9ecef"
    return MEASURE_COLOURS[sum(value >= edge for edge in bins)]


def measure_label(measure: str) -> str:
    return {
        "requests_per_100k": gettext("Requests per 100,000 people (12 months)"),
        "distance_km": gettext("Distance to the nearest centre, km"),
        "open_per_centre": gettext("Open requests per centre"),
    }[measure]
