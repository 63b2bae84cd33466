"""The one way this application keeps computed values in a process.

A :class:`Cache` builds a value the first time its key is asked for and
keeps it, least recently used first out. The key and the ``stamp`` together
name every input of the value, so a stale value is never served: the key says
what the value is (a dashboard's scope, a page's address and language), the
stamp which version of its inputs it was built from (the network's version,
the figures' version and the minute). A value built under a new stamp
replaces the one kept under the old, at once: an old version is never asked
for again, and left to age out it would hold its memory until the cache was
full (the dashboards once kept 128, one for each change of the figures).
``seconds`` bounds the life of values whose inputs cannot all be named.
Nothing kept here is state another app server needs: each builds its own copy
from the shared database.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Cache(Generic[Value]):
    def __init__(self, size: int = 64, seconds: float | None = None):
        self.size = size
        self.seconds = seconds
        self._entries: OrderedDict[Hashable, tuple[float, Hashable, Value]] = OrderedDict()
        self._lock = Lock()
        self.builds = 0  # how many values were actually built (tests check reuse)

    def peek(self, key: Hashable, stamp: Hashable = None) -> Value | None:
        """The value under ``key`` if it is kept, fresh and of ``stamp``, without building
        anything (a value of another stamp stays: the asker's stamp may be the old one)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[1] != stamp:
                return None
            if self.seconds is not None and time.monotonic() - entry[0] > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def get(self, key: Hashable, build: Callable[[], Value], stamp: Hashable = None) -> Value:
        """The value under ``key`` built from the inputs ``stamp`` names, built by
        ``build()`` when it is not kept; it replaces a value of another stamp.

        Two threads asking for a missing key at once may both build it, and the
        last one stored is kept: with one stamp the values are equal; under two (a
        change of the network while both were building) the other is built again
        when next asked for.
        """
        found = self.peek(key, stamp)
        if found is not None:
            return found
        value = build()
        with self._lock:
            self.builds += 1
            self._entries[key] = (time.monotonic(), stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
