"""统计: the figures are the stats API's for the same period, in the caller's scope; the charts are
inline SVG that say their figures in words; the workbook has Chinese headers and safe cells."""
from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from console.charts import Bar, bar_chart
from tests.admin.conftest import login
from tests.admin.test_activity_stats_api import finish_november, hold_november_activities
from tests.admin.test_help_api import request_from
from tests.admin.test_ideas_api import idea_from
from tests.console.conftest import check_page, open_as, sign_in
from tests.factories import ChatPerson, Events, add_bound_retiree

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}  # the page's dates, both days counted
API_NOVEMBER = {"from": "2026-11-01", "to": "2026-12-01"}  # the API's: up to the next midnight
FORMULA_TITLE = "=HYPERLINK(\"http://x\",\"防诈骗\")"
PIECE = {"title": FORMULA_TITLE, "topic": "防诈骗", "source": "银龄助手编写",
         "body": "公检法不会打电话让您转账。", "quiz": {"question": "有人让您转到安全账户，怎么办？",
                                                   "options": ["照做", "挂断，打110核实"], "answer": "B"}}


@pytest.fixture
async def busy(console, services, db, clock, office):
    """November so far: a request each for 王芳's and 李强's retiree (李强's answered in time, resolved
    and rated), an idea each (李强's adopted), and a study piece pushed to four and read by three."""
    wang = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    li = await request_from(services, db, retiree_phone="13800000002", user_id=9002, text="胸痛", urgent=True)
    await idea_from(services, db, phone="13800000001", user_id=9001, parts=("路口加装红绿灯",), start=500_000)
    li_idea = await idea_from(services, db, phone="13800000002", user_id=9002, parts=("办老年食堂",),
                              field="乡村振兴", start=600_000)
    admin = await login(console, "admin")
    clock.advance(timedelta(minutes=10))
    assert (await admin.post(f"/api/v1/help-requests/{li}/replies", json={"text": "马上到"})).status == 201
    assert (await admin.post(f"/api/v1/help-requests/{li}/status", json={"status": "resolved"})).status == 200
    events = Events(user_id=9002, start=300_000)
    await services.conversation.do_press(events.next(), f"help:solved:{li}")
    await services.conversation.do_press(events.next(), f"help:rate:{li}:满意")
    for status in ("reviewing", "adopted"):
        resp = await admin.post(f"/api/v1/ideas/{li_idea}/review", json={"status": status, "reply": "好建议"})
        assert resp.status == 200, await resp.text()
    piece = await admin.post("/api/v1/study/pieces", json=PIECE)
    assert piece.status == 201, await piece.text()
    piece_id = (await piece.json())["id"]
    readers = []
    for n in range(4):
        retiree_id = await add_bound_retiree(db, clock, 9100 + n)
        readers.append(ChatPerson(services, db, 9100 + n, retiree_id))
        await readers[-1].press("study:time:1900")
    clock.advance(clock.now().replace(hour=11) - clock.now())  # 19:00 in Shanghai
    assert await services.study.do_push_due() == 4
    for person, choice in zip(readers[:3], (1, 1, 0), strict=True):
        await person.press(f"study:done:{piece_id}")
        await person.press(f"study:ans:{piece_id}:{choice}")
    return {"wang": wang, "li": li}


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    return list(load_workbook(BytesIO(data))[title].iter_rows(values_only=True))


async def workbook(signed, params: dict) -> bytes:
    resp = await signed.get("/console/stats", params={**params, "download": "xlsx"})
    assert resp.status == 200, await resp.text()
    assert resp.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in resp.headers["Content-Disposition"]
    return await resp.read()


def help_row(f: dict) -> tuple:
    return (f["received"], f["response_rate"], f["resolution_rate"], f["satisfaction_rate"], f["rated"],
            f["median_first_response_minutes"], f["median_resolution_hours"])


