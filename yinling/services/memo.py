"""A short-lived memo for list totals and counts.

Paging through a list asks for the same count again and again, and on a large table the count
costs far more than the page. The owning service clears the memo after each of its writes commits,
so its own changes show at once; changes made elsewhere (another service, another process) show
within TTL seconds."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class ShortMemo:
    TTL = 3.0
    LIMIT = 1000  # keys kept at most; past that the memo starts over

    def __init__(self, ttl: float | None = None, now: Callable[[], float] = time.monotonic) -> None:
        self._values: dict[object, tuple[float, Any]] = {}
        self.ttl = self.TTL if ttl is None else ttl
        self._now = now  # the service clock where expiry must follow it (tests move that clock)
        self.version = 0  # bumped by every clear(): a key holding it is never served after a write

    def get(self, key: object) -> Any | None:
        found = self._values.get(key)
        if found is None or not 0 <= self._now() - found[0] <= self.ttl:
            return None
        return found[1]

    def put(self, key: object, value: Any) -> None:
        if len(self._values) >= self.LIMIT:
            self._values.clear()
        self._values[key] = (self._now(), value)

    def clear(self) -> None:
        self._values.clear()
        self.version += 1
