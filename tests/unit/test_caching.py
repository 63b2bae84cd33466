"""The one cache: built once per key, least recently used out first, optionally expiring."""

from tisc import caching
from tisc.caching import Cache


def test_a_value_is_built_once_per_key():
    cache = Cache(size=4)
    built = []
    for _ in range(3):
        assert cache.get("a", lambda: built.append("a") or "A") == "A"
    assert built == ["a"] and cache.builds == 1


def test_the_least_recently_used_key_goes_first():
    cache = Cache(size=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 1)  # a is now the most recent
    cache.get("c", lambda: 3)
    assert cache.peek("b") is None
    assert cache.peek("a") == 1 and cache.peek("c") == 3


def test_values_expire_after_their_seconds(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: clock[0])
    cache = Cache(seconds=60)
    cache.get("k", lambda: "old")
    clock[0] += 59
    assert cache.peek("k") == "old"
    clock[0] += 2
    assert cache.peek("k") is None
    assert cache.get("k", lambda: "new") == "new"


def test_a_value_of_a_new_stamp_replaces_the_old_one_at_once():
    cache = Cache(size=8)
    for version in range(5):
        built = cache.get("page", lambda version=version: f"v{version}", stamp=version)
        assert built == f"v{version}"
    assert len(cache) == 1 and cache.builds == 5  # not five versions left to age out
    assert cache.peek("page", stamp=4) == "v4"


def test_a_look_with_another_stamp_finds_nothing_and_keeps_the_value():
    cache = Cache(size=8)
    cache.get("script", lambda: "new", stamp="2")
    assert cache.peek("script", stamp="1") is None  # an old page's address: built afresh
    assert cache.peek("script") is None
    assert cache.peek("script", stamp="2") == "new"
    assert cache.get("script", lambda: "again", stamp="2") == "new" and cache.builds == 1


def test_a_replaced_value_counts_as_the_most_recent():
    cache = Cache(size=2)
    cache.get("a", lambda: 1, stamp=1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 10, stamp=2)  # replaced: now the most recent
    cache.get("c", lambda: 3)
    assert cache.peek("b") is None and cache.peek("a", stamp=2) == 10
