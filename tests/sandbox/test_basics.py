"""Bot API basics through python-telegram-bot: identity, errors, parameter encodings."""

from __future__ import annotations

import datetime as dtm

import aiohttp
import pytest
import telegram
from telegram.error import BadRequest, Forbidden, InvalidToken

from sandbox import RunningSandbox
from sandbox.client import SandboxClient, SandboxError

from .conftest import BOT_ID, make_bot


async def test_get_me(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert me.id == BOT_ID
    assert me.is_bot
    assert me.username == f"sandbox{BOT_ID}_bot"
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False


async def test_unknown_token_and_method(sandbox: RunningSandbox) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(sandbox.url, "42:nope"):
            pass
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/bot42:nope/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.get(f"{sandbox.url}/botgarbage/getMe") as resp:
            assert resp.status == 404
        async with http.post(f"{sandbox.url}/bot{make_bot(sandbox.url).token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert (await resp.json())["description"] == "Not Found"
        # Method names are case-insensitive, as on Telegram.
        async with http.get(f"{sandbox.url}/bot{make_bot(sandbox.url).token}/GETME") as resp:
            assert (await resp.json())["result"]["id"] == BOT_ID


async def test_parameter_encodings(sandbox: RunningSandbox, client: SandboxClient) -> None:
    """Query string, JSON body, urlencoded form and multipart all work."""
    user = await client.create_user("赵")
    await user.send_text("hi")
    base = f"{sandbox.url}/bot{make_bot(sandbox.url).token}"
    markup = '{"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}'
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/sendMessage", params={"chat_id": str(user.id), "text": "q"}) as r:
            assert (await r.json())["result"]["text"] == "q"
        async with http.post(f"{base}/sendMessage", json={"chat_id": user.id, "text": "j"}) as r:
            assert (await r.json())["result"]["text"] == "j"
        form = {"chat_id": str(user.id), "text": "f", "reply_markup": markup}
        async with http.post(f"{base}/sendMessage", data=form) as r:
            body = await r.json()
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok"
        multipart = aiohttp.FormData(form)
        multipart.add_field("document", b"hello", filename="a.txt", content_type="text/plain")
        async with http.post(f"{base}/sendDocument", data=multipart) as r:
            body = await r.json()
            assert body["ok"], body
            assert body["result"]["document"]["file_name"] == "a.txt"
        async with http.post(f"{base}/sendMessage", data=b"{nope", headers={"Content-Type": "application/json"}) as r:
            assert r.status == 400


async def test_send_message_shape_and_ids(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("李", last_name="四", username="lisi")
    await user.send_text("/start")
    first = await bot.send_message(user.id, "你好")
    second = await bot.send_message(user.id, "再见", disable_notification=True, protect_content=True)
    assert isinstance(first.date, dtm.datetime)
    assert first.date.tzinfo is not None
    assert first.from_user is not None and first.from_user.is_bot and first.from_user.id == BOT_ID
    assert first.chat.id == user.id and first.chat.type == "private" and first.chat.first_name == "李"
    assert first.message_id == 2  # the user's /start was message 1 of this chat
    assert second.message_id == first.message_id + 1
    assert second.has_protected_content is True
    raw = await user.messages()
    assert [m["message_id"] for m in raw] == [1, 2, 3]
    assert all(isinstance(m["date"], int) for m in raw)
    assert raw[0]["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]


async def test_parse_modes(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("周")
    await user.send_text("hi")
    msg = await bot.send_message(user.id, "<b>粗体</b> 和 <i>斜体</i> &lt;ok&gt;", parse_mode="HTML")
    assert msg.text == "粗体 和 斜体 <ok>"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 2), ("italic", 5, 2)]
    md = await bot.send_message(user.id, "*粗* _斜_ 1\\.5", parse_mode="MarkdownV2")
    assert md.text == "粗 斜 1.5"
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(user.id, "<br>坏", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user.id, "<b>未闭合", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved and must be escaped"):
        await bot.send_message(user.id, "1.5", parse_mode="MarkdownV2")
    # The emoji counts as two UTF-16 units in entity offsets.
    emoji = await bot.send_message(user.id, "👍<b>好</b>", parse_mode="HTML")
    assert emoji.entities[0].offset == 2


async def test_text_limits(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("钱")
    await user.send_text("hi")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "长" * 4097)
    ok = await bot.send_message(user.id, "长" * 4096)
    assert len(ok.text) == 4096
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "   ")
    # Markup does not count toward the limit.
    await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")


async def test_chat_not_found(bot: telegram.Bot, client: SandboxClient) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hi")
    stranger = await client.create_user("陌生人")
    # The user exists but never wrote to the bot: bots cannot start chats.
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(stranger.id, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message("@nobody", "hi")
    await stranger.send_text("hello")
    assert (await bot.send_message(stranger.id, "hi")).text == "hi"
    chat = await bot.get_chat(stranger.id)
    assert chat.first_name == "陌生人"


async def test_blocked_and_deactivated(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("孙")
    await user.send_text("hi")
    await user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(user.id, "typing")
    await user.unblock()
    await bot.send_message(user.id, "back")
    await user.block("deactivated")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(user.id, "hi")
    # Blocking and unblocking reached the bot as my_chat_member updates.
    updates = await bot.get_updates()
    members = [u.my_chat_member for u in updates if u.my_chat_member]
    assert [(m.old_chat_member.status, m.new_chat_member.status) for m in members] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]


async def test_reply_to_and_edit(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("吴")
    question = await user.send_text("问题")
    answer = await bot.send_message(
        user.id, "答复", reply_parameters=telegram.ReplyParameters(question["message_id"])
    )
    assert answer.reply_to_message is not None and answer.reply_to_message.text == "问题"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(user.id, "x", reply_to_message_id=999)
    edited = await bot.edit_message_text("新的答复", chat_id=user.id, message_id=answer.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "新的答复" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("新的答复", chat_id=user.id, message_id=answer.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=999)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=question["message_id"])
    listing = await user.messages()
    assert listing[1]["text"] == "新的答复" and "edit_date" in listing[1]
    assert await bot.delete_message(user.id, answer.message_id)
    assert [m["message_id"] for m in await user.messages()] == [question["message_id"]]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, answer.message_id)


async def test_commands(bot: telegram.Bot, client: SandboxClient) -> None:
    await bot.set_my_commands([("start", "开始"), ("help", "帮助")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    info = await client.bot_info()
    assert [c["command"] for c in info["commands"]] == ["start", "help"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad Command", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_calls_log(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("郑")
    await user.send_text("hi")
    await bot.send_message(user.id, "one")
    with pytest.raises(BadRequest):
        await bot.send_message(user.id, "")
    calls = await client.calls(BOT_ID, "sendMessage")
    assert [c["status"] for c in calls] == [200, 400]
    assert calls[0]["params"]["text"] == "one"
    assert all(set(c) >= {"method", "params", "at", "status"} for c in calls)


async def test_webchat_page_served(sandbox: RunningSandbox) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/", "/sandbox/chat"):
            async with http.get(sandbox.url + path) as resp:
                assert resp.status == 200
                page = await resp.text()
                assert "发送" in page and "<html" in page


async def test_group_chat(bot: telegram.Bot, client: SandboxClient) -> None:
    member = await client.create_user("群主")
    group = await client.create_group("活动群", [member.id])
    sent = await client.request(
        "POST", f"/sandbox/bots/{BOT_ID}/send",
        {"from_id": member.id, "chat_id": group["id"], "text": f"/signup@sandbox{BOT_ID}_bot 明天"},
    )
    assert sent["message"]["chat"] == {"id": group["id"], "title": "活动群", "type": "group",
                                       "all_members_are_administrators": False}
    update = (await bot.get_updates())[-1]
    assert update.message.chat.type == "group" and update.message.text.startswith("/signup@")
    assert update.message.entities[0].type == "bot_command"
    reply = await bot.send_message(group["id"], "收到")
    assert reply.chat.title == "活动群" and reply.message_id == 2
    # The bot has met the user in the group, but may not open a private chat.
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(member.id, "私聊")
    outsider = await client.create_user("外人")
    with pytest.raises(SandboxError):
        await client.request("POST", f"/sandbox/bots/{BOT_ID}/send",
                             {"from_id": outsider.id, "chat_id": group["id"], "text": "hi"})
