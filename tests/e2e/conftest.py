"""End to end: the real bot Application talks HTTP to the sandbox; scripted people tap buttons."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from sandbox.client import SandboxClient
from sandbox.server import SandboxConfig, start_sandbox
from serve.process import Running, running
from tests.factories import make_settings

TOKEN = "123456:TEST-token-for-tests-only"
BOT_ID = 123456


@pytest.fixture
async def sandbox():
    server = await start_sandbox(SandboxConfig(bots=[TOKEN]), host="127.0.0.1", port=0)
    yield server
    await server.stop()


@pytest.fixture
async def sb(sandbox) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(sandbox.url)
    yield client
    await client.close()


@pytest.fixture
async def staff_people(sb):
    """Two people in the staff group: 王芳 (a liaison, once linked) and someone never linked."""
    wang = await sb.create_user("芳", last_name="王", phone_number="13900001001", bot_id=BOT_ID)
    other = await sb.create_user("路人", phone_number="13600000000", bot_id=BOT_ID)
    return wang, other


@pytest.fixture
async def staff_group(sb, staff_people):
    return await sb.create_group("老干部工作群", member_ids=[person.id for person in staff_people])


@pytest.fixture
def e2e_settings(db_path, sandbox, staff_group):
    return make_settings(
        db_path, telegram_api_url=sandbox.url, admin_port=0, staff_chat_id=staff_group["id"]
    )


@asynccontextmanager
async def bot_running(settings, clock=None) -> AsyncIterator[Running]:
    async with running(settings, clock=clock) as run:
        yield run


@pytest.fixture
async def app(e2e_settings, clock) -> AsyncIterator[Running]:
    # The real clock: Telegram-facing timing (long polling, rate limits) runs on real time.
    async with bot_running(e2e_settings) as run:
        yield run
