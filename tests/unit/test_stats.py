from tisc.domain.stats import per_100k


def test_rates_per_hundred_thousand():
    assert per_100k(25, 500_000) == 5.0
    assert per_100k(1, 0) is None
