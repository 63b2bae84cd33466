"""The one way this application keeps computed values in a process.

A :class:`Cache` builds a value the first time its key is asked for and
keeps it, least recently used first out. Keys name every input of the value
- for anything drawn from the network, its version (``services/network.py``)
- so a stale value is never served, only left to age out; ``seconds`` bounds
the life of values whose inputs cannot all be named (figures over the last
twelve months). Nothing kept here is state another app server needs: each
builds its own copy from the shared database.
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
        self._entries: OrderedDict[Hashable, tuple[float, Value]] = OrderedDict()
        self._lock = Lock()
        self.builds = 0  # how many values were actually built (tests check reuse)

    def peek(self, key: Hashable) -> Value | None:
        """The value under ``key`` if it is kept and fresh, without building anything."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self.seconds is not None and time.monotonic() - entry[0] > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def get(self, key: Hashable, build: Callable[[], Value]) -> Value:
        """The value under ``key``, built by ``build()`` when it is not kept.

        Two threads asking for a missing key at once may both build it; the
        values are equal, and the last one is kept.
        """
        found = self.peek(key)
        if found is not None:
            return found
        value = build()
        with self._lock:
            self.builds += 1
            self._entries[key] = (time.monotonic(), value)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
