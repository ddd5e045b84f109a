"""Nothing a retiree says is missed, end to end: emergency words from the main menu are answered at
once and reach the linked liaison and the staff group; staff find the words in the inbox, write to
the retiree over HTTP, and the retiree answers by simply typing."""
from __future__ import annotations

from tests.e2e.conftest import BOT_ID
from tests.e2e.helpers import eventually, group_texts
from tests.e2e.test_help import add_staff, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.store import staff as staff_store

LIAISON_PHONE = "13900001001"


async def test_a_fall_typed_at_the_menu_is_answered_at_once_and_staff_can_answer_back(
    app, sb, db, clock, staff_group, staff_people
):
    wang_tg, _ = staff_people
    liaison = await add_staff(db, clock, "wangfang", "王芳", LIAISON_PHONE)
    async with db.transaction() as tx:
        await staff_store.link_telegram(tx, liaison, wang_tg.id)
    await wang_tg.send_text("/start")  # a bot can write only to people who started a chat with it
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)

    await zhang.send_text("我摔倒了，起不来")
    advice = await zhang.wait_for_bot_message(texts.EMERGENCY_ADVICE)
    assert "120" in advice["text"] and LIAISON_PHONE in advice["text"]
    assert not any(m.get("text") == texts.MESSAGE_KEPT for m in await zhang.bot_messages()
                   if m["message_id"] < advice["message_id"])

    async def group_told() -> bool:
        return any("紧急" in t and "我摔倒了" in t for t in await group_texts(sb, BOT_ID, staff_group["id"]))

    await eventually(group_told, what="the staff group told of the fall")

    async def liaison_told() -> bool:
        return any("紧急" in m.get("text", "") and ROSTER_PHONE in m.get("text", "")
                   for m in await wang_tg.bot_messages())

    await eventually(liaison_told, what="the liaison told directly, with the phone to call")

    http, auth = await staff_session(app, "wangfang")
    async with http:
        inbox = await (await http.get("/api/v1/inbox", headers=auth)).json()
        assert inbox["items"][0]["urgent"] is True and inbox["items"][0]["preview"] == "我摔倒了，起不来"
        sent = await http.post(f"/api/v1/retirees/{retiree_id}/messages", headers=auth,
                               json={"text": "张老，我马上到，先别动"})
        assert sent.status == 201
        await zhang.wait_for_bot_message("张老，我马上到，先别动")
        await zhang.send_text("好，我等你")
        await zhang.wait_for_bot_message(texts.REPLY_FORWARDED.format(staff="王芳"))
        mine = await (await http.get("/api/v1/inbox", headers=auth, params={"filter": "mine"})).json()
        assert [(i["preview"], i["origin"]) for i in mine["items"]] == [("好，我等你", "reply")]

        async def conversation_complete() -> bool:
            conversation = await (await http.get(f"/api/v1/retirees/{retiree_id}/conversation", headers=auth)).json()
            said = [i["text"] for i in conversation["items"] if i["direction"] == "in"]
            sent_texts = [i["text"] for i in conversation["items"] if i["direction"] == "out"]
            return ("我摔倒了，起不来" in said and "好，我等你" in said
                    and any("张老，我马上到" in t for t in sent_texts)
                    and said.index("我摔倒了，起不来") < said.index("好，我等你"))

        await eventually(conversation_complete, what="the whole conversation in order")
