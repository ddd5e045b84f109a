"""`yinling demo`: its office is kept across restarts (and started over with --fresh), it has
activities and a staff group, its console answers at the address the banner prints, retirees the
story verified chat at once, and a busy port is one line naming the option, not a traceback."""
from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from sandbox.client import SandboxClient, SandboxUser
from serve.demo import DEMO_TOKEN, banner, demo_office
from tests.e2e.test_process import clean_env, spawn
from tests.e2e.test_resilience import free_port
from yinling.demo import DEMO_CHAT_PEOPLE, DEMO_CHAT_USERS, DEMO_STAFF_GROUP
from yinling.store import staff as staff_store

BOT_ID = int(DEMO_TOKEN.split(":")[0])
ZHANG = DEMO_CHAT_PEOPLE[0]  # (name, phone, Telegram id), on the roster


def office(tmp_path, **options):
    return demo_office("127.0.0.1", 0, 0, db_path=tmp_path / "demo.db", _env_file=None,
                       outbox_poll_seconds=0.2, **options)


async def zhang_in(sandbox_url: str, user_id: int = ZHANG[2]) -> tuple[SandboxClient, SandboxUser]:
    client = SandboxClient(sandbox_url)
    users = {u["id"]: u for u in await client.users()}
    return client, client.user(BOT_ID, users[user_id])


async def test_the_demo_office_is_kept_across_restarts_and_fresh_starts_over(tmp_path):
    async with office(tmp_path) as first:
        assert not first.database.kept and first.database.passwords
        client, zhang = await zhang_in(first.sandbox_url)
        try:
            await zhang.send_text("/start")
            await zhang.wait_for_bot_message("验证手机号")
            await zhang.tap("📱 验证手机号")
            await zhang.wait_for_bot_message("身份已经确认")
        finally:
            await client.close()

    async with office(tmp_path) as second:
        assert second.database.kept and second.database.passwords == first.database.passwords
        client, zhang = await zhang_in(second.sandbox_url)
        try:
            # The bot may write first (the chat began in the last run), and this run's update ids are
            # new to the database, so what he says now is not taken for a repeat.
            await zhang.send_text("/start")
            reply = await zhang.wait_for_bot_message(ZHANG[0])
            assert "验证手机号" not in reply.get("text", "")  # still verified: straight to the menu
        finally:
            await client.close()

    async with office(tmp_path, fresh=True) as third:
        assert not third.database.kept and third.database.passwords != first.database.passwords


async def test_the_demo_has_coming_activities_and_a_staff_group_whose_members_can_act(tmp_path):
    async with office(tmp_path) as demo:
        services = demo.run.services
        activities, total = await services.activities.page(when="upcoming", kind=None, page=1, per_page=10)
        assert total == 2 and sorted(a.open_seats > 0 for a in activities) == [False, True]  # one has a waiting list
        client = SandboxClient(demo.sandbox_url)
        try:
            groups = (await client.request("GET", "/sandbox/chats"))["chats"]
        finally:
            await client.close()
        assert [g["title"] for g in groups] == [DEMO_STAFF_GROUP]
        assert services.core.settings.staff_chat_id == groups[0]["id"]
        for member in groups[0]["member_ids"]:
            staff = await staff_store.get_by_telegram_user(services.core.db, member)
            assert staff is not None and staff.role != "viewer"


async def test_the_console_answers_where_the_banner_says_and_a_verified_retiree_chats_at_once(tmp_path):
    async with office(tmp_path) as demo:
        printed = banner(demo.sandbox_url, demo.admin_url, demo.database, tmp_path / "demo.db", 1.0)
        console = next(word for line in printed.splitlines() for word in line.split() if word.endswith("/console/"))
        async with aiohttp.ClientSession() as http, http.get(console) as page:
            assert page.status == 200 and "登录" in await page.text()  # the sign-in page

        # 杨振华 verified when the office was made: his /start (an update id past the story's) is
        # answered with the menu, neither taken for a repeat nor asked to verify; his requests are his
        yang = dict(DEMO_CHAT_USERS)["杨振华"]
        client, person = await zhang_in(demo.sandbox_url, yang)
        try:
            await person.send_text("/start")
            reply = await person.wait_for_bot_message("杨振华")
            assert "验证手机号" not in reply.get("text", "")
            await person.tap("👤 我的")
            await person.wait_for_bot_message()
            await person.tap("📋 我的求助")
            mine = await person.wait_for_bot_message()
            assert "医疗健康" in str(mine.get("reply_markup"))  # his urgent request, made in the story
        finally:
            await client.close()


@pytest.mark.parametrize("command, busy, setting", [
    ("demo", "sandbox", "--sandbox-port"),
    ("demo", "admin", "--admin-port"),
    ("serve", "admin", "YINLING_ADMIN_PORT"),
])
async def test_a_busy_port_is_one_line_naming_it_and_exit_2(tmp_path, command, busy, setting):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        other = free_port()
        env = clean_env(YINLING_DB=str(tmp_path / "y.db"), YINLING_TELEGRAM_TOKEN="123456:TEST-token",
                        YINLING_TELEGRAM_API_URL="http://127.0.0.1:9", YINLING_ADMIN_PORT=str(port),
                        YINLING_LOG_LEVEL="WARNING")
        if command == "demo":
            sandbox_port, admin_port = (port, other) if busy == "sandbox" else (other, port)
            args = ("demo", "--sandbox-port", str(sandbox_port), "--admin-port", str(admin_port))
        else:
            args = ("serve",)
        proc = await spawn(*args, env=env, cwd=tmp_path)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2, lines
    assert len(lines) == 1 and str(port) in lines[0] and setting in lines[0], lines
