"""Great-circle distances on the WGS84 mean sphere, one pair at a time or as matrices."""

from typing import NamedTuple

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


class Point(NamedTuple):
    lat: float
    lon: float


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance between two points, in kilometres."""
    return float(distance_matrix_km([a], [b])[0, 0])


def distance_matrix_km(origins, destinations) -> np.ndarray:
    """Distances from every origin (rows) to every destination (columns), in km.

    Both arguments are sequences of ``(lat, lon)`` pairs; an empty side gives
    an empty matrix of the right shape.
    """
    a = np.radians(np.asarray(origins, dtype=np.float64).reshape(-1, 2))
    b = np.radians(np.asarray(destinations, dtype=np.float64).reshape(-1, 2))
    lat1, lon1 = a[:, 0:1], a[:, 1:2]
    lat2, lon2 = b[:, 0][np.newaxis, :], b[:, 1][np.newaxis, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def nearest_km(origins, destinations) -> tuple[np.ndarray, np.ndarray]:
    """For each origin, the index of its nearest destination and the distance.

    With no destinations the index is -1 and the distance infinite.
    """
    n = len(origins)
    if len(destinations) == 0:
        return np.full(n, -1), np.full(n, np.inf)
    matrix = distance_matrix_km(origins, destinations)
    index = matrix.argmin(axis=1)
    return index, matrix[np.arange(n), index]
