"""Sandbox configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from .flood import FloodConfig


@dataclass
class SandboxConfig:
    """Settings of one sandbox server.

    ``bots`` are tokens ("<bot_id>:<secret>") registered at start; more can be
    added through ``POST /sandbox/bots``. Flood limits can also be changed at
    runtime through ``POST /sandbox/config``.
    """

    bots: list[str] = field(default_factory=list)
    flood: FloodConfig = field(default_factory=FloodConfig)
    # Webhook delivery: the first retry after a failure waits this long, then
    # the delay doubles up to webhook_retry_max.
    webhook_retry_initial: float = 1.0
    webhook_retry_max: float = 60.0
    webhook_timeout: float = 10.0
    # Telegram only allows https webhooks; local Bot API servers allow http.
    webhook_require_https: bool = False
    # Upper bound for getUpdates' timeout (Telegram caps it, too).
    max_long_poll: float = 50.0
    # How long a callback query may wait for answerCallbackQuery.
    callback_query_ttl: float = 900.0
    calls_log_size: int = 10_000
