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