async def test_the_figures_are_the_apis_for_the_same_period(console, busy):
    api = await login(console, "admin")
    help_api = await (await api.get("/api/v1/stats/help", params=API_NOVEMBER)).json()
    ideas_api = await (await api.get("/api/v1/stats/ideas", params=API_NOVEMBER)).json()
    study_api = await (await api.get("/api/v1/stats/study", params=NOVEMBER)).json()
    data = await workbook(await sign_in(console, "admin"), NOVEMBER)

    liaisons = {row[0]: row[1:] for row in sheet_rows(data, "求助-按经办人")[1:]}
    assert liaisons["全部"] == help_row(help_api["overall"])
    assert help_api["overall"]["received"] == 2 and help_api["overall"]["response_rate"] == 0.5
    assert {name: liaisons[name] for name in ("王芳", "李强")} == {
        r["name"]: help_row(r) for r in help_api["by_liaison"]}
    categories = {row[0]: row[1:] for row in sheet_rows(data, "求助-按类别")[1:]}
    assert categories == {"全部": help_row(help_api["overall"]),
                          **{r["category"]: help_row(r) for r in help_api["by_category"]}}

    fields = {row[0]: row[1:] for row in sheet_rows(data, "金点子-按领域")[1:]}
    keys = ("received", "submitted", "reviewing", "adopted", "noted", "implemented", "merged", "adoption_rate")
    assert fields["全部"] == tuple(ideas_api["overall"][k] for k in keys)
    assert fields["乡村振兴"] == tuple(next(f for f in ideas_api["by_field"] if f["field"] == "乡村振兴")[k]
                                    for k in keys)
    assert ideas_api["overall"]["adopted"] == 1

    one_day = await workbook(await sign_in(console, "admin"), {"from": "2026-11-23", "to": "2026-11-23"})
    assert sheet_rows(one_day, "求助-按经办人")[1][:2] == ("全部", 2)  # the last day is counted whole
    day_before = await workbook(await sign_in(console, "admin"), {"from": "2026-11-01", "to": "2026-11-22"})
    assert sheet_rows(day_before, "求助-按经办人")[1:] == [("全部", 0, None, None, None, 0, None, None)]

    [day] = sheet_rows(data, "学习-每天")[1:]
    [api_day] = study_api["days"]
    assert (day[0].date().isoformat(), *day[2:]) == (
        api_day["day"], api_day["pushed"], api_day["read_by_pushed"], api_day["read_rate"], api_day["readers"],
        api_day["answered"], api_day["correct"], api_day["accuracy"])
    assert (api_day["pushed"], api_day["read_by_pushed"]) == (4, 3)


async def test_the_page_shows_the_same_figures_with_charts_that_say_them(console, busy):
    signed = await sign_in(console, "admin")
    resp = await signed.get("/console/stats", params=NOVEMBER)
    page = await resp.text()
    assert resp.status == 200
    assert "11月1日 周日 至 11月30日 周一" in page and "统计范围：全部老同志" in page
    help_part = page.split('id="h-help"')[1].split('id="h-activities"')[0]
    assert "2 件" in help_part and "50%" in help_part  # received; 响应率 (one of two in time)
    assert '<svg role="img"' in help_part
    assert '<title id="help-liaison-response_rate-t">各经办人的响应率</title>' in help_part
    assert "李强 100%；王芳 0%" in help_part or "王芳 0%；李强 100%" in help_part  # the chart read out
    study_part = page.split('id="h-study"')[1]
    assert "75%" in study_part  # three of the four it was pushed to read it
    activity_part = page.split('id="h-activities"')[1].split('id="h-ideas"')[0]
    assert "这段时间没有举办活动。" in activity_part and "0 人次" in activity_part  # none in November so far


async def test_a_liaisons_figures_are_their_own(console, busy):
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get("/console/stats", params=NOVEMBER)).text()
    assert "统计范围：您负责的老同志" in page
    help_part = page.split('id="h-help"')[1].split('id="h-activities"')[0]
    assert "王芳" in help_part and "李强" not in help_part
    liaisons = {row[0]: row[1] for row in sheet_rows(await workbook(signed, NOVEMBER), "求助-按经办人")[1:]}
    assert liaisons == {"全部": 1, "王芳": 1}
    fields = {row[0]: row[1] for row in sheet_rows(await workbook(signed, NOVEMBER), "金点子-按领域")[1:]}
    assert fields["全部"] == 1 and fields["乡村振兴"] == 0  # 李强's retiree's idea is not hers


async def test_the_workbook_has_chinese_headers_and_text_that_never_runs(console, busy):
    data = await workbook(await sign_in(console, "leader"), NOVEMBER)
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["说明", "求助-按经办人", "求助-按类别", "活动-每场", "活动-按类别", "金点子-按领域",
                               "金点子-按月", "学习-每天", "学习-每篇"]
    assert [c.value for c in book["求助-按经办人"][1]] == [
        "经办人", "收到（件）", "响应率", "解决率", "满意率", "评价人数", "首次响应中位数（分钟）",
        "办结中位数（小时）"]
    assert [c.value for c in book["学习-每篇"][1]][:3] == ["文章", "主题", "推送人数"]
    assert book["说明"]["B1"].value == "2026-11-01 至 2026-11-30（两头都算）"
    title = book["学习-每篇"]["A2"]
    assert (title.value, title.data_type, title.quotePrefix) == (FORMULA_TITLE, "s", True)
    assert book["求助-按经办人"]["C2"].number_format == "0%"


