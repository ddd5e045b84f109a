"""Fixtures: a sandbox on an ephemeral loopback port, a python-telegram-bot
Bot pointed at it, and the control-API helper."""

from __future__ import annotations

import datetime as dtm
import warnings
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from sandbox import FloodConfig, RunningSandbox, SandboxConfig, start_sandbox
from sandbox.client import SandboxClient

TOKEN = "123456789:AAHsandbox-test_token-ABCDEFGHIJKLMNO"
BOT_ID = 123456789


class FakeClock:
    """A manual clock for the flood controller, so limits do not depend on
    how fast the machine sends."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def seconds(value: object) -> float:
    """A PTB duration (int today, timedelta once PTB_TIMEDELTA is the default),
    read without PTB's deprecation warning."""
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


def retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return seconds(exc.retry_after)


def make_bot(url: str, token: str = TOKEN) -> telegram.Bot:
    return telegram.Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")


@pytest.fixture
def config() -> SandboxConfig:
    # Per-chat limits off so that functional tests may send quickly; the flood
    # tests switch them on through the control API.
    return SandboxConfig(
        bots=[TOKEN],
        flood=FloodConfig(private_rate=0, group_per_minute=0),
        webhook_retry_initial=0.05,
        webhook_retry_max=0.2,
    )


@pytest.fixture
async def sandbox(config: SandboxConfig) -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(config, port=0)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url, bot_id=BOT_ID) as sandbox_client:
        yield sandbox_client


@pytest.fixture
async def bot(sandbox: RunningSandbox) -> AsyncIterator[telegram.Bot]:
    async with make_bot(sandbox.url) as tg_bot:
        yield tg_bot


@pytest.fixture
def clock(sandbox: RunningSandbox) -> FakeClock:
    fake = FakeClock()
    sandbox.sandbox.flood.clock = fake
    return fake


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Opt in to PTB's future timedelta durations (retry_after, voice.duration);
    # otherwise reading them warns, and warnings are errors in this project.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
