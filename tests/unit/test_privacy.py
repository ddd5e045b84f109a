"""PIPL in the chat and the roster rules: what a retiree is told at verification, 我的 → 我的信息,
asking to have it deleted, and sensitive tags (an office may mark more)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.factories import ChatPerson, Events, add_bound_retiree, add_liaison, make_settings
from yinling import texts
from yinling.errors import InvalidInput
from yinling.models import Actor, Contact, Staff
from yinling.services import build_services
from yinling.services.turn import nav_row

USER = 7401
VIEWER = Actor(staff=Staff(id=9, username="leader", display_name="李局长", role="viewer"))


@pytest.fixture
async def zhang(services, db, clock) -> ChatPerson:
    """张建国: two phones, 王芳 his liaison, 空巢 and (agreed to) 独居, health notes kept; a help request,
    an idea and a message already."""
    liaison = await add_liaison(db, clock)
    retiree_id = await add_bound_retiree(db, clock, USER, name="张建国", liaison_id=liaison,
                                         phones=("13800000001", "13912345678"), tags=("独居", "空巢"),
                                         health_notes="高血压，每天吃药", sensitive_consent=True)
    person = ChatPerson(services, db, USER, retiree_id)
    for word in ("🙋 我要求助", "生活照料", "灯坏了", "✅ 说完了", "不急", "✅ 确认提交",
                 "💡 金点子", "城市建设", "多建公园", "✅ 说完了", "✅ 确认提交", "谢谢你们"):
        await person.say(word)
    return person


async def labels(person: ChatPerson) -> list[list[str]]:
    keyboard = (await person.last())["keyboard"]
    return [[b["label"] for b in row] for row in keyboard["rows"]]


async def test_my_information_shows_what_is_kept_with_the_phone_masked_and_no_health_words(zhang):
    await zhang.say("👤 我的")
    assert await labels(zhang) == [[texts.MINE_HELP_BUTTON, texts.MINE_ACTIVITIES_BUTTON],
                                   [texts.MINE_IDEAS_BUTTON, texts.MINE_PRIVACY_BUTTON], nav_row()]
    await zhang.say(texts.MINE_PRIVACY_BUTTON)
    shown = (await zhang.last())["text"]
    assert shown.startswith("🔒 我的信息\n姓名：张建国\n手机：138****0001、139****5678\n"
                            "联系干部：王芳\n标签：独居、空巢")
    assert "健康情况：已记下" in shown and "高血压" not in shown  # that they are kept, not the notes
    assert "求助单 1 张，金点子 1 条，留言 1 条" in shown and "13800000001" not in shown
    assert await labels(zhang) == [[texts.PRIVACY_DELETE_BUTTON], nav_row()]


async def test_a_sensitive_tag_stored_without_consent_is_not_shown_as_agreed(services, db, clock):
    retiree_id = await add_bound_retiree(db, clock, USER, name="赵淑芬", tags=("丧偶", "空巢"))  # an old file
    person = ChatPerson(services, db, USER, retiree_id)
    await person.say(texts.MINE_PRIVACY_BUTTON)
    shown = (await person.last())["text"]
    assert "标签：空巢\n" in shown + "\n" and "丧偶" not in shown
    assert "手机：没有" in shown and "联系干部：没有" in shown and texts.PRIVACY_MINE_NO_RECORDS in shown


async def test_asking_to_delete_is_confirmed_first_and_becomes_a_request_in_the_staff_inbox(zhang, db):
    await zhang.say(texts.MINE_PRIVACY_BUTTON)
    await zhang.say(texts.PRIVACY_DELETE_BUTTON)
    assert (await zhang.last())["text"] == texts.PRIVACY_CONFIRM
    assert await labels(zhang) == [[texts.PRIVACY_CONFIRM_BUTTON, texts.PRIVACY_KEEP_BUTTON], nav_row()]
    await zhang.say("好的")  # a deletion is never a plain yes: kept for staff, asked again
    assert (await zhang.last())["text"] == texts.PRIVACY_TAP.format(thing="您说的话")
    await zhang.say(texts.PRIVACY_KEEP_BUTTON)
    assert (await zhang.last())["text"] == texts.PRIVACY_NOT_DELETED
    assert await db.fetch_value("SELECT count(*) FROM privacy_requests") == 0

    await zhang.say(texts.MINE_PRIVACY_BUTTON)
    await zhang.say("申请删除")
    await zhang.say(texts.PRIVACY_CONFIRM_BUTTON)
    request = await db.fetch_one("SELECT id, retiree_id, status, message_id FROM privacy_requests")
    assert (request["retiree_id"], request["status"]) == (zhang.retiree_id, "pending")
    assert (await zhang.last())["text"] == texts.PRIVACY_REQUESTED.format(id=request["id"])
    kept = await db.fetch_one("SELECT origin, urgent, text FROM inbound_messages WHERE id = ?",
                              (request["message_id"],))
    assert (kept["origin"], kept["urgent"]) == ("privacy", 0)
    assert kept["text"] == texts.STAFF_PRIVACY_REQUEST.format(id=request["id"])

    await zhang.say(texts.MINE_PRIVACY_BUTTON)  # asked already: no button to ask again
    assert texts.PRIVACY_MINE_PENDING in (await zhang.last())["text"]
    assert await labels(zhang) == [nav_row()]
    await zhang.say(texts.PRIVACY_DELETE_BUTTON)
    assert (await zhang.last())["text"] == texts.PRIVACY_ALREADY
    assert await db.fetch_value("SELECT count(*) FROM privacy_requests") == 1


async def test_back_and_a_person_work_from_the_privacy_steps(zhang):
    await zhang.say(texts.MINE_PRIVACY_BUTTON)
    await zhang.say(texts.PRIVACY_DELETE_BUTTON)
    await zhang.say(texts.BACK_BUTTON)
    assert (await zhang.last())["text"] == texts.MENU_PROMPT
    await zhang.say(texts.MINE_PRIVACY_BUTTON)
    await zhang.say(texts.HUMAN_BUTTON)
    assert "王芳" in (await zhang.last())["text"]


async def test_staff_approving_a_registration_tells_what_is_kept_too(services, db, clock, office_admin):
    from tests.factories import add_retiree

    retiree_id = await add_retiree(db, clock, phone="13800000009")
    await services.conversation.do_contact(Events(user_id=USER).next(), Contact(phone="13700000001", user_id=USER))
    registration_id = await db.fetch_value("SELECT id FROM pending_registrations")
    await services.registrations.do_approve(office_admin, registration_id, retiree_id=retiree_id, new_retiree=None)
    told = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (USER,))
    assert told.endswith(texts.PRIVACY_AT_BINDING)


# ---- sensitive tags: the office's own ----

async def test_an_office_marks_more_tags_sensitive(db, clock, db_path, office_admin):
    services = build_services(make_settings(db_path, sensitive_tags="空巢，异地居住"), db, clock)
    with pytest.raises(InvalidInput) as refused:
        await services.roster.do_create(office_admin, {"name": "钱老", "tags": ["空巢"]})
    assert "空巢" in refused.value.fields["tags"]
    created = await services.roster.do_create(office_admin, {"name": "钱老", "tags": ["空巢", "独居"],
                                                              "sensitive_consent": True})
    assert (await services.roster.get_retiree(VIEWER, created.id)).tags == ()
    assert (await services.roster.get_retiree(office_admin, created.id)).tags == ("独居", "空巢")


def test_an_unknown_sensitive_tag_is_refused_at_start(db_path):
    with pytest.raises(ValidationError, match="sensitive_tags"):
        make_settings(db_path, sensitive_tags="富翁")
    with pytest.raises(ValidationError, match="高龄"):  # computed from the birth date, which viewers see
        make_settings(db_path, sensitive_tags="高龄")