async def test_dates_that_are_wrong_are_said_beside_the_fields(console, office):
    signed = await sign_in(console, "admin")
    resp = await signed.get("/console/stats", params={"from": "2026-12-01", "to": "2026-11-01"})
    page = await resp.text()
    assert resp.status == 422
    assert 'id="f-from-error">开始日期不能晚于结束日期<' in page and 'value="2026-12-01"' in page
    page = await (await signed.get("/console/stats", params={"from": "2026-02-30"})).text()
    assert 'id="f-from-error">不是真实的日期' in page
    page = await (await signed.get("/console/stats", params={"to": "3026-01-01"})).text()
    assert 'id="f-to-error">不是真实的日期' in page


async def test_by_default_the_last_thirty_days_and_a_long_period_still_shows_the_rest(console, office):
    signed = await sign_in(console, "admin")
    page = await (await signed.get("/console/stats")).text()
    assert 'id="f-from" name="from" type="date" value="2026-10-25"' in page
    assert 'id="f-to" name="to" type="date" value="2026-11-23"' in page
    page = await (await signed.get("/console/stats", params={"from": "2024-01-01", "to": "2026-11-23"})).text()
    assert "学习的统计没有算" in page and "366" in page  # the study service's own limit, in its words
    assert "收到求助" in page and "各领域收到的金点子" in page


def test_a_bar_chart_writes_each_figure_and_escapes_labels():
    svg = str(bar_chart("各类求助", [Bar("<b>就医</b>", 3, "3 件"), Bar("其他", None, "—")], ident="t"))
    assert svg.count("<rect") == 4  # a track and a bar for each
    assert "&lt;b&gt;就医&lt;/b&gt;" in svg and "<b>" not in svg
    assert ">3 件<" in svg and "—（没有数据）" in svg
    assert 'aria-labelledby="t-t t-d"' in svg and "<title id=\"t-t\">各类求助</title>" in svg
    assert "没有数据" in str(bar_chart("空的", [], ident="e")) and "<svg" not in str(bar_chart("空的", [], ident="e"))


def test_a_long_figure_at_a_long_bar_is_written_inside_it():
    bars = [Bar("老年大学", 2, "2 人次，家属 1 人"), Bar("体检", 1, "1 人次，家属 1 人")]
    svg = str(bar_chart("各类活动的参与人次", bars, ident="t"))
    long_bar, short_bar = svg.split("<g>")[1:]
    assert 'text-anchor="end" dominant-baseline="central" fill="#fff" font-weight="bold">2 人次，家属 1 人<' in long_bar
    assert 'fill="#111" font-weight="bold">1 人次，家属 1 人<' in short_bar  # beside it: there is room


async def test_the_stats_page_in_the_browser(browser, server, busy):
    from playwright.async_api import expect

    page = await open_as(browser, server, "admin", "/console/stats")
    await page.get_by_label("从哪天").fill("2026-11-01")
    await page.get_by_label("到哪天（含这一天）").fill("2026-11-30")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url("**/console/stats?from=2026-11-01&to=2026-11-30")
    await expect(page.get_by_text("11月1日 周日 至 11月30日 周一")).to_be_visible()
    chart = page.get_by_role("img", name="各经办人的响应率")
    await expect(chart).to_be_visible()
    await expect(chart).to_contain_text("100%")
    await expect(page.get_by_role("img", name="每篇文章的阅读率")).to_contain_text("75%")
    await check_page(page, "stats")
    async with page.expect_download() as info:
        await page.get_by_role("button", name="下载 Excel 表").click()
    download = await info.value
    assert download.suggested_filename == "统计_2026-11-01_2026-11-30.xlsx"
    book = load_workbook(BytesIO(Path(await download.path()).read_bytes()))
    assert book["求助-按经办人"]["A2"].value == "全部" and book["求助-按经办人"]["B2"].value == 2


# ---- 活动参与 (参与人次) -------------------------------------------------------------------------------

