"""Nothing a retiree says is dropped (issue 12). At every step of every flow a typed sentence and a voice
note are kept where staff find them (the request or its draft, the idea, or the retiree's messages),
and the reply says in one sentence what became of them (never the generic MESSAGE_KEPT). Where the
words are the step's answer (选A, 不带, 说完了 ...), the step moves on as if the button was tapped.
Every reply keyboard with 返回 carries 找人工 beside it, and 找人工 works from every step."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.factories import ChatPerson, add_bound_retiree, add_liaison
from tests.unit.test_activities import party_day
from tests.unit.test_study import piece
from yinling import texts
from yinling.models import Inbound
from yinling.store import activities as activity_store
from yinling.store import dialogs as dialog_store
from yinling.store import help as help_store
from yinling.store import ideas as idea_store
from yinling.store import inbox as inbox_store
from yinling.store import study as study_store

WORDS = "楼道的灯坏了好几天了"
TOLD = ("记下", "转给工作人员", "加到", "补充到", "记在")  # a reply that says what became of the words


def said(text: str) -> Inbound:
    return Inbound(kind="text", text=text)


def voice(caption: str | None = None) -> Inbound:
    return Inbound(kind="voice", file_id="voice-kept", text=caption)


def same(a, b) -> bool:
    return (a.kind, a.text, a.file_id) == (b.kind, b.text, b.file_id)


class Person(ChatPerson):
    ctx: dict

    async def send(self, *inbounds: Inbound | str) -> None:
        for inbound in inbounds:
            inbound = said(inbound) if isinstance(inbound, str) else inbound
            await self.services.conversation.do_message(self.events.next(), inbound)

    async def state(self) -> str:
        return (await dialog_store.get(self.db, self.user_id)).state

    async def draft(self) -> list[Inbound]:
        return [Inbound(**p) for p in (await dialog_store.get(self.db, self.user_id)).data.get("parts", [])]

    async def kept(self) -> list[Inbound]:
        return await inbox_store.messages_of(self.db, self.retiree_id)

    async def request_parts(self) -> list:
        return [m for r in await help_store.for_retiree(self.db, self.retiree_id)
                for m in await help_store.thread(self.db, r.id) if m.author == "retiree"]

    async def idea_parts(self) -> list:
        ideas = await idea_store.for_retiree(self.db, self.retiree_id)
        return [p for i in ideas for p in await idea_store.parts(self.db, i.id)]

    async def found(self, inbound: Inbound) -> str | None:
        """Where staff can find these words (None: nowhere)."""
        for where, items in (("draft", await self.draft()), ("messages", await self.kept()),
                             ("request", await self.request_parts()), ("idea", await self.idea_parts())):
            if any(same(inbound, item) for item in items):
                return where
        for request in await help_store.for_retiree(self.db, self.retiree_id):
            if inbound.text and request.satisfaction_comment == inbound.text:
                return "comment"
        return None


@pytest.fixture
async def person(services, db, clock, office_admin):
    liaison = await add_liaison(db, clock)  # staff #1, office_admin's id
    retiree_id = await add_bound_retiree(db, clock, 9100, liaison_id=liaison)
    made = Person(services, db, 9100, retiree_id)
    made.ctx = {"admin": office_admin}
    return made


# ---- getting to each step ----------------------------------------------------------------------------


async def submitted_request(p: Person) -> int:
    await p.send("🙋 我要求助", "房屋维修", "水龙头漏水", texts.DONE_BUTTON, texts.NOT_URGENT_BUTTON,
                 texts.CONFIRM_BUTTON)
    return (await help_store.for_retiree(p.db, p.retiree_id))[0].id


async def at_help_add(p: Person) -> None:
    await p.press(f"help:add:{await submitted_request(p)}")


async def at_help_comment(p: Person) -> None:
    request_id = await submitted_request(p)
    await p.services.help.do_set_status(p.ctx["admin"], request_id, "resolved", reason=None, remind_at=None)
    await p.press(f"help:solved:{request_id}")
    await p.press(f"help:rate:{request_id}:满意")


async def at_companion(p: Person) -> None:
    activity, _ = await p.services.activities.do_create(
        p.ctx["admin"], party_day(companion_allowed=True, ask_transport=True), notify=False)
    p.ctx["activity"] = activity.id
    await p.press(f"act:join:{activity.id}")


async def at_transport(p: Person) -> None:
    await at_companion(p)
    await p.press(f"act:join:{p.ctx['activity']}:1")


async def at_leave(p: Person) -> None:
    await at_transport(p)
    await p.press(f"act:join:{p.ctx['activity']}:0:0")
    await p.press(f"act:leave:{p.ctx['activity']}")


async def at_quiz(p: Person) -> None:
    study_piece = await p.services.study.do_create(p.ctx["admin"], piece())
    p.ctx["piece"] = study_piece.id
    await p.press("study:today")
    await p.press(f"study:done:{study_piece.id}")


def saying(*words: str) -> Callable[[Person], Awaitable[None]]:
    async def go(p: Person) -> None:
        await p.send(*words)

    return go


STEPS: dict[str, Callable[[Person], Awaitable[None]]] = {
    "help.category": saying("🙋 我要求助"),
    "help.describe": saying("🙋 我要求助", "医疗健康"),
    "help.urgency": saying("🙋 我要求助", "医疗健康", "血压有点高", texts.DONE_BUTTON),
    "help.confirm": saying("🙋 我要求助", "医疗健康", "血压有点高", texts.DONE_BUTTON, texts.NOT_URGENT_BUTTON),
    "help.add": at_help_add,
    "help.comment": at_help_comment,
    "act.companion": at_companion,
    "act.transport": at_transport,
    "act.leave": at_leave,
    "study": saying("📖 每日学习"),
    "study.quiz": at_quiz,
    "idea.field": saying("💡 金点子"),
    "idea.describe": saying("💡 金点子", "城市建设"),
    "idea.confirm": saying("💡 金点子", "城市建设", "多建几个公园", texts.DONE_BUTTON),
    "mine": saying("👤 我的"),
    "human": saying("☎️ 找人工"),
}
# Where the words go at each step: the draft (then its request or idea), the request, or staff's messages.
HOME = {"help.category": "draft", "help.describe": "draft", "help.urgency": "draft", "help.confirm": "draft",
        "help.add": "request", "help.comment": "comment", "idea.field": "draft", "idea.describe": "draft",
        "idea.confirm": "draft"}
FINISH = {texts.DONE_BUTTON: ("help.describe", "idea.describe"), texts.NOT_URGENT_BUTTON: ("help.urgency",),
          texts.CONFIRM_BUTTON: ("help.confirm", "idea.confirm"), "社会治理": ("idea.field",)}


async def finish_draft(p: Person) -> None:
    """Tap on to submission, as the retiree would."""
    for _ in range(5):
        state = await p.state()
        tap = next((label for label, states in FINISH.items() if state in states), None)
        if tap is None:
            return
        await p.send(tap)


@pytest.mark.parametrize("kind", ["text", "voice"])
@pytest.mark.parametrize("step", list(STEPS))
async def test_words_at_every_step_are_kept_where_staff_find_them_and_the_retiree_is_told(person, step, kind):
    await STEPS[step](person)
    assert await person.state() == step
    inbound = said(WORDS) if kind == "text" else voice()
    await person.send(inbound)
    told = (await person.last())["text"]
    assert told != texts.MESSAGE_KEPT and any(word in told for word in TOLD), told
    expected = HOME.get(step, "messages")
    if step == "help.comment" and kind == "voice":
        expected = "request"  # the voice note joins the thread; the comment says [语音]
    assert await person.found(inbound) == expected
    if expected == "draft":  # and it reaches the request or the idea when submitted
        await finish_draft(person)
        assert await person.found(inbound) == ("request" if step.startswith("help") else "idea")


@pytest.mark.parametrize("step", list(STEPS))
async def test_every_keyboard_with_back_has_find_a_person_beside_it(person, step):
    await STEPS[step](person)
    await person.send(WORDS)
    checked = 0
    for message in await person.messages():
        keyboard = message["keyboard"]
        if not keyboard or keyboard["kind"] != "choices":
            continue
        for row in keyboard["rows"]:
            labels = [b["label"] for b in row]
            if texts.BACK_BUTTON in labels:
                assert texts.HUMAN_BUTTON in labels, (message["text"], labels)
                checked += 1
    assert checked or step in ("act.companion", "act.transport", "act.leave", "study.quiz")  # inline questions only


@pytest.mark.parametrize("step", [s for s in STEPS if s != "human"])
async def test_find_a_person_is_one_tap_from_every_step_and_unsent_words_go_with_it(person, step):
    await STEPS[step](person)
    await person.send(WORDS)
    await person.send(texts.HUMAN_BUTTON)
    assert await person.state() == "human"
    assert "直接在这里说" in (await person.last())["text"]
    assert await person.found(said(WORDS)) in ("messages", "request", "comment")


# ---- words that are the answer move the step on ------------------------------------------------------


async def test_a_category_typed_or_in_a_voice_caption_moves_on(person):
    await person.send("🙋 我要求助", " 医疗健康。")
    assert await person.state() == "help.describe"
    await person.send(texts.BACK_BUTTON, "🙋 我要求助", voice("生活照料"))
    assert await person.state() == "help.describe" and await person.draft() == [voice()]
    assert (await dialog_store.get(person.db, person.user_id)).data["category"] == "生活照料"


async def test_words_at_the_category_step_start_a_request_in_other(person):
    await person.send("🙋 我要求助", WORDS)
    assert (await person.last())["text"] == texts.HELP_STARTED_AS_OTHER.format(thing="您说的话")
    await person.send("说完了", "不急", "确认")
    [request] = await help_store.for_retiree(person.db, person.retiree_id)
    assert request.category == "其他" and request.summary == WORDS


async def test_typed_urgency_and_confirmation_submit_as_the_buttons_would(person):
    await person.send("🙋 我要求助", "医疗健康", "血压有点高", "完了", "很急")
    assert await person.state() == "help.confirm" and "很急" in (await person.last())["text"]
    await person.send("头也有点晕")
    summary = (await person.last())["text"]
    assert summary.startswith(texts.HELP_ADDED_TO_DRAFT.format(thing="您说的话", count=2)) and "头也有点晕" in summary
    await person.send("好的")
    [request] = await help_store.for_retiree(person.db, person.retiree_id)
    assert request.priority == "urgent" and [m.text for m in await help_store.thread(person.db, request.id)] == [
        "血压有点高", "头也有点晕"]


async def test_retell_typed_starts_the_words_again(person):
    await person.send("🙋 我要求助", "医疗健康", "血压有点高", "说完了", "不急", "重新说")
    assert await person.state() == "help.describe" and await person.draft() == []


async def test_done_and_no_comment_typed_end_their_steps(person):
    await at_help_add(person)
    await person.send("说完了")
    assert await person.state() == "idle"
    await at_help_comment(person)
    await person.send("不用了")
    assert await person.state() == "idle" and (await person.last())["text"] == texts.HELP_COMMENT_THANKS


@pytest.mark.parametrize("companion, transport, expected", [
    ("不带", "需要", (False, True)), ("带", "不用", (True, False)), ("要", "不需要", (True, False)),
    (voice("不带"), "好", (False, True)),
])
async def test_typed_answers_to_the_sign_up_questions_sign_up(person, companion, transport, expected):
    await at_companion(person)
    await person.send(companion)
    assert await person.state() == "act.transport" and (await person.last())["text"] == texts.ACT_ASK_TRANSPORT
    await person.send(transport)
    registration = await activity_store.registration(person.db, person.ctx["activity"], person.retiree_id)
    assert (registration.companion, registration.needs_transport) == expected
    assert registration.status == "confirmed" and await person.state() == "idle"
    assert [m.kind for m in await person.kept()] == (["voice"] if isinstance(companion, Inbound) else [])


async def test_other_words_at_a_sign_up_question_ask_it_again_and_tapping_still_works(person):
    await at_companion(person)
    await person.send("几点集合？")
    again = await person.last()
    assert again["text"].startswith(texts.PASSED_TO_STAFF.format(thing="您说的话"))
    assert texts.ACT_ASK_COMPANION in again["text"]
    assert await person.state() == "act.companion"
    await person.press(f"act:join:{person.ctx['activity']}:0")
    assert await person.state() == "act.transport"
    await person.press(f"act:join:{person.ctx['activity']}:0:0")
    assert await person.state() == "idle"
    registration = await activity_store.registration(person.db, person.ctx["activity"], person.retiree_id)
    assert registration.status == "confirmed"


@pytest.mark.parametrize("typed", ["确定", "不去了", texts.LEAVE_CONFIRM_BUTTON, voice("确定取消")])
async def test_a_typed_yes_to_leaving_an_activity_leaves_it(person, typed):
    await at_leave(person)
    assert await person.state() == "act.leave"
    await person.send(typed)
    registration = await activity_store.registration(person.db, person.ctx["activity"], person.retiree_id)
    assert registration.status == "cancelled" and await person.state() == "idle"


@pytest.mark.parametrize("typed", ["不取消了", "还去", "不"])
async def test_a_typed_no_to_leaving_keeps_the_place_and_shows_the_activity(person, typed):
    await at_leave(person)
    await person.send(typed)
    registration = await activity_store.registration(person.db, person.ctx["activity"], person.retiree_id)
    assert registration.status == "confirmed" and await person.state() == "idle"
    assert texts.LEAVE_BUTTON in str((await person.last())["keyboard"])  # the details, with 取消报名


async def test_a_bare_yes_to_leaving_is_not_taken_as_leaving(person):
    await at_leave(person)
    await person.send("要")  # "I want to go" or "yes, cancel"? It is asked again, never guessed
    registration = await activity_store.registration(person.db, person.ctx["activity"], person.retiree_id)
    assert registration.status == "confirmed" and await person.state() == "act.leave"
    assert texts.ACT_ASK_LEAVE.split("「")[0] in (await person.last())["text"]


@pytest.mark.parametrize("typed", ["A", "ａ", "选A", "A.", "先开灯", voice("A")])
async def test_a_typed_quiz_answer_answers(person, typed):
    await at_quiz(person)
    await person.send(typed)
    read = await study_store.read_of(person.db, person.retiree_id, person.ctx["piece"])
    assert (read.choice, read.correct) == (0, True) and await person.state() == "idle"
    assert (await person.last())["text"].startswith("✅ 答对了")


async def test_a_quiz_asked_from_the_study_menu_returns_there(person):
    await person.send("📖 每日学习")
    await at_quiz(person)
    assert await person.state() == "study.quiz"
    await person.send("b")
    assert await person.state() == "study"
    assert (await study_store.read_of(person.db, person.retiree_id, person.ctx["piece"])).choice == 1


async def test_a_quiz_button_never_takes_over_an_unsent_draft(person):
    await person.send("🙋 我要求助", "医疗健康", "血压有点高")
    await at_quiz(person)
    assert await person.state() == "help.describe" and await person.draft() == [said("血压有点高")]


async def test_typed_study_menu_items_and_idea_answers_move_on(person):
    await person.send("📖 每日学习", "我的学习")
    assert (await person.last())["text"].startswith("🏅 我的学习")
    await person.send("💡 金点子", voice("城市建设"))
    assert await person.state() == "idea.describe"
    await person.send("多建几个公园", "就这些", "确认提交")
    [idea] = await idea_store.for_retiree(person.db, person.retiree_id)
    assert idea.field == "城市建设"
    assert [p.kind for p in await idea_store.parts(person.db, idea.id)] == ["voice", "text"]


@pytest.mark.parametrize("typed", ["求助", "我的求助", voice("我的求助")])
async def test_a_mine_item_named_plainly_opens_it(person, typed):
    await person.send("👤 我的", typed)
    assert (await person.last())["text"] == texts.HELP_MINE_NONE


async def test_a_study_menu_button_during_a_quiz_does_its_job(person):
    await person.send("📖 每日学习")
    await at_quiz(person)
    await person.send(texts.STUDY_MINE_BUTTON)
    assert (await person.last())["text"].startswith("🏅 我的学习") and await person.state() == "study"
    assert await person.kept() == []


async def resolved_request(p: Person) -> int:
    request_id = await submitted_request(p)
    await p.services.help.do_set_status(p.ctx["admin"], request_id, "resolved", reason=None, remind_at=None)
    return request_id


async def test_solved_and_a_rating_typed_under_a_resolved_request_count_as_the_taps(person):
    request_id = await resolved_request(person)
    await person.send("解决了")
    assert (await person.last())["text"] == texts.HELP_CLOSED_THANKS
    await person.send("很满意")
    request = await help_store.get(person.db, request_id)
    assert (request.status, request.satisfaction) == ("closed", "满意") and await person.state() == "help.comment"
    assert len(await person.request_parts()) == 1  # only the first words: no answer joined the thread


async def test_not_solved_typed_reopens_the_request(person):
    request_id = await resolved_request(person)
    await person.send("还没解决")
    assert (await help_store.get(person.db, request_id)).status == "open"
    assert (await person.last())["text"] == texts.HELP_REOPENED.format(id=request_id)
