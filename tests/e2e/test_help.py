"""我要求助 end to end: a retiree taps through the real bot on the sandbox; staff answer over HTTP."""
from __future__ import annotations

import aiohttp

from tests.e2e.helpers import eventually
from tests.e2e.test_onboarding import MENU_ROWS, bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.passwords import hash_password
from yinling.store import help as help_store
from yinling.store import staff as staff_store

PASSWORD = "e2e-password-1"


async def add_staff(db, clock, username: str, name: str, phone: str) -> int:
    async with db.transaction() as tx:
        return await staff_store.insert(tx, username=username, display_name=name, role="liaison", phone=phone,
                                        password_hash=hash_password(PASSWORD), now=clock.now())


async def staff_session(app, username: str) -> tuple[aiohttp.ClientSession, dict]:
    http = aiohttp.ClientSession(base_url=app.admin_url)
    async with http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD}) as resp:
        token = (await resp.json())["token"]
    return http, {"Authorization": f"Bearer {token}"}


async def test_a_retiree_asks_with_text_voice_and_photo_and_the_liaisons_answer_arrives(app, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)

    await zhang.tap("🙋 我要求助")
    await zhang.wait_for_bot_message("哪方面")
    assert ["生活照料", "医疗健康"] in await zhang.keyboard_labels()
    await zhang.tap("房屋维修")
    await zhang.wait_for_bot_message("请说说是什么事")
    await zhang.send_text("卫生间的水龙头一直滴水")
    await zhang.wait_for_bot_message("已记下 1 条")
    await zhang.send_voice(duration=5)
    await zhang.wait_for_bot_message("已记下 2 条")
    await zhang.send_photo()
    await zhang.wait_for_bot_message("已记下 3 条")
    await zhang.tap(texts.DONE_BUTTON)
    await zhang.wait_for_bot_message("急不急")
    assert await zhang.keyboard_labels() == [[texts.URGENT_BUTTON, texts.NOT_URGENT_BUTTON],
                                             [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    await zhang.tap(texts.NOT_URGENT_BUTTON)
    summary = await zhang.wait_for_bot_message("请核对")
    assert "卫生间的水龙头一直滴水" in summary["text"]
    assert "语音 1 条" in summary["text"] and "照片 1 条" in summary["text"]
    await zhang.tap(texts.CONFIRM_BUTTON)
    received = await zhang.wait_for_bot_message("已收到")
    [request] = await help_store.for_retiree(db, 1)
    assert received["text"].startswith(f"求助单 #{request.id} 已收到") and "王芳" in received["text"]
    assert await zhang.keyboard_labels() == MENU_ROWS

    http, auth = await staff_session(app, "wangfang")
    async with http:
        detail = await (await http.get(f"/api/v1/help-requests/{request.id}", headers=auth)).json()
        assert [m["kind"] for m in detail["thread"]] == ["text", "voice", "photo"]
        assert all(m["file_id"] for m in detail["thread"][1:])
        resp = await http.post(f"/api/v1/help-requests/{request.id}/replies", headers=auth,
                               json={"text": "下午两点师傅上门修理"})
        assert resp.status == 201
        reply = await zhang.wait_for_bot_message("师傅上门")
        assert reply["text"] == f"关于求助单 #{request.id}，王芳回复您：\n下午两点师傅上门修理"

        await http.post(f"/api/v1/help-requests/{request.id}/status", headers=auth, json={"status": "resolved"})
        resolved = await zhang.wait_for_bot_message("处理完毕")
        assert zhang.inline_labels(resolved) == [[texts.SOLVED_BUTTON, texts.UNSOLVED_BUTTON]]
        await zhang.press(texts.SOLVED_BUTTON)
        rating = await zhang.wait_for_bot_message("打个分")
        assert zhang.inline_labels(rating) == [["满意", "基本满意", "不满意"]]
        await zhang.press("满意")
        await zhang.wait_for_bot_message("还有什么想说的")
        await zhang.tap(texts.NO_COMMENT_BUTTON)
        await zhang.wait_for_bot_message("谢谢您的意见")
    final = await help_store.get(db, request.id)
    assert (final.status, final.satisfaction) == ("closed", "满意")


async def test_an_urgent_word_tells_the_retiree_to_call_120_and_gives_the_liaisons_phone(
        app, sb, db, clock, staff_group):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    answer = await ask(zhang, "医疗健康", "我老伴晕倒了")  # tapped 不急, but the words say otherwise
    assert "120" in answer["text"] and "13900001001" in answer["text"]
    card = [m for m in await sb.chat_messages(zhang.bot_id, staff_group["id"]) if "求助单" in (m.get("text") or "")]
    assert card and "紧急" in card[-1]["text"]


async def test_another_liaison_cannot_read_the_request(app, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_staff(db, clock, "liqiang", "李强", "13900001002")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=wang)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await ask(zhang, "政策咨询", "想问问高龄津贴怎么领")
    request_id = await db.fetch_value("SELECT max(id) FROM help_requests")
    http, auth = await staff_session(app, "liqiang")
    async with http:
        assert (await http.get(f"/api/v1/help-requests/{request_id}", headers=auth)).status == 404
        assert (await (await http.get("/api/v1/help-requests", headers=auth)).json())["total"] == 0


async def ask(person, category: str, *said: str, voice: bytes | None = None) -> dict:
    """我要求助 -> category -> what was said (and a voice note) -> 说完了 -> 不急 -> 确认提交; returns the
    acknowledgement. Each tap waits for the keyboard it needs, as a person would."""
    await person.tap("🙋 我要求助")
    await person.wait_for_bot_message("哪方面")
    await person.tap(category)
    await person.wait_for_bot_message("请说说是什么事")
    for words in said:
        await person.send_text(words)
        await person.wait_for_bot_message("已记下")
    if voice is not None:
        await person.send_voice(duration=3, data=voice)
        await person.wait_for_bot_message("已记下")
    await finish(person)
    return await person.wait_for_bot_message("已收到")


async def finish(person) -> None:
    """说完了 -> 不急 -> 确认提交, each tapped once its keyboard has arrived."""
    await person.tap(texts.DONE_BUTTON)
    await person.wait_for_bot_message("急不急")
    await person.tap(texts.NOT_URGENT_BUTTON)
    await person.wait_for_bot_message("请核对")
    await person.tap(texts.CONFIRM_BUTTON)


async def test_staff_with_access_hear_the_voice_note_others_get_404(app, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_staff(db, clock, "liqiang", "李强", "13900001002")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=wang)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await ask(zhang, "生活照料", voice=b"OggS-voice-of-zhang")
    message_id = await db.fetch_value("SELECT id FROM help_messages WHERE kind = 'voice'")
    http, auth = await staff_session(app, "wangfang")
    async with http:
        resp = await http.get(f"/api/v1/media/{message_id}", headers=auth)
        assert resp.status == 200 and resp.content_type == "audio/ogg"
        assert await resp.read() == b"OggS-voice-of-zhang"
    http, auth = await staff_session(app, "liqiang")
    async with http:
        assert (await http.get(f"/api/v1/media/{message_id}", headers=auth)).status == 404


async def test_in_the_staff_group_a_liaison_claims_the_card_and_replies_to_it(app, sb, db, clock, staff_group,
                                                                              staff_people):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=wang)
    wang_tg, stranger = staff_people
    async with db.transaction() as tx:
        await staff_store.link_telegram(tx, wang, wang_tg.id)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await ask(zhang, "生活照料", "想请人帮忙换灯泡")
    request_id = await db.fetch_value("SELECT max(id) FROM help_requests")
    group = staff_group["id"]

    async def card() -> dict | None:
        cards = [m for m in await sb.chat_messages(zhang.bot_id, group)
                 if f"求助单 #{request_id}" in (m.get("text") or "")]
        return cards[-1] if cards else None

    async def card_arrived() -> bool:
        return await card() is not None

    await eventually(card_arrived, what="the request's card in the staff group")
    posted = await card()
    assert zhang.inline_labels(posted) == [[texts.CLAIM_BUTTON, texts.VIEW_BUTTON]]

    pressed = await sb.request("POST", f"/sandbox/bots/{zhang.bot_id}/press",
                               {"from_id": wang_tg.id, "chat_id": group, "message_id": posted["message_id"],
                                "label": "接单"})
    accepted = await zhang.wait_for_bot_message("已受理")
    assert accepted["text"] == f"您的求助单 #{request_id} 已受理，王芳正在处理。"
    answers = await sb.callback_answers(zhang.bot_id, pressed["callback_query"]["id"])
    assert answers and answers[0]["text"] == texts.STAFF_CLAIMED.format(id=request_id)

    await sb.request("POST", f"/sandbox/bots/{zhang.bot_id}/send",
                     {"from_id": wang_tg.id, "chat_id": group, "text": "张老您好，我下午三点过去换",
                      "reply_to_message_id": posted["message_id"]})
    reply = await zhang.wait_for_bot_message("下午三点")
    assert reply["text"] == f"关于求助单 #{request_id}，王芳回复您：\n张老您好，我下午三点过去换"

    await sb.request("POST", f"/sandbox/bots/{zhang.bot_id}/send",
                     {"from_id": stranger.id, "chat_id": group, "text": "我来回复",
                      "reply_to_message_id": posted["message_id"]})

    async def refused() -> bool:
        return any("还没有绑定" in (m.get("text") or "") for m in await sb.chat_messages(zhang.bot_id, group))

    await eventually(refused, what="the unlinked sender told to link first")
    assert "我来回复" not in [m["text"] for m in await zhang.bot_messages()]



async def test_past_the_hourly_limit_a_request_joins_the_open_one(e2e_settings, sb, db, clock):
    from tests.e2e.conftest import bot_running

    settings = e2e_settings.model_copy(update={"help_requests_per_hour": 2, "private_chat_rate": 50.0,
                                               "private_chat_burst": 50})
    await sb.configure_flood(private_rate=0)  # this test is about our limit, not Telegram's pacing
    await add_retiree(db, clock, phone=ROSTER_PHONE)
    async with bot_running(settings):
        zhang = await bound_user(sb, ROSTER_PHONE)
        first = await ask(zhang, "生活照料", "第一件事")
        second = await ask(zhang, "生活照料", "第二件事")
        assert "求助单 #1" in first["text"] and "求助单 #2" in second["text"]
        await zhang.tap("🙋 我要求助")
        await zhang.wait_for_bot_message("哪方面")
        await zhang.tap("其他")
        await zhang.wait_for_bot_message("请说说是什么事")
        await zhang.send_text("第三件事")
        await zhang.wait_for_bot_message("已记下")
        await finish(zhang)
        joined = await zhang.wait_for_bot_message("补充到求助单")
        assert joined["text"] == texts.HELP_JOINED_OPEN.format(id=2)
    assert await db.fetch_value("SELECT count(*) FROM help_requests") == 2
    assert (await help_store.thread(db, 2))[-1].text == "第三件事"


async def test_a_redelivered_confirm_update_makes_one_request(app, sb, db, clock):
    await add_retiree(db, clock, phone=ROSTER_PHONE)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await zhang.tap("🙋 我要求助")
    await zhang.wait_for_bot_message("哪方面")
    await zhang.tap("其他")
    await zhang.wait_for_bot_message("请说说是什么事")
    await zhang.send_text("想咨询一件事")
    await zhang.wait_for_bot_message("已记下")
    await zhang.tap(texts.DONE_BUTTON)
    await zhang.wait_for_bot_message("急不急")
    await zhang.tap(texts.NOT_URGENT_BUTTON)
    await zhang.wait_for_bot_message("请核对")
    confirm = await sb.request("POST", f"/sandbox/bots/{zhang.bot_id}/tap",
                               {"from_id": zhang.id, "label": texts.CONFIRM_BUTTON})  # the raw answer has update_id
    await zhang.wait_for_bot_message("已收到")
    # Telegram delivers the same update again (a webhook retry, an unconfirmed poll): same update_id.
    update = {"update_id": confirm["update_id"], "message": confirm["message"]}
    await app.bot.feed_update(update)
    await app.bot.feed_update(update)
    # One chat's updates are handled in order: once a later one is answered, the replays were handled.
    marker = {"update_id": confirm["update_id"] + 10_000,
              "message": {**confirm["message"], "message_id": confirm["message"]["message_id"] + 10_000,
                          "text": "/menu", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
    await app.bot.feed_update(marker)
    await zhang.wait_for_bot_message(texts.MENU_PROMPT)
    assert await db.fetch_value("SELECT count(*) FROM help_requests") == 1
    # Nothing else either: without the update-id check the replays would come back as two 留言.
    assert await db.fetch_value("SELECT count(*) FROM inbound_messages") == 0
    said = [m["text"] for m in await zhang.bot_messages()]
    assert said.count(texts.HELP_SUBMITTED_NO_LIAISON.format(id=1)) == 1 and texts.MESSAGE_KEPT not in said
