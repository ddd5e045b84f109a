"""Flood control, modelled on Telegram's documented bot limits.

Per bot:
* global: ``global_rate`` messages/s, token bucket holding ``global_burst``
  (default: one second's worth);
* ``allow_paid_broadcast`` sends use a separate bucket of ``paid_rate``/s;
* private chats: ``private_rate``/s sustained with ``private_burst``;
* groups and supergroups: at most ``group_per_minute`` messages in any 60 s.

A limit set to 0 or None is disabled. A refused request consumes nothing, and
the caller is told how many whole seconds (>= 1) to wait, like Telegram's
``retry_after``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import too_many_requests

Clock = Callable[[], float]


@dataclass
class FloodConfig:
    global_rate: float | None = 30.0
    global_burst: float | None = None  # None: one second's worth of global_rate
    paid_rate: float | None = 1000.0
    private_rate: float | None = 1.0
    private_burst: float | None = 3.0
    group_per_minute: float | None = 20.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _enabled(value: float | None) -> bool:
    return value is not None and value > 0


class TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens = max(self.tokens - 1.0, 0.0)


class SlidingWindow:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = max(limit, 1)
        self.window = window
        self.times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()

    def wait_time(self, now: float) -> float:
        self._expire(now)
        if len(self.times) < self.limit:
            return 0.0
        return self.times[len(self.times) - self.limit] + self.window - now

    def take(self, now: float) -> None:
        self._expire(now)
        self.times.append(now)


class FloodControl:
    def __init__(self, config: FloodConfig | None = None, clock: Clock = time.monotonic) -> None:
        self.config = config or FloodConfig()
        self.clock = clock
        self._global: dict[int, TokenBucket] = {}
        self._paid: dict[int, TokenBucket] = {}
        self._private: dict[tuple[int, int], TokenBucket] = {}
        self._group: dict[tuple[int, int], SlidingWindow] = {}

    def reconfigure(self, **changes: Any) -> FloodConfig:
        for key, value in changes.items():
            if key not in FloodConfig.field_names():
                raise ValueError(f"unknown flood setting {key!r}")
            if value is not None:
                value = float(value)
                if value < 0 or math.isnan(value):
                    raise ValueError(f"{key} must be >= 0")
            setattr(self.config, key, value)
        self.reset()
        return self.config

    def reset(self) -> None:
        self._global.clear()
        self._paid.clear()
        self._private.clear()
        self._group.clear()

    def _global_bucket(self, bot_id: int, now: float) -> TokenBucket | None:
        cfg = self.config
        if not _enabled(cfg.global_rate):
            return None
        assert cfg.global_rate is not None
        burst = cfg.global_burst if _enabled(cfg.global_burst) else cfg.global_rate
        assert burst is not None
        return self._global.setdefault(bot_id, TokenBucket(cfg.global_rate, burst, now))

    def _limits(
        self, bot_id: int, chat_id: int, chat_type: str, paid: bool, now: float
    ) -> list[TokenBucket | SlidingWindow]:
        cfg = self.config
        limits: list[TokenBucket | SlidingWindow] = []
        if paid and _enabled(cfg.paid_rate):
            assert cfg.paid_rate is not None
            limits.append(
                self._paid.setdefault(bot_id, TokenBucket(cfg.paid_rate, cfg.paid_rate, now))
            )
        else:
            bucket = self._global_bucket(bot_id, now)
            if bucket is not None:
                limits.append(bucket)
        key = (bot_id, chat_id)
        if chat_type == "private":
            if _enabled(cfg.private_rate):
                assert cfg.private_rate is not None
                burst = cfg.private_burst if _enabled(cfg.private_burst) else 1.0
                assert burst is not None
                limits.append(
                    self._private.setdefault(key, TokenBucket(cfg.private_rate, burst, now))
                )
        elif _enabled(cfg.group_per_minute):
            assert cfg.group_per_minute is not None
            limits.append(
                self._group.setdefault(key, SlidingWindow(int(cfg.group_per_minute), 60.0))
            )
        return limits

    def check(self, bot_id: int, chat_id: int, chat_type: str, *, paid: bool = False) -> None:
        """Admits one message or raises the 429 ApiError without consuming anything."""
        now = self.clock()
        limits = self._limits(bot_id, chat_id, chat_type, paid, now)
        wait = max((limit.wait_time(now) for limit in limits), default=0.0)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for limit in limits:
            limit.take(now)
        if paid and _enabled(self.config.paid_rate):
            # Paid traffic still drains the ordinary bucket, so that free sends
            # right after a paid broadcast are throttled as they would be.
            bucket = self._global_bucket(bot_id, now)
            if bucket is not None:
                bucket.take(now)
