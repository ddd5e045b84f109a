"""A short-lived memo for list totals and counts.

Paging through a list asks for the same count again and again, and on a large table the count
costs far more than the page. The owning service clears the memo after each of its writes commits,
so its own changes show at once; changes made elsewhere (another service, another process) show
within TTL seconds."""
from __future__ import annotations

import time
from typing import Any


class ShortMemo:
    TTL = 3.0
    LIMIT = 1000  # keys kept at most; past that the memo starts over

    def __init__(self) -> None:
        self._values: dict[object, tuple[float, Any]] = {}

    def get(self, key: object) -> Any | None:
        found = self._values.get(key)
        if found is None or time.monotonic() - found[0] > self.TTL:
            return None
        return found[1]

    def put(self, key: object, value: Any) -> None:
        if len(self._values) >= self.LIMIT:
            self._values.clear()
        self._values[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._values.clear()
