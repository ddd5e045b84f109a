"""我要求助 in the chat, through the conversation service: what the retiree is told, what is stored."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import ROSTER_PHONE, STAFF_CHAT_ID, TELEGRAM_USER, Events, add_liaison, add_retiree
from yinling import texts
from yinling.models import Contact, Inbound
from yinling.store import dialogs as dialog_store
from yinling.store import help as help_store
from yinling.store import inbox as inbox_store
from yinling.store import staff as staff_store


def say(text: str) -> Inbound:
    return Inbound(kind="text", text=text)


class Chat:
    """A bound retiree talking to the conversation service."""

    def __init__(self, services, db, events: Events) -> None:
        self.services, self.db, self.events = services, db, events

    async def send(self, *inbounds: Inbound | str) -> None:
        for inbound in inbounds:
            inbound = say(inbound) if isinstance(inbound, str) else inbound
            await self.services.conversation.do_message(self.events.next(), inbound)

    async def press(self, action: str):
        return await self.services.conversation.do_press(self.events.next(), action)

    async def last(self) -> dict:
        row = await self.db.fetch_one("SELECT text, keyboard FROM outbox WHERE chat_id = ? ORDER BY id DESC",
                                      (TELEGRAM_USER,))
        return dict(zip(row.keys(), row, strict=True))

    async def state(self) -> str:
        return (await dialog_store.get(self.db, TELEGRAM_USER)).state


@pytest.fixture
async def chat(services, db, clock):
    liaison = await add_liaison(db, clock)
    await add_retiree(db, clock, liaison_id=liaison)
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    return Chat(services, db, events)


async def ask_for_help(chat: Chat, *parts, urgent: bool = False) -> None:
    await chat.send("🙋 我要求助", "医疗健康", *parts, texts.DONE_BUTTON,
                    texts.URGENT_BUTTON if urgent else texts.NOT_URGENT_BUTTON, texts.CONFIRM_BUTTON)


async def test_the_whole_flow_names_the_request_number_and_the_liaison(chat, db):
    await chat.send("🙋 我要求助")
    assert (await chat.last())["text"] == texts.HELP_CHOOSE_CATEGORY and "住院看病" in (await chat.last())["keyboard"]
    await chat.send("医疗健康")
    assert (await chat.last())["text"] == texts.HELP_DESCRIBE
    await chat.send("最近血压有点高", Inbound(kind="voice", file_id="v1"),
                    Inbound(kind="photo", file_id="p1", text="药盒"))
    assert (await chat.last())["text"] == texts.HELP_PART_RECEIVED.format(count=3)
    await chat.send(texts.DONE_BUTTON)
    assert (await chat.last())["text"] == texts.HELP_ASK_URGENCY
    await chat.send(texts.NOT_URGENT_BUTTON)
    summary = (await chat.last())["text"]
    assert "医疗健康" in summary and "最近血压有点高" in summary and "语音 1 条" in summary and "不急" in summary
    await chat.send(texts.CONFIRM_BUTTON)
    [request] = await help_store.for_retiree(db, 1)
    assert (await chat.last())["text"] == texts.HELP_SUBMITTED.format(id=request.id, liaison="王芳")
    assert request.priority == "normal" and request.status == "new" and request.assignee_id == 1
    thread = await help_store.thread(db, request.id)
    assert [(m.kind, m.text, m.file_id) for m in thread] == [
        ("text", "最近血压有点高", None), ("voice", None, "v1"), ("photo", "药盒", "p1")]
    assert await chat.state() == "idle"
    visit = await db.fetch_one("SELECT reason, liaison_id FROM visit_tasks WHERE request_id = ?", (request.id,))
    assert visit["liaison_id"] == 1 and "医疗健康" in visit["reason"]  # 五必访: 患病必访


async def test_words_such_as_fall_make_it_urgent_and_staff_are_told_first(chat, db):
    await ask_for_help(chat, "我在家摔倒了，起不来")
    [request] = await help_store.for_retiree(db, 1)
    assert request.priority == "urgent"
    answer = (await chat.last())["text"]
    assert texts.HELP_URGENT_ADVICE in answer and "13900001001" in answer
    card = await db.fetch_one("SELECT text, priority FROM outbox WHERE chat_id = ? ORDER BY id DESC", (STAFF_CHAT_ID,))
    assert "紧急" in card["text"] and f"#{request.id}" in card["text"] and card["priority"] == 0


async def test_done_before_saying_anything_asks_kindly(chat):
    await chat.send("🙋 我要求助", "其他", texts.DONE_BUTTON)
    assert (await chat.last())["text"] == texts.HELP_NOTHING_YET
    assert await chat.state() == "help.describe"


async def test_leaving_midway_keeps_what_was_said_for_staff(chat, db):
    await chat.send("🙋 我要求助", "房屋维修", "厨房水管漏水了", "↩️ 返回主菜单")
    assert await help_store.for_retiree(db, 1) == []
    assert [m.text for m in await inbox_store.messages_of(db, 1)] == ["厨房水管漏水了"]


async def test_the_eleventh_request_in_an_hour_joins_the_open_one(chat, db, services):
    for i in range(services.core.settings.help_requests_per_hour):
        await ask_for_help(chat, f"第{i}件事")
    await ask_for_help(chat, "还有一件事")
    requests = await help_store.for_retiree(db, 1, limit=50)
    assert len(requests) == services.core.settings.help_requests_per_hour
    assert (await chat.last())["text"] == texts.HELP_JOINED_OPEN.format(id=requests[0].id)
    assert (await help_store.thread(db, requests[0].id))[-1].text == "还有一件事"


async def test_resolved_then_solved_then_rated_once_with_a_comment(chat, db, services, office_admin):
    await ask_for_help(chat, "帮我问问医保报销")
    [request] = await help_store.for_retiree(db, 1)
    await services.help.do_set_status(office_admin, request.id, "resolved", reason=None, remind_at=None)
    told = await chat.last()
    assert told["text"] == texts.HELP_RESOLVED.format(id=request.id) and "问题解决了" in told["keyboard"]
    await chat.press(f"help:solved:{request.id}")
    assert (await chat.last())["text"] == texts.HELP_CLOSED_THANKS
    assert await chat.press(f"help:rate:{request.id}:满意") == "满意"
    await chat.send("王芳很耐心")
    assert (await chat.last())["text"] == texts.HELP_COMMENT_KEPT.format(id=request.id)
    assert await chat.press(f"help:rate:{request.id}:不满意") == texts.HELP_ALREADY_RATED
    request = await help_store.get(db, request.id)
    assert (request.status, request.satisfaction, request.satisfaction_comment) == ("closed", "满意", "王芳很耐心")


async def test_not_solved_reopens_and_so_does_a_new_message_within_seven_days(chat, db, services, office_admin, clock):
    await ask_for_help(chat, "门锁坏了")
    [request] = await help_store.for_retiree(db, 1)
    await services.help.do_set_status(office_admin, request.id, "resolved", reason=None, remind_at=None)
    await chat.press(f"help:unsolved:{request.id}")
    assert (await help_store.get(db, request.id)).status == "open"
    await services.help.do_set_status(office_admin, request.id, "resolved", reason=None, remind_at=None)
    clock.advance(timedelta(days=3))
    await chat.send("锁还是打不开")
    assert (await help_store.get(db, request.id)).status == "open"
    assert (await chat.last())["text"] == texts.HELP_REOPENED.format(id=request.id)
    assert (await help_store.thread(db, request.id))[-1].text == "锁还是打不开"


async def test_my_requests_list_thread_and_add_more(chat, db, services, office_admin):
    await ask_for_help(chat, "想申请助餐")
    [request] = await help_store.for_retiree(db, 1)
    await services.help.do_reply(office_admin, request.id, "已经帮您登记，下周一开始送餐")
    await services.help.do_note(office_admin, request.id, "内部：联系社区食堂")
    await chat.send("👤 我的", texts.MINE_HELP_BUTTON)
    listing = await chat.last()
    assert listing["text"] == texts.HELP_MINE_LIST and f"#{request.id} 医疗健康 · 处理中" in listing["keyboard"]
    await chat.press(f"help:view:{request.id}")
    thread = (await chat.last())["text"]
    assert "想申请助餐" in thread and "下周一开始送餐" in thread and "内部" not in thread
    await chat.press(f"help:add:{request.id}")
    await chat.send("我不吃辣")
    assert (await chat.last())["text"] == texts.HELP_ADDED.format(id=request.id)
    assert (await help_store.thread(db, request.id))[-1].text == "我不吃辣"


async def test_someone_elses_request_number_is_not_found(chat, db):
    assert await chat.press("help:view:999") is None
    assert (await chat.last())["text"] == texts.HELP_NOT_FOUND


async def test_a_replayed_confirm_creates_one_request(chat, db, services):
    await chat.send("🙋 我要求助", "其他", "想咨询一下", texts.DONE_BUTTON, texts.NOT_URGENT_BUTTON)
    confirm = chat.events.next()
    for _ in range(2):  # Telegram re-delivers the same update
        await services.conversation.do_message(confirm, say(texts.CONFIRM_BUTTON))
    assert len(await help_store.for_retiree(db, 1)) == 1


async def test_an_urgent_request_is_sent_to_a_linked_liaison_directly(chat, db):
    async with db.transaction() as tx:
        await staff_store.link_telegram(tx, 1, 777_555)
    await ask_for_help(chat, "胸口痛得厉害")
    direct = await db.fetch_one("SELECT text, priority FROM outbox WHERE chat_id = 777555")
    assert direct is not None and "紧急" in direct["text"] and direct["priority"] == 0