TURNOUT = ("confirmed", "waiting", "attended", "companions", "no_shows", "not_checked_in", "attendance_rate")


@pytest.fixture
async def held(console, services, db, clock, office):
    """Late November's activities (tests/admin/test_activity_stats_api.py), ended: on the 28th."""
    ids = await hold_november_activities(console, services, db, clock, office)
    await finish_november(services, clock)
    return ids


def activity_part(page: str) -> str:
    return page.split('id="h-activities"')[1].split('id="h-ideas"')[0]


async def test_participation_is_the_apis_as_table_chart_and_sheets(console, held):
    api = await (await (await login(console, "admin")).get("/api/v1/stats/activities", params=API_NOVEMBER)).json()
    assert api["overall"]["attended"] == 4
    signed = await sign_in(console, "admin")
    part = activity_part(await (await signed.get("/console/stats", params=NOVEMBER)).text())
    assert "4 人次" in part and "3 场活动" in part and "2 人" in part and "80%" in part  # the cards
    # the chart says each kind's figure in words, companions beside (not in) 参与人次
    assert "主题党日 1 人次，家属 1 人；老年大学 2 人次，家属 1 人；文体比赛 1 人次" in part
    assert '<title id="activities-rate-t">各类活动的到场率</title>' in part and "主题党日 50%" in part
    row = part.split(f'href="/console/activities/{held["A"]}">十一月主题党日</a>')[1].split("</tr>")[0]
    assert "11月25日 周三 上午9:00" in row
    #        confirmed, waiting, attended, companions, no-shows, not yet checked in, 到场率
    assert re.findall(r'class="n">([^<]*)<', row) == ["2", "1", "1", "1", "1", "0", "50%"]
    assert "老干部座谈会" not in part and "参观新区" not in part  # cancelled; outside the period

    data = await workbook(signed, NOVEMBER)
    header, *rows = sheet_rows(data, "活动-每场")
    assert header == ("活动", "类别", "开始时间", "地点", "报上名（人）", "候补（人）", "参与人次（已签到）",
                      "同行家属（人）", "缺席（人）", "尚未签到（人）", "到场率")
    assert [(r[0], r[1], r[2].isoformat(" ", "minutes"), *r[4:]) for r in rows] == [
        (a["title"], a["kind"], a["starts_at"][:16].replace("T", " "), *(a[k] for k in TURNOUT))
        for a in api["activities"]]
    assert rows[0][2].isoformat() == "2026-11-25T09:00:00"  # office time, as people read it
    kinds = {r[0]: r[1:] for r in sheet_rows(data, "活动-按类别")[1:]}
    assert kinds["全部"] == (3, *(api["overall"][k] for k in TURNOUT))
    assert list(kinds) == ["全部", "主题党日", "老年大学", "文体比赛"]
    assert load_workbook(BytesIO(data))["活动-每场"]["K2"].number_format == "0%"


async def test_a_liaisons_participation_is_their_own_retirees(console, held):
    signed = await sign_in(console, "wangfang")
    part = activity_part(await (await signed.get("/console/stats", params=NOVEMBER)).text())
    assert "3 人次" in part and "门球赛" not in part  # 李强's own activity is not hers
    assert "主题党日 1 人次，家属 1 人；老年大学 2 人次，家属 1 人" in part and "文体比赛" not in part
    kinds = {r[0]: r[1:] for r in sheet_rows(await workbook(signed, NOVEMBER), "活动-按类别")[1:]}
    assert kinds["全部"][:4] == (2, 3, 1, 3)  # two activities, three confirmed, one waiting, three came
    li = await sign_in(console, "liqiang")
    part = activity_part(await (await li.get("/console/stats", params=NOVEMBER)).text())
    assert "门球赛" in part and "1 人次" in part


async def test_participation_in_the_browser(browser, server, held):
    from playwright.async_api import expect

    page = await open_as(browser, server, "leader", "/console/stats?from=2026-11-01&to=2026-11-30")
    chart = page.get_by_role("img", name="各类活动的参与人次")
    await expect(chart).to_contain_text("2 人次，家属 1 人")
    table = page.get_by_role("table").filter(has_text="十一月主题党日")
    await expect(table.get_by_role("row", name="十一月主题党日")).to_contain_text("11月25日")
    await check_page(page, "stats-activities")
    await page.get_by_role("link", name="十一月主题党日").click()
    await expect(page.get_by_role("heading", name="十一月主题党日")).to_be_visible()
