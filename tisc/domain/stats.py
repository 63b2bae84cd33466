"""Figures from plain rows: rates per population (the network's figures: ``figures.py``)."""


def per_100k(count: int, population: int) -> float | None:
    return round(count * 100_000 / population, 2) if population > 0 else None
