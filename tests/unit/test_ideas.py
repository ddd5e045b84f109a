"""金点子 in the chat and through the service: what the retiree is told, what is stored, who may see it."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import STAFF_CHAT_ID, TELEGRAM_USER, Events, add_bound_retiree, add_liaison
from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import Actor, Idea, IdeaFilter, Inbound, Staff
from yinling.services.ideas import IdeaService
from yinling.services.ideas.staff import REVIEW_STATUSES, TRANSITIONS
from yinling.store import dialogs as dialog_store
from yinling.store import ideas as idea_store
from yinling.store import inbox as inbox_store
from yinling.store import staff as staff_store

OTHER_USER = 555000333
CITY = "城市建设"


def say(text: str) -> Inbound:
    return Inbound(kind="text", text=text)


VOICE = Inbound(kind="voice", file_id="voice-1")
PHOTO = Inbound(kind="photo", file_id="photo-1", text="路口照片")


class Chat:
    """A bound retiree talking to the conversation service."""

    def __init__(self, services, db, user_id: int) -> None:
        self.services, self.db, self.user_id = services, db, user_id
        self.events = Events(user_id=user_id, start=user_id % 100_000 * 1000)

    async def send(self, *inbounds: Inbound | str) -> None:
        for inbound in inbounds:
            inbound = say(inbound) if isinstance(inbound, str) else inbound
            await self.services.conversation.do_message(self.events.next(), inbound)

    async def press(self, action: str):
        return await self.services.conversation.do_press(self.events.next(), action)

    async def last(self) -> dict:
        row = await self.db.fetch_one("SELECT text, keyboard FROM outbox WHERE chat_id = ? ORDER BY id DESC",
                                      (self.user_id,))
        return dict(zip(row.keys(), row, strict=True))

    async def told(self) -> list[str]:
        rows = await self.db.fetch_all("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id", (self.user_id,))
        return [r["text"] for r in rows]

    async def state(self) -> str:
        return (await dialog_store.get(self.db, self.user_id)).state

    async def propose(self, *parts: Inbound | str, field: str = CITY) -> int:
        await self.send("💡 金点子", field, *parts, texts.DONE_BUTTON, texts.CONFIRM_BUTTON)
        return await self.db.fetch_value("SELECT max(id) FROM ideas")


def keyboard_labels(row: dict) -> list[list[str]]:
    return [[b["label"] for b in r] for r in json.loads(row["keyboard"])["rows"]]


def staff(role: str, staff_id: int) -> Actor:
    return Actor(staff=Staff(id=staff_id, username=f"{role}{staff_id}", display_name=f"{role}{staff_id}", role=role))


@pytest.fixture
async def liaison(db, clock) -> int:
    return await add_liaison(db, clock)


@pytest.fixture
async def zhang(services, db, clock, liaison) -> Chat:
    await add_bound_retiree(db, clock, TELEGRAM_USER, name="张建国", liaison_id=liaison)
    return Chat(services, db, TELEGRAM_USER)


@pytest.fixture
async def zhao(services, db, clock) -> Chat:
    """A retiree of another liaison."""
    other = await add_liaison(db, clock, username="liqiang", name="李强", phone=None)
    await add_bound_retiree(db, clock, OTHER_USER, name="赵淑芬", liaison_id=other)
    return Chat(services, db, OTHER_USER)


@pytest.fixture
async def admin(db, clock) -> Actor:
    async with db.transaction() as tx:
        admin_id = await staff_store.insert(tx, username="admin", display_name="刘主任", role="admin", now=clock.now())
    return staff("admin", admin_id)


# ---- the chat ---------------------------------------------------------------------------------------

async def test_the_menu_button_starts_the_flow_with_the_fields_as_buttons(zhang):
    await zhang.send("💡 金点子")
    asked = await zhang.last()
    assert asked["text"] == texts.IDEA_CHOOSE_FIELD != texts.COMING_SOON.format(feature="金点子")
    assert keyboard_labels(asked) == [["城市建设", "公共服务"], ["乡村振兴", "社会治理"], ["关心下一代", "文明创建"],
                                      ["其他"], [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    assert await zhang.state() == "idea.field"


async def test_text_voice_and_photo_then_confirm_gives_the_number_and_tells_staff(zhang, db):
    await zhang.send("💡 金点子", CITY)
    assert (await zhang.last())["text"] == texts.IDEA_DESCRIBE
    await zhang.send("建议在幸福路口加装红绿灯", VOICE, PHOTO)
    part_received = await zhang.last()
    assert part_received["text"] == texts.IDEA_PART_RECEIVED.format(count=3)
    assert keyboard_labels(part_received) == [[texts.DONE_BUTTON], [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    await zhang.send(texts.DONE_BUTTON)
    summary = await zhang.last()
    assert summary["text"] == texts.IDEA_SUMMARY.format(
        field=CITY, content="建议在幸福路口加装红绿灯；路口照片（另有语音 1 条、照片 1 条）")
    assert keyboard_labels(summary) == [[texts.CONFIRM_BUTTON], [texts.RETELL_BUTTON],
                                        [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    await zhang.send(texts.CONFIRM_BUTTON)
    idea_id = await db.fetch_value("SELECT max(id) FROM ideas")
    done = await zhang.last()
    assert done["text"] == texts.IDEA_SUBMITTED.format(id=idea_id)
    assert done["text"].startswith(f"金点子 #{idea_id} 已收到，感谢您建言献策")
    assert "我要求助" in done["keyboard"] and await zhang.state() == "idle"
    idea = await idea_store.get(db, idea_id)
    assert (idea.field, idea.status, idea.summary, idea.retiree_name) == (
        CITY, "submitted", "建议在幸福路口加装红绿灯", "张建国")
    parts = await idea_store.parts(db, idea_id)
    assert [(p.kind, p.text, p.file_id) for p in parts] == [
        ("text", "建议在幸福路口加装红绿灯", None), ("voice", None, "voice-1"), ("photo", "路口照片", "photo-1")]
    card = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC", (STAFF_CHAT_ID,))
    assert card == texts.STAFF_IDEA_CARD.format(id=idea_id, name="张建国", retiree_id=1, field=CITY,
                                                summary="建议在幸福路口加装红绿灯")


async def test_a_wrong_button_or_a_voice_note_at_the_field_step_is_kept_and_the_field_asked_again(zhang, db):
    await zhang.send("💡 金点子", "生活照料")  # a help category, not a field
    again = await zhang.last()
    assert again["text"] == texts.IDEA_FIELD_FIRST and "文明创建" in again["keyboard"]
    await zhang.send(VOICE)
    assert await zhang.state() == "idea.field"
    await zhang.send("文明创建")
    assert (await zhang.last())["text"] == texts.IDEA_DESCRIBE_MORE.format(count=2)
    await zhang.send(texts.DONE_BUTTON, texts.CONFIRM_BUTTON)
    idea_id = await db.fetch_value("SELECT max(id) FROM ideas")
    assert [p.kind for p in await idea_store.parts(db, idea_id)] == ["text", "voice"]
    assert (await idea_store.get(db, idea_id)).field == "文明创建"


async def test_done_before_saying_anything_asks_kindly(zhang):
    await zhang.send("💡 金点子", "其他", texts.DONE_BUTTON)
    assert (await zhang.last())["text"] == texts.IDEA_NOTHING_YET
    assert await zhang.state() == "idea.describe"


async def test_going_back_midway_keeps_what_was_said_as_a_message_for_staff(zhang, db):
    await zhang.send("💡 金点子", "乡村振兴", "村里可以办个老年食堂", VOICE, texts.BACK_BUTTON)
    assert (await zhang.last())["text"] == texts.MENU_PROMPT and await zhang.state() == "idle"
    assert await db.fetch_value("SELECT count(*) FROM ideas") == 0
    kept = await inbox_store.messages_of(db, 1)
    assert [(m.kind, m.text) for m in kept] == [("text", "村里可以办个老年食堂"), ("voice", None)]


async def test_another_menu_button_midway_also_keeps_the_words(zhang, db):
    await zhang.send("💡 金点子", "社会治理", "小区停车太乱", "🙋 我要求助")
    assert (await zhang.last())["text"] == texts.HELP_CHOOSE_CATEGORY
    assert [m.text for m in await inbox_store.messages_of(db, 1)] == ["小区停车太乱"]


async def test_retell_starts_the_words_again_and_more_words_at_the_summary_are_added(zhang, db):
    await zhang.send("💡 金点子", "公共服务", "第一种说法", texts.DONE_BUTTON, texts.RETELL_BUTTON)
    assert (await zhang.last())["text"] == texts.IDEA_DESCRIBE and await zhang.state() == "idea.describe"
    await zhang.send("公交站加个座椅", texts.DONE_BUTTON, PHOTO)
    summary = (await zhang.last())["text"]
    assert "公交站加个座椅；路口照片" in summary and "第一种说法" not in summary and "照片 1 条" in summary
    await zhang.send(texts.CONFIRM_BUTTON)
    idea_id = await db.fetch_value("SELECT max(id) FROM ideas")
    assert [p.text for p in await idea_store.parts(db, idea_id)] == ["公交站加个座椅", "路口照片"]


async def test_a_replayed_confirm_creates_one_idea(zhang, db, services):
    await zhang.send("💡 金点子", CITY, "多建口袋公园", texts.DONE_BUTTON)
    confirm = zhang.events.next()
    for _ in range(2):  # Telegram re-delivers the same update
        await services.conversation.do_message(confirm, say(texts.CONFIRM_BUTTON))
    assert await db.fetch_value("SELECT count(*) FROM ideas") == 1


async def test_my_ideas_lists_them_and_shows_the_words_and_the_office_replies_not_the_notes(zhang, services, admin):
    first = await zhang.propose("老旧小区加装电梯")
    second = await zhang.propose(VOICE, field="关心下一代")
    await services.ideas.do_review(admin, first, "adopted", "已转交市住建局研究")
    await services.ideas.do_note(admin, first, "内部：与去年第12号建议相似")
    await zhang.send("👤 我的")
    assert texts.MINE_IDEAS_BUTTON in (await zhang.last())["keyboard"]
    await zhang.send(texts.MINE_IDEAS_BUTTON)
    listing = await zhang.last()
    assert listing["text"] == texts.IDEA_MINE_LIST
    assert keyboard_labels(listing) == [[f"#{second} 关心下一代 · 已收到"], [f"#{first} 城市建设 · 已采纳"]]
    await zhang.press(f"idea:view:{first}")
    shown = (await zhang.last())["text"]
    assert shown.startswith(f"金点子 #{first}（城市建设，已采纳）")
    assert "您说的：老旧小区加装电梯" in shown and "11月23日 答复：已转交市住建局研究" in shown and "内部" not in shown


async def test_my_ideas_when_there_are_none(zhang):
    await zhang.send("👤 我的", texts.MINE_IDEAS_BUTTON)
    assert (await zhang.last())["text"] == texts.IDEA_MINE_NONE


async def test_someone_elses_idea_or_a_stale_button_is_not_found(zhang, zhao):
    theirs = await zhao.propose("多组织书画活动", field="文明创建")
    assert await zhang.press(f"idea:view:{theirs}") is None
    assert (await zhang.last())["text"] == texts.IDEA_NOT_FOUND
    for forged in ("idea:view:oops", "idea:view:" + "9" * 30, "idea", f"idea:edit:{theirs}"):
        await zhang.press(forged)
        assert (await zhang.last())["text"] == texts.IDEA_NOT_FOUND, forged


# ---- reviews ----------------------------------------------------------------------------------------

def idea_in(status: str) -> Idea:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    return Idea(id=7, retiree_id=1, field=CITY, status=status, created_at=now, updated_at=now,
                merged_into=3 if status == "merged" else None)


@pytest.mark.parametrize("current", list(TRANSITIONS))
@pytest.mark.parametrize("target", REVIEW_STATUSES)
def test_only_the_allowed_transitions_pass_and_the_refusal_names_status(current, target):
    idea = idea_in(current)
    if target in TRANSITIONS[current]:
        assert IdeaService.check_review(idea, target, "理由") == "理由"
    elif target == current:  # the same status again is a further reply, and needs one
        assert IdeaService.check_review(idea, target, "再说一句") == "再说一句"
        with pytest.raises(Conflict) as refused:
            IdeaService.check_review(idea, target, "   ")
        assert "status" in refused.value.fields
    else:
        with pytest.raises(Conflict) as refused:
            IdeaService.check_review(idea, target, "理由")
        assert "status" in refused.value.fields


def test_the_lifecycle_is_the_one_the_office_follows():
    assert TRANSITIONS["submitted"] == {"reviewing", "adopted", "noted"}
    assert TRANSITIONS["reviewing"] == {"adopted", "noted"}
    assert TRANSITIONS["adopted"] == {"implemented"}
    assert TRANSITIONS["implemented"] == TRANSITIONS["merged"] == frozenset()


def test_noted_needs_a_reason_named_reply():
    with pytest.raises(InvalidInput) as refused:
        IdeaService.check_review(idea_in("reviewing"), "noted", " ")
    assert refused.value.fields == {"reply": "设为「暂未采纳」时必填，写明原因"}


async def test_every_change_reaches_the_submitter_with_its_words_and_is_audited(zhang, services, admin, db):
    idea_id = await zhang.propose("建议社区设立老年助餐点")
    await services.ideas.do_review(admin, idea_id, "reviewing", None)
    assert (await zhang.last())["text"] == f"您的金点子 #{idea_id} 正在研究办理中，有结果会马上告诉您。"
    await services.ideas.do_review(admin, idea_id, "reviewing", "已请民政局一起研究")
    assert (await zhang.last())["text"] == f"关于您的金点子 #{idea_id} 答复如下：\n已请民政局一起研究"
    adopted = await services.ideas.do_review(admin, idea_id, "adopted", "纳入明年民生实事")
    assert (await zhang.last())["text"] == (f"好消息！您的金点子 #{idea_id} 已被采纳。感谢您建言献策！\n"
                                            "答复：纳入明年民生实事")
    assert adopted.status == "adopted" and adopted.reply == "纳入明年民生实事" and adopted.adopted_at is not None
    done = await services.ideas.do_review(admin, idea_id, "implemented", None)
    assert (await zhang.last())["text"] == texts.IDEA_NEWS["implemented"].format(ref=f"#{idea_id} ")
    assert done.implemented_at is not None and done.adopted_at == adopted.adopted_at and done.reply is None
    events = await idea_store.events(db, idea_id)
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("submitted", None, "submitted"), ("review", "submitted", "reviewing"), ("review", "reviewing", "reviewing"),
        ("review", "reviewing", "adopted"), ("review", "adopted", "implemented")]
    audit = await db.fetch_all("SELECT action, actor_id, target_id, detail FROM audit_log WHERE action = 'idea.review'")
    assert len(audit) == 4 and {(a["actor_id"], a["target_id"]) for a in audit} == {(admin.staff.id, idea_id)}
    assert all("民" not in a["detail"] for a in audit)  # which fields, never the words


async def test_noted_tells_the_reason_and_may_be_reconsidered(zhang, services, admin):
    idea_id = await zhang.propose("把公园改成停车场")
    await services.ideas.do_review(admin, idea_id, "noted", "公园绿地按规划不能改作他用")
    assert (await zhang.last())["text"] == (f"您的金点子 #{idea_id} 我们认真研究了，这次暂未采纳。\n"
                                            "原因：公园绿地按规划不能改作他用\n感谢您建言献策，欢迎继续提出好建议。")
    again = await services.ideas.do_review(admin, idea_id, "reviewing", None)
    assert again.noted_at is None and again.status == "reviewing"


async def test_a_refused_review_writes_and_sends_nothing(zhang, services, admin, db):
    idea_id = await zhang.propose("多开设智能手机课")
    await services.ideas.do_review(admin, idea_id, "adopted", None)
    before = await db.fetch_value("SELECT count(*) FROM outbox")
    with pytest.raises(Conflict):
        await services.ideas.do_review(admin, idea_id, "reviewing", "再看看")
    with pytest.raises(InvalidInput):
        await services.ideas.do_review(admin, idea_id, "submitted", "回到开头")
    assert await db.fetch_value("SELECT count(*) FROM outbox") == before
    assert len(await idea_store.events(db, idea_id)) == 2
    assert (await idea_store.get(db, idea_id)).status == "adopted"


async def test_private_notes_stay_with_staff(zhang, services, admin, db):
    idea_id = await zhang.propose("建议增设健身器材")
    await services.ideas.do_note(admin, idea_id, "  已电话核实地点  ")
    [note] = await idea_store.notes(db, idea_id)
    assert (note.text, note.staff_name) == ("已电话核实地点", "刘主任")
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE text LIKE '%核实%'") == 0
    with pytest.raises(InvalidInput) as refused:
        await services.ideas.do_note(admin, idea_id, "   ")
    assert "text" in refused.value.fields


# ---- merging duplicates --------------------------------------------------------------------------------

async def test_a_duplicate_is_merged_and_its_submitter_hears_the_other_ideas_news(zhang, zhao, services, admin, db):
    original = await zhang.propose("幸福路口加装红绿灯")
    duplicate = await zhao.propose("幸福路口太危险，要装信号灯")
    merged = await services.ideas.do_merge(admin, duplicate, original)
    assert (merged.status, merged.merged_into) == ("merged", original)
    assert (await zhao.last())["text"] == texts.IDEA_MERGED.format(id=duplicate, into=original)
    assert f"#{duplicate}" in (await zhao.last())["text"] and f"#{original}" in (await zhao.last())["text"]
    idea, _, events, _, duplicates = await services.ideas.detail(admin, original)
    assert idea.duplicates == 1 and [d.id for d in duplicates] == [duplicate]
    assert [(e.kind, e.other_id) for e in events][-1] == ("merged_in", duplicate)

    await services.ideas.do_review(admin, original, "adopted", "列入明年道路改造计划")
    assert (await zhang.last())["text"].startswith(f"好消息！您的金点子 #{original} 已被采纳")
    told = (await zhao.last())["text"]
    assert told.startswith(f"好消息！您的金点子 #{duplicate}（与 #{original} 一并办理）已被采纳")
    assert "列入明年道路改造计划" in told
    await zhao.send("👤 我的", texts.MINE_IDEAS_BUTTON)
    assert f"#{duplicate} 城市建设 · 一并办理" in (await zhao.last())["keyboard"]
    await zhao.press(f"idea:view:{duplicate}")
    shown = (await zhao.last())["text"]
    assert f"与 #{original} 一并办理，现在：已采纳" in shown and "列入明年道路改造计划" in shown


async def test_one_person_with_two_merged_ideas_hears_the_news_once(zhang, services, admin):
    first = await zhang.propose("多办书法班")
    second = await zhang.propose("书法班再多一些")
    await services.ideas.do_merge(admin, second, first)
    before = len(await zhang.told())
    await services.ideas.do_review(admin, first, "reviewing", None)
    told = await zhang.told()
    assert len(told) == before + 1 and told[-1] == texts.IDEA_NEWS["reviewing"].format(ref=f"#{first} ")


async def test_merges_that_cannot_be_are_refused_naming_the_field(zhang, services, admin):
    a = await zhang.propose("甲")
    b = await zhang.propose("乙")
    c = await zhang.propose("丙")
    with pytest.raises(Conflict) as itself:
        await services.ideas.do_merge(admin, a, a)
    assert "into" in itself.value.fields
    with pytest.raises(InvalidInput) as missing:
        await services.ideas.do_merge(admin, a, 999)
    assert "into" in missing.value.fields
    await services.ideas.do_merge(admin, b, a)
    with pytest.raises(Conflict) as into_merged:
        await services.ideas.do_merge(admin, c, b)
    assert into_merged.value.fields["into"] == f"它已合并到 #{a}，请合并到那一条"
    with pytest.raises(Conflict) as twice:
        await services.ideas.do_merge(admin, b, c)
    assert "id" in twice.value.fields
    with pytest.raises(Conflict) as review_merged:
        await services.ideas.do_review(admin, b, "adopted", None)
    assert "status" in review_merged.value.fields


async def test_merging_an_idea_that_has_duplicates_moves_them_along(zhang, services, admin, db):
    a, b, c = [await zhang.propose(words) for words in ("一", "二", "三")]
    await services.ideas.do_merge(admin, c, b)
    await services.ideas.do_merge(admin, b, a)
    assert (await idea_store.get(db, c)).merged_into == a
    assert [d.id for d in await idea_store.duplicates(db, a)] == [b, c]


# ---- scope --------------------------------------------------------------------------------------------

async def test_a_liaison_sees_and_reviews_only_their_retirees_ideas(zhang, zhao, services, liaison, admin):
    mine = await zhang.propose("我的建议")
    theirs = await zhao.propose("别人的建议")
    wang = staff("liaison", liaison)
    items, total = await services.ideas.page(wang, IdeaFilter(), page=1, per_page=20)
    assert [i.id for i in items] == [mine] and total == 1
    with pytest.raises(NotFound):
        await services.ideas.detail(wang, theirs)
    with pytest.raises(NotFound):
        await services.ideas.do_review(wang, theirs, "reviewing", None)
    with pytest.raises(InvalidInput) as outside:  # into someone else's is as if it did not exist
        await services.ideas.do_merge(wang, mine, theirs)
    assert "into" in outside.value.fields
    viewer = staff("viewer", 98)
    assert (await services.ideas.page(viewer, IdeaFilter(), page=1, per_page=20))[1] == 2
    assert (await services.ideas.page(admin, IdeaFilter(q="别人"), page=1, per_page=20))[1] == 1


# ---- statistics -----------------------------------------------------------------------------------------

async def test_the_figures_an_office_reports(zhang, zhao, services, admin, clock, liaison):
    clock.set(datetime(2026, 10, 10, 2, tzinfo=UTC))
    october = [await zhang.propose(f"十月{i}") for i in range(3)]
    clock.set(datetime(2026, 10, 31, 16, 30, tzinfo=UTC))  # 1 November 00:30 in Shanghai
    november = [await zhao.propose("十一月", field="乡村振兴"), await zhang.propose("十一月二", field="乡村振兴")]
    await services.ideas.do_review(admin, october[0], "adopted", None)
    await services.ideas.do_review(admin, october[1], "adopted", None)
    await services.ideas.do_review(admin, october[1], "implemented", None)
    await services.ideas.do_review(admin, november[0], "noted", "已有类似政策")
    await services.ideas.do_merge(admin, november[1], october[2])
    tz = clock.tz
    figures = await services.ideas.stats(admin, datetime(2026, 10, 1, tzinfo=tz), datetime(2026, 12, 1, tzinfo=tz))
    assert figures["overall"] == {"received": 5, "submitted": 1, "reviewing": 0, "adopted": 2, "noted": 1,
                                  "implemented": 1, "merged": 1, "adoption_rate": 0.5}
    by_field = {f["field"]: f for f in figures["by_field"]}
    assert list(by_field) == ["城市建设", "公共服务", "乡村振兴", "社会治理", "关心下一代", "文明创建", "其他"]
    assert (by_field[CITY]["received"], by_field[CITY]["adopted"]) == (3, 2)
    assert (by_field["乡村振兴"]["received"], by_field["乡村振兴"]["noted"]) == (2, 1)
    assert by_field["其他"]["received"] == 0 and by_field["其他"]["adoption_rate"] is None
    assert [(m["month"], m["received"], m["implemented"]) for m in figures["by_month"]] == [
        ("2026-10", 3, 1), ("2026-11", 2, 0)]
    scoped = await services.ideas.stats(staff("liaison", liaison), datetime(2026, 10, 1, tzinfo=tz),
                                        datetime(2026, 12, 1, tzinfo=tz))
    assert scoped["overall"]["received"] == 4  # not 赵淑芬's
    later = await services.ideas.stats(admin, datetime(2026, 11, 1, tzinfo=tz), datetime(2026, 11, 2, tzinfo=tz))
    assert later["overall"]["received"] == 2 and [m["month"] for m in later["by_month"]] == ["2026-11"]
    assert (await services.ideas.stats(admin, datetime(2027, 1, 1, tzinfo=tz),
                                       datetime(2027, 1, 1, tzinfo=tz) + timedelta(days=1)))["overall"]["received"] == 0
