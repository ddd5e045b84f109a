"""The bot under the things that go wrong: restarts, replays, blocked users, 429s, 5xx, webhooks."""
from __future__ import annotations

import json
import socket

import aiohttp

from tests.e2e.conftest import BOT_ID, bot_running
from tests.e2e.helpers import eventually, group_texts, queue_notice
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.store import inbox as inbox_store
from yinling.store import outbox as outbox_store
from yinling.store import retirees as retiree_store


async def test_a_restart_mid_flow_resumes_where_the_retiree_was(e2e_settings, sb, db, clock):
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE)
    async with bot_running(e2e_settings):
        zhang = await bound_user(sb, ROSTER_PHONE)
        await zhang.tap("☎️ 找人工")
        await zhang.wait_for_bot_message("直接在这里说")
    # The process is gone; the retiree keeps talking.
    await zhang.send_text("我家暖气不热了")
    async with bot_running(e2e_settings):
        reply = await zhang.wait_for_bot_message("转给工作人员")
        assert reply["text"] == texts.MESSAGE_FORWARDED
    kept = await inbox_store.messages_of(db, retiree_id)
    assert [m.text for m in kept] == ["我家暖气不热了"]


async def test_a_blocked_user_becomes_unreachable_and_staff_are_told(app, sb, db, clock, staff_group):
    retiree_id = await add_retiree(db, clock, name="李秀英", phone=ROSTER_PHONE)
    li = await bound_user(sb, ROSTER_PHONE)
    await li.block()
    await queue_notice(app.services, li.id, "明天上午九点主题党日", retiree_id=retiree_id)

    async def unreachable() -> bool:
        return not (await retiree_store.get(db, retiree_id)).reachable

    await eventually(unreachable, what="the retiree marked unreachable")

    async def staff_told() -> bool:
        return any("无法联系" in t and "李秀英" in t for t in await group_texts(sb, BOT_ID, staff_group["id"]))

    await eventually(staff_told, what="staff told")
    row = await db.fetch_one("SELECT status, attempts, error FROM outbox WHERE text = '明天上午九点主题党日'")
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "blocked" in row["error"]


async def test_429_is_obeyed_and_every_message_arrives_once_in_order(app, sb, db, clock):
    await add_retiree(db, clock, phone=ROSTER_PHONE)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await sb.configure_flood(private_rate=1, private_burst=1)
    await sb.reset_stats()
    for i in range(4):
        await queue_notice(app.services, zhang.id, f"通知 {i}")

    async def all_sent() -> bool:
        return (await outbox_store.status_counts(db, None)).get("sent", 0) >= 2 + 4  # 2 onboarding replies

    await eventually(all_sent, timeout=15, what="all notices sent")
    received = [m["text"] for m in await zhang.bot_messages() if m["text"].startswith("通知")]
    assert received == [f"通知 {i}" for i in range(4)]
    assert (await sb.stats())["too_many_requests"] >= 1


async def test_5xx_from_telegram_is_retried_until_delivered(app, sb, db, clock):
    await add_retiree(db, clock, phone=ROSTER_PHONE)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await sb.inject_fault(BOT_ID, "sendMessage", 502, "Bad Gateway", count=1)
    await queue_notice(app.services, zhang.id, "重要通知")
    message = await zhang.wait_for_bot_message("重要通知", timeout=10)
    assert message["text"] == "重要通知"

    async def confirmed() -> bool:
        row = await db.fetch_one("SELECT status, attempts FROM outbox WHERE text = '重要通知'")
        return (row["status"], row["attempts"]) == ("sent", 1)  # one failed try, then sent

    await eventually(confirmed, what="the row confirmed as sent after one failed attempt")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_checks_the_secret_and_a_replayed_update_has_one_effect(e2e_settings, sb, db, clock):
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    settings = e2e_settings.model_copy(
        update={"admin_port": port, "webhook_url": url, "webhook_secret": "s3cret-token_ABC"}
    )
    async with bot_running(settings):
        zhang = await bound_user(sb, ROSTER_PHONE)  # delivered by the sandbox to the webhook
        assert (await retiree_store.get(db, retiree_id)).telegram_user_id == zhang.id

        update = {
            "update_id": 987654321,
            "message": {
                "message_id": 9999, "date": 1_790_000_000,
                "chat": {"id": zhang.id, "type": "private", "first_name": "张"},
                "from": {"id": zhang.id, "is_bot": False, "first_name": "张"},
                "text": "谢谢你们",
            },
        }
        async with aiohttp.ClientSession() as http:
            wrong = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            assert wrong.status == 403
            missing = await http.post(url, json=update)
            assert missing.status == 403
            bad_json = await http.post(url, data=b"{not json",
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_ABC"})
            assert bad_json.status == 400
            for _ in range(2):  # Telegram re-delivers when it did not hear 200 in time
                ok = await http.post(url, data=json.dumps(update), headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-token_ABC", "Content-Type": "application/json"})
                assert ok.status == 200

        async def kept_once() -> bool:
            return [m.text for m in await inbox_store.messages_of(db, retiree_id)] == ["谢谢你们"]

        await eventually(kept_once, what="the message kept")
        await zhang.wait_for_bot_message("记下")
    kept = await inbox_store.messages_of(db, retiree_id)
    assert [m.text for m in kept] == ["谢谢你们"]  # once, not twice
    replies = [m for m in await zhang.bot_messages() if m["text"] == texts.MESSAGE_KEPT]
    assert len(replies) == 1


async def test_voice_and_photos_are_accepted_wherever_text_is(app, sb, db, clock):
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await zhang.tap("☎️ 找人工")
    await zhang.wait_for_bot_message("直接在这里说")
    await zhang.send_voice(duration=4)
    await zhang.wait_for_bot_message("转给工作人员")
    await zhang.send_photo()
    await zhang.wait_for_bot_message("转给工作人员")
    kept = await inbox_store.messages_of(db, retiree_id)
    assert [m.kind for m in kept] == ["voice", "photo"] and all(m.file_id for m in kept)


async def test_a_user_never_seen_by_the_sandbox_fails_with_chat_not_found(app, sb, db):
    await queue_notice(app.services, 424242, "给不存在的人")

    async def failed() -> bool:
        return (await outbox_store.status_counts(db)).get("failed") == 1

    await eventually(failed, what="the message failed")
    row = await db.fetch_one("SELECT error FROM outbox WHERE chat_id = 424242")
    assert "chat not found" in row["error"].lower()
