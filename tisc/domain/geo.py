"""Great-circle distances on the mean Earth sphere, in plain Python.

These serve one origin at a time (routing, the directory's distances, where
to transfer). Whole matrices - "who is within R km" for thousands of points
- are numpy's work and live with the coverage figures (``coverage.py``), so
that the web processes never need to load numpy.
"""

from math import asin, cos, radians, sin, sqrt
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


class Point(NamedTuple):
    lat: float
    lon: float


def great_circle_km(a: Point, b: Point) -> float:
    """Distance between two points, in kilometres (haversine, exact for short spans)."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(min(max(h, 0.0), 1.0)))


def distances_km(origin: Point, points) -> list[float]:
    """Distances from ``origin`` to each of ``points``, in kilometres."""
    return [great_circle_km(origin, point) for point in points]
