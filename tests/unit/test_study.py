"""每日学习 through the services: the day's piece, the push at each one's time, reading, quizzes,
points and streaks, subscription settings, the leaderboard, and the staff library and import."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from tests.factories import ChatPerson, add_bound_retiree, add_liaison
from yinling import texts
from yinling.errors import Conflict, InvalidInput
from yinling.models import Priority
from yinling.store import study as study_store
from yinling.study_io import PieceIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)  # the test clock: Monday 09:30 in Shanghai


def at(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def piece(title: str = "冬季防跌倒", *, quiz: bool = True, **fields) -> PieceIn:
    data = {"title": title, "topic": "健康养生", "source": "银龄助手编写",
            "body": "天冷路滑，出门穿防滑鞋，走路慢一点。家里的过道别堆东西，夜里起床先开灯。"}
    if quiz:
        data["quiz"] = {"question": "夜里起床，先做什么？", "options": ["先开灯", "摸黑快走"], "answer": "A",
                        "explanation": "先开灯，看清楚再走，能防跌倒。"}
    data.update(fields)
    return PieceIn.model_validate(data)


@pytest.fixture(autouse=True)
async def office_staff(db, clock):
    return await add_liaison(db, clock)  # staff #1, office_admin's id


@pytest.fixture
def people(services, db, clock):
    async def make(count: int) -> list[ChatPerson]:
        made = []
        for i in range(count):
            user_id = 8100 + i
            made.append(ChatPerson(services, db, user_id, await add_bound_retiree(db, clock, user_id, name=f"学员{i}")))
        return made

    return make


async def library(services, office_admin, *titles: str, quiz: bool = True) -> list[int]:
    return [(await services.study.do_create(office_admin, piece(t, quiz=quiz))).id for t in titles]


async def pushes(db, user_id: int) -> list[dict]:
    rows = await db.fetch_all("SELECT text, keyboard, priority FROM outbox WHERE chat_id = ? AND source = 'study'",
                              (user_id,))
    return [{"text": r["text"], "keyboard": json.loads(r["keyboard"]), "priority": r["priority"]} for r in rows]


# ---- the menu and subscribing --------------------------------------------------------------------------


async def test_the_study_menu_offers_four_big_buttons_and_says_how_to_subscribe(people):
    [zhang] = await people(1)
    await zhang.say("📖 每日学习")
    last = await zhang.last()
    assert last["text"] == texts.STUDY_MENU_UNSUBSCRIBED
    labels = [b["label"] for row in last["keyboard"]["rows"] for b in row]
    assert labels == [texts.STUDY_TODAY_BUTTON, texts.STUDY_PAST_BUTTON, texts.STUDY_MINE_BUTTON,
                      texts.STUDY_SETTINGS_BUTTON, texts.BACK_BUTTON, texts.HUMAN_BUTTON]


async def test_settings_offer_the_four_times_and_a_time_still_ahead_starts_today(people, db):
    [zhang] = await people(1)
    await zhang.say("📖 每日学习")
    await zhang.say(texts.STUDY_SETTINGS_BUTTON)
    assert (await zhang.last())["text"] == texts.STUDY_SETTINGS_OFF
    assert [label for label, _ in await zhang.buttons()] == [
        "每天 7:00", "每天 8:30", "每天 12:00", "每天 19:00", texts.STUDY_BOARD_JOIN_BUTTON]
    await zhang.press("study:time:1900")  # 09:30 now: 19:00 is still ahead today
    assert (await zhang.last())["text"] == texts.STUDY_SUBSCRIBED.format(time="19:00")
    sub = await study_store.subscription(db, zhang.retiree_id)
    assert (sub.active, sub.push_time, sub.starts_on) == (True, "19:00", TODAY)
    await zhang.press("study:settings")
    assert ("✔ 每天 19:00", "study:time:1900") in await zhang.buttons()
    assert (texts.STUDY_STOP_BUTTON, "study:stop") in await zhang.buttons()


async def test_a_time_already_past_today_starts_tomorrow_and_says_so(people, db):
    [zhang] = await people(1)
    await zhang.press("study:time:0830")  # 09:30 now
    assert (await zhang.last())["text"] == texts.STUDY_SUBSCRIBED_FROM_TOMORROW.format(time="8:30")
    assert (await study_store.subscription(db, zhang.retiree_id)).starts_on == TODAY + timedelta(days=1)


# ---- the daily push -----------------------------------------------------------------------------------


async def test_the_push_goes_at_the_chosen_time_once_per_day_at_bulk_priority(services, office_admin, people, db,
                                                                              clock):
    [first, second] = await library(services, office_admin, "冬季防跌倒", "识别冒充公检法")
    [zhang, li] = await people(2)
    await zhang.press("study:time:1200")
    await li.press("study:time:1900")
    clock.set(at(TODAY, "11:59"))
    assert await services.study.do_push_due() == 0
    clock.set(at(TODAY, "12:00"))
    assert await services.study.do_push_due() == 1
    assert await services.study.do_push_due() == 0  # never twice for one retiree and day
    [pushed] = await pushes(db, zhang.user_id)
    assert pushed["text"].startswith("📖 今日学习 · 11月23日\n【健康养生】冬季防跌倒\n\n天冷路滑")
    assert pushed["keyboard"]["rows"][0][0] == {"label": texts.STUDY_DONE_BUTTON, "action": f"study:done:{first}",
                                               "request": None}
    assert pushed["priority"] == Priority.BULK
    assert await pushes(db, li.user_id) == []
    clock.set(at(TODAY, "19:00"))
    assert await services.study.do_push_due() == 1
    assert "冬季防跌倒" in (await pushes(db, li.user_id))[0]["text"]  # the same piece for everyone that day
    clock.set(at(TODAY + timedelta(days=1), "12:00"))
    assert await services.study.do_push_due() == 1
    assert "识别冒充公检法" in (await pushes(db, zhang.user_id))[1]["text"]  # the queue moves on a day
    assert second


async def test_a_push_missed_while_down_goes_out_late_the_same_day_but_never_the_next(
        services, office_admin, people, db, clock):
    await library(services, office_admin, "冬季防跌倒", "识别冒充公检法")
    [zhang] = await people(1)
    await zhang.press("study:time:1200")
    clock.set(at(TODAY, "21:40"))  # the process was down from 11:00 until now
    assert await services.study.do_push_due() == 1
    clock.set(at(TODAY + timedelta(days=2), "11:00"))  # down all of the next day, back the day after
    assert await services.study.do_push_due() == 0
    clock.set(at(TODAY + timedelta(days=2), "12:00"))
    assert await services.study.do_push_due() == 1
    assert len(await pushes(db, zhang.user_id)) == 2


async def test_no_push_when_stopped_and_none_for_one_who_already_read_todays(services, office_admin, people, db, clock):
    await library(services, office_admin, "冬季防跌倒")
    [zhang, li] = await people(2)
    await zhang.press("study:time:1200")
    await zhang.press("study:stop")
    assert (await zhang.last())["text"] == texts.STUDY_STOPPED
    await li.press("study:time:1200")
    await li.press("study:today")
    await li.press(f"study:done:{(await study_store.shown_piece_id(db, TODAY))}")
    clock.set(at(TODAY, "12:00"))
    assert await services.study.do_push_due() == 0
    assert await pushes(db, zhang.user_id) == [] and await pushes(db, li.user_id) == []
    assert await db.fetch_value("SELECT count(*) FROM study_deliveries") == 1  # li's day is counted as pushed


async def test_nothing_to_push_leaves_subscribers_due_until_a_piece_is_added(services, office_admin, people, db, clock):
    [zhang] = await people(1)
    await zhang.press("study:time:1200")
    clock.set(at(TODAY, "12:00"))
    assert await services.study.do_push_due() == 0
    await library(services, office_admin, "冬季防跌倒")
    clock.set(at(TODAY, "14:00"))
    assert await services.study.do_push_due() == 1


async def test_a_dated_piece_takes_its_day_and_the_queue_serves_the_others(services, office_admin, db):
    queued = await library(services, office_admin, "排队第一", "排队第二")
    dated = (await services.study.do_create(office_admin,
                                            piece("重阳节的由来", publish_on=TODAY + timedelta(days=1)))).id
    async with db.transaction() as tx:
        days = [(await study_store.day_piece(tx, TODAY + timedelta(days=n))).id for n in range(3)]
        assert await study_store.day_piece(tx, TODAY + timedelta(days=3)) is None  # the queue is used up
    assert days == [queued[0], dated, queued[1]]


# ---- reading, the quiz, points and streaks ----------------------------------------------------------------


async def test_reading_then_a_right_answer_gives_two_points_once(services, office_admin, people):
    [piece_id] = await library(services, office_admin, "冬季防跌倒")
    [zhang] = await people(1)
    await zhang.say("📖 每日学习")
    await zhang.say("今天的内容")  # typed by hand, without the emoji
    assert "【健康养生】冬季防跌倒" in (await zhang.last())["text"]
    assert await zhang.press(f"study:done:{piece_id}") == texts.STUDY_READ_TOAST
    done, quiz = (await zhang.messages())[-2:]
    assert done["text"] == texts.STUDY_READ_DONE.format(streak=1, points=1)
    assert "夜里起床，先做什么？" in quiz["text"] and "A. 先开灯\nB. 摸黑快走" in quiz["text"]
    assert await zhang.buttons() == [("A. 先开灯", f"study:ans:{piece_id}:0"),
                                     ("B. 摸黑快走", f"study:ans:{piece_id}:1")]
    assert await zhang.press(f"study:ans:{piece_id}:0") == texts.STUDY_RIGHT_TOAST
    assert (await zhang.last())["text"] == "✅ 答对了！积 1 分。\n先开灯，看清楚再走，能防跌倒。"
    assert await zhang.press(f"study:done:{piece_id}") == texts.STUDY_READ_AGAIN_TOAST
    await zhang.press(f"study:ans:{piece_id}:1")  # a second answer changes nothing
    assert (await zhang.last())["text"] == texts.STUDY_ANSWERED_BEFORE.format(chosen="A", letter="A")
    await zhang.press("study:mine")
    assert (await zhang.last())["text"].startswith(texts.STUDY_MINE.format(streak=1, points=2, days=1, month_points=2))


async def test_a_wrong_answer_shows_the_right_one_with_the_explanation(services, office_admin, people):
    [piece_id] = await library(services, office_admin, "冬季防跌倒")
    [zhang] = await people(1)
    await zhang.press("study:today")
    await zhang.press(f"study:done:{piece_id}")
    assert await zhang.press(f"study:ans:{piece_id}:1") == texts.STUDY_WRONG_TOAST.format(letter="A")
    assert (await zhang.last())["text"] == "这次没答对，没关系。正确答案是 A. 先开灯\n先开灯，看清楚再走，能防跌倒。"
    await zhang.press("study:mine")
    assert "一共 1 分" in (await zhang.last())["text"]


async def test_answering_before_reading_asks_to_read_first(services, office_admin, people):
    [piece_id] = await library(services, office_admin, "冬季防跌倒")
    [zhang] = await people(1)
    await zhang.press("study:today")
    await zhang.press(f"study:ans:{piece_id}:0")
    assert (await zhang.last())["text"] == texts.STUDY_READ_FIRST
    assert await zhang.buttons() == [(texts.STUDY_DONE_BUTTON, f"study:done:{piece_id}")]


async def test_the_streak_counts_days_in_a_row_and_starts_again_after_a_gap(services, office_admin, people, clock):
    ids = await library(services, office_admin, "一", "二", "三", "四", quiz=False)
    [zhang] = await people(1)

    async def read_on(day: date) -> str:
        clock.set(at(day, "10:00"))
        await zhang.press("study:today")
        await zhang.press(f"study:done:{(await study_store.shown_piece_id(zhang.db, day))}")
        return (await zhang.last())["text"]

    assert await read_on(TODAY) == texts.STUDY_READ_DONE.format(streak=1, points=1)
    assert await read_on(TODAY + timedelta(days=1)) == texts.STUDY_READ_DONE.format(streak=2, points=2)
    clock.set(at(TODAY + timedelta(days=2), "23:00"))  # not read yet today: the streak still stands
    await zhang.press("study:mine")
    assert "已经连续学习 2 天" in (await zhang.last())["text"]
    assert texts.STUDY_MINE_TODAY_OPEN in (await zhang.last())["text"]
    clock.set(at(TODAY + timedelta(days=3), "08:00"))  # a day missed: it is over
    await zhang.press("study:mine")
    assert "已经连续学习 0 天" in (await zhang.last())["text"]
    assert await read_on(TODAY + timedelta(days=3)) == texts.STUDY_READ_DONE.format(streak=1, points=3)
    assert len(ids) == 4


def test_streak_rule():
    d = date(2026, 11, 23)
    assert study_store.streak([], d) == 0
    assert study_store.streak([d, d - timedelta(days=1), d - timedelta(days=3)], d) == 2
    assert study_store.streak([d - timedelta(days=1), d - timedelta(days=2)], d) == 2
    assert study_store.streak([d - timedelta(days=2)], d) == 0


async def test_past_pieces_are_listed_newest_first_with_a_mark_on_those_read(services, office_admin, people, clock):
    ids = await library(services, office_admin, "第一天", "第二天", "第三天", quiz=False)
    [zhang] = await people(1)
    for n in range(3):
        clock.set(at(TODAY + timedelta(days=n), "10:00"))
        await zhang.press("study:today")
    await zhang.press(f"study:done:{ids[0]}")
    await zhang.press("study:past:0")
    assert (await zhang.last())["text"] == texts.STUDY_PAST_LIST
    assert await zhang.buttons() == [("11月25日 第三天", f"study:piece:{ids[2]}"),
                                     ("11月24日 第二天", f"study:piece:{ids[1]}"),
                                     ("11月23日 第一天 ✔", f"study:piece:{ids[0]}")]
    await zhang.press(f"study:piece:{ids[1]}")
    assert (await zhang.last())["text"].startswith("📖 往期回顾 · 11月24日\n【健康养生】第二天")


async def test_a_withdrawn_or_future_piece_cannot_be_opened_and_the_way_back_is_the_menu(
        services, office_admin, people):
    [shown, later] = await library(services, office_admin, "撤下的", "还没到的")
    [zhang] = await people(1)
    await zhang.press("study:today")
    await services.study.do_withdraw(office_admin, shown)
    for action in (f"study:done:{shown}", f"study:piece:{later}", "study:nonsense", "study:time:0915"):
        await zhang.press(action)
        assert (await zhang.last())["text"] in (texts.STUDY_NOT_FOUND, texts.BUTTON_EXPIRED_MENU)
    await zhang.press("study:past:0")
    assert (await zhang.last())["text"] == texts.STUDY_PAST_NONE


async def test_words_typed_in_the_study_menu_are_kept_for_staff(people, db):
    [zhang] = await people(1)
    await zhang.say("📖 每日学习")
    await zhang.say("我想学怎么用微信视频，谁能教教我")
    assert (await zhang.last())["text"] == (texts.PASSED_TO_STAFF.format(thing="您说的话") + "\n"
                                            + texts.STUDY_MENU_AGAIN)
    assert await db.fetch_value("SELECT count(*) FROM inbound_messages WHERE retiree_id = ?", (zhang.retiree_id,)) == 1


# ---- the leaderboard ---------------------------------------------------------------------------------


async def test_only_those_who_opt_in_appear_on_the_board(services, office_admin, people):
    [piece_id] = await library(services, office_admin, "冬季防跌倒")
    zhang, li, wang = await people(3)
    for person in (zhang, li, wang):
        await person.press("study:today")
        await person.press(f"study:done:{piece_id}")
    await li.press(f"study:ans:{piece_id}:0")
    await zhang.press("study:board:1")
    assert (await zhang.last())["text"] == texts.STUDY_BOARD_JOINED
    await li.press("study:board:1")
    await zhang.press("study:mine")
    board = (await zhang.last())["text"]
    assert "第1名 学员1 2分\n第2名 学员0 1分" in board and "学员2" not in board
    await wang.press("study:mine")
    assert texts.STUDY_BOARD_HINT in (await wang.last())["text"] and "学员1" not in (await wang.last())["text"]
    await li.press("study:board:0")
    await zhang.press("study:mine")
    assert "学员1" not in (await zhang.last())["text"]


# ---- staff: the library ----------------------------------------------------------------------------------


async def test_one_piece_per_date_and_none_in_the_past(services, office_admin):
    await services.study.do_create(office_admin, piece(publish_on=TODAY + timedelta(days=2)))
    with pytest.raises(Conflict) as taken:
        await services.study.do_create(office_admin, piece("另一篇", publish_on=TODAY + timedelta(days=2)))
    assert "publish_on" in taken.value.fields
    with pytest.raises(InvalidInput) as past:
        await services.study.do_create(office_admin, piece(publish_on=TODAY - timedelta(days=1)))
    assert past.value.fields == {"publish_on": "日期已经过去了，应是今天或以后"}


async def test_a_piece_that_went_out_keeps_its_day_but_its_words_may_be_fixed(services, office_admin, db):
    [piece_id] = await library(services, office_admin, "冬季防跌倒")
    async with db.transaction() as tx:
        await study_store.day_piece(tx, TODAY)
    fixed = await services.study.do_update(office_admin, piece_id, {"title": "冬季防跌倒要点"})
    assert fixed.title == "冬季防跌倒要点" and fixed.shown_on == TODAY
    with pytest.raises(Conflict) as moved:
        await services.study.do_update(office_admin, piece_id, {"publish_on": TODAY + timedelta(days=3)})
    assert "publish_on" in moved.value.fields
    cleared = await services.study.do_update(office_admin, piece_id, {"quiz": None})
    assert cleared.quiz is None


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_import_from_a_sheet_adds_every_row_in_order(services, office_admin):
    data = _xlsx([
        ["标题", "正文", "来源", "主题", "日期", "题目", "选项A", "选项B", "选项C", "答案", "解析"],
        ["遵义会议", "1935年1月，红军长征途中在遵义召开会议。", "银龄助手编写", "党史", None,
         "遵义会议在哪一年召开？", "1935年", "1949年", "1921年", "a", "1935年1月。"],
        ["调大手机字体", "打开设置，找到显示，把字体调大。", "", "智能手机", "2026-12-01",
         None, None, None, None, None, None],
    ])
    created = await services.study.do_import(office_admin, "学习内容.xlsx", data)
    assert [(p.title, p.publish_on, p.quiz.answer if p.quiz else None) for p in created] == [
        ("遵义会议", None, 0), ("调大手机字体", date(2026, 12, 1), None)]
    assert created[0].queue_position == 1


async def test_import_with_bad_rows_adds_nothing_and_names_each_problem(services, office_admin, db):
    csv_text = ("title,body,topic,date,question,option_a,option_b,answer\n"
                "好标题,好正文,时事,,,,,\n"
                ",没有标题,时事,,,,,\n"
                "主题错,正文,养花,,,,,\n"
                "答案错,正文,时事,,问题,甲,乙,C\n"
                "日期错,正文,时事,2026-02-30,,,,\n")
    with pytest.raises(InvalidInput) as refused:
        await services.study.do_import(office_admin, "pieces.csv", csv_text.encode("utf-8"))
    rows = refused.value.extra["rows"]
    assert [(r["line"], r["column"]) for r in rows] == [(3, "标题"), (4, "主题"), (5, "题目"), (6, "日期")]
    assert rows[1]["message"].startswith("只能是：政策解读")
    assert rows[2]["message"] == "答案 C 对应的选项不存在（只有 2 个选项）"
    assert await db.fetch_value("SELECT count(*) FROM study_pieces") == 0


async def test_import_json_and_the_demo_library_is_valid(services, office_admin):
    from yinling.demo import DEMO_STUDY

    data = DEMO_STUDY.read_bytes()
    created = await services.study.do_import(office_admin, "demo_study.json", data)
    assert len(created) == 30
    assert {p.topic for p in created} == {"政策解读", "党史", "时事", "健康养生", "防诈骗", "智能手机"}
    assert all(len(p.body) <= 800 for p in created)
    assert [p.queue_position for p in created] == list(range(1, 31))
