"""Coverage and the expansion planner, against figures worked out by hand.

On the equator one degree of longitude is 2πR/360 = 111.195 km (R = 6371.0088 km).
"""

import pytest

from tisc.domain.coverage import (
    CityFacts,
    PopulationPoint,
    RegionFacts,
    Site,
    covered_share,
    plan_expansion,
    population_points,
    region_coverage,
)
from tisc.domain.geo import Point, great_circle_km

DEGREE_KM = 111.195


def point(lon: float, population: int, region: str = "R") -> PopulationPoint:
    return PopulationPoint(region, Point(0.0, lon), population)


def city(key: int, lon: float, population: int = 0, region: str = "R") -> CityFacts:
    return CityFacts(key, region, Point(0.0, lon), population, True)


def test_one_degree_on_the_equator():
    assert great_circle_km(Point(0, 0), Point(0, 1)) == pytest.approx(DEGREE_KM, abs=0.01)


def test_almaty_to_astana_is_about_970_km():
    # Published great-circle distance ≈ 970 km.
    assert great_circle_km(Point(43.2525, 76.9115), Point(51.1801, 71.446)) == pytest.approx(
        970, abs=5
    )


def test_region_remainder_sits_at_its_admin_centre():
    regions = [RegionFacts("A", Point(0, 0), 1000), RegionFacts("B", Point(0, 5), 300)]
    cities = [CityFacts(1, "A", Point(0, 1), 600), CityFacts(2, "B", Point(0, 6), 400)]
    points = population_points(regions, cities)
    assert sorted((p.region_code, p.location.lon, p.population) for p in points) == [
        ("A", 0, 400), ("A", 1, 600), ("B", 6, 400),  # B's cities exceed its total: no remainder
    ]  # fmt: skip


def test_share_within_radius():
    points = [point(0, 100), point(1, 50), point(3, 10)]
    sites = [Site(1, Point(0, 0))]
    assert covered_share(points, sites, 150) == pytest.approx(150 / 160)
    assert covered_share(points, sites, 100) == pytest.approx(100 / 160)
    assert covered_share(points, [], 150) == 0.0


def test_regions_know_their_nearest_site_and_whether_it_is_in_reach():
    regions = [RegionFacts("A", Point(0, 0), 1), RegionFacts("B", Point(0, 4), 1)]
    result = region_coverage(regions, [Site(7, Point(0, 1)), Site(8, Point(0, 2))], 150)
    assert [(r.code, r.nearest_site, r.covered) for r in result] == [
        ("A", 7, True),
        ("B", 8, False),
    ]
    assert result[1].distance_km == pytest.approx(2 * DEGREE_KM, abs=0.01)
    assert region_coverage(regions, [], 150)[0].distance_km is None


def test_the_planner_takes_the_biggest_gain_first_and_reports_running_totals():
    # Covered already: 100 at lon 0. Uncovered: 50 at lon 3, 70 at lon 3.9, 30 at lon 8.
    points = [point(0, 100), point(3, 50), point(3.9, 70), point(8, 30)]
    sites = [Site(1, Point(0, 0))]
    candidates = [city(11, 3), city(12, 3.5), city(13, 8), city(14, 0.5)]
    proposals = plan_expansion(points, candidates, sites, radius_km=100, count=3)
    # lon 3.5 reaches both 3 and 3.9 (0.5° and 0.4° ≈ 56 and 44 km): +120.
    # Then lon 8: +30. Then nothing is left, so only two proposals.
    assert [(p.city_key, p.added_population, p.covered_population) for p in proposals] == [
        (12, 120, 220), (13, 30, 250),
    ]  # fmt: skip
    assert proposals[-1].share == pytest.approx(1.0)


def test_the_planner_never_proposes_a_city_twice_and_stops_at_k():
    points = [point(0, 10), point(5, 10)]
    proposals = plan_expansion(points, [city(1, 0), city(2, 5)], [], radius_km=50, count=1)
    assert [p.city_key for p in proposals] == [1]


def test_the_planner_with_nothing_to_add_proposes_nothing():
    points = [point(0, 10)]
    assert plan_expansion(points, [city(1, 0.1)], [Site(1, Point(0, 0))], 50, 3) == []
