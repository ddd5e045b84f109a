"""学习 in the console, in-process: the library with when each piece goes out and its read rate;
adding and correcting a piece with its quiz (errors beside the fields, in Chinese); withdrawing;
importing a sheet (the row report when refused); the read rates; what a viewer may do."""
from __future__ import annotations

import re

from aiohttp import FormData

from tests.console.conftest import sign_in
from tests.console.test_ideas import rows_of, text_of
from tests.factories import ChatPerson, add_bound_retiree

PIECE = {
    "title": "识别冒充公检法", "topic": "防诈骗", "source": "银龄助手编写", "schedule": "queue",
    "body": "公检法不会打电话让您转账，更没有“安全账户”。接到这种电话，直接挂断。",
    "quiz.question": "有人自称警察，让您把钱转到安全账户，怎么办？",
    "quiz.options.0": "照做", "quiz.options.1": "挂断，打110核实", "quiz.answer": "B",
    "quiz.explanation": "没有安全账户，这是诈骗。",
}


async def pieces_in(services) -> list[dict]:
    rows = await services.core.db.fetch_all(
        "SELECT id, title, quiz, publish_on, queue_position, withdrawn_at FROM study_pieces ORDER BY id")
    return [dict(row) for row in rows]


async def add(signed, **changes) -> int:
    resp = await signed.post("/console/study/piece", {**PIECE, **changes})
    assert resp.status == 303, text_of(await resp.text())
    found = re.search(r"saved=(\d+)", resp.headers["Location"])
    assert found
    return int(found.group(1))


async def test_a_piece_with_its_quiz_is_added_and_listed_with_when_it_goes_out(console, services, office):
    wang = await sign_in(console, "wangfang")
    form = await (await wang.get("/console/study/piece")).text()
    assert "添加一篇学习内容" in form and 'name="quiz.options.3"' in form and "选项D" in form
    queued = await add(wang)
    dated = await add(wang, title="冬季防煤气中毒", topic="健康养生", schedule="date", publish_on="2026-12-10")
    stored = await pieces_in(services)
    assert [(p["title"], p["queue_position"], p["publish_on"]) for p in stored] == [
        ("识别冒充公检法", 1, None), ("冬季防煤气中毒", None, "2026-12-10")]
    assert '"answer":1' in stored[0]["quiz"]  # B, kept as its index

    page = await (await wang.get(f"/console/study?saved={queued}")).text()
    assert f"已保存编号 {queued} 的学习内容" in page
    rows = rows_of(page)
    assert rows[0].startswith(f"{dated} 冬季防煤气中毒 健康养生 12月10日 周四 发 有 还没发")
    assert rows[1].startswith(f"{queued} 识别冒充公检法 防诈骗 排队第 1 位 有 还没发")


async def test_a_bad_quiz_and_a_missing_title_are_said_beside_their_fields(console, services, office):
    wang = await sign_in(console, "wangfang")
    resp = await wang.post("/console/study/piece", {**PIECE, "title": "  ", "quiz.answer": "C"})
    page = await resp.text()
    assert resp.status == 422 and await pieces_in(services) == []
    assert re.search(r'id="f-title-error">[^<]*不能为空', page)
    assert 'id="quiz-error">答案 C 对应的选项不存在（只有 2 个选项）' in page
    assert 'value="挂断，打110核实"' in page  # what was typed stays

    gap = await wang.post("/console/study/piece", {**PIECE, "quiz.options.1": "", "quiz.options.2": "挂断",
                                                   "quiz.answer": ""})
    page = await gap.text()
    assert 'id="f-quiz.options.1-error">不能为空' in page  # B left empty between A and C
    assert 'id="f-quiz.answer-error">请选出正确答案是哪一个选项' in page
    one = await wang.post("/console/study/piece", {**PIECE, "quiz.options.1": ""})
    assert "至少要填 2 个选项" in await one.text()
    no_day = await wang.post("/console/study/piece", {**PIECE, "schedule": "date", "publish_on": ""})
    assert 'id="f-publish_on-error">请选一个日期' in await no_day.text()
    assert await pieces_in(services) == []

    await add(wang)  # put right: saved
    assert len(await pieces_in(services)) == 1


async def test_a_piece_without_a_quiz_and_two_on_one_day_refused_beside_the_date(console, services, office):
    admin = await sign_in(console, "admin")
    quiz_fields = {name: "" for name in PIECE if name.startswith("quiz.")}
    await add(admin, schedule="date", publish_on="2026-12-01", **quiz_fields)
    assert (await pieces_in(services))[0]["quiz"] is None
    resp = await admin.post("/console/study/piece", {**PIECE, "schedule": "date", "publish_on": "2026-12-01"})
    assert resp.status == 422 and 'id="f-publish_on-error">这一天已经排了编号 1 的学习内容' in await resp.text()
    past = await admin.post("/console/study/piece", {**PIECE, "schedule": "date", "publish_on": "2026-11-01"})
    assert "日期已经过去了" in await past.text()


async def test_a_piece_is_corrected_moved_and_withdrawn(console, services, office):
    wang = await sign_in(console, "wangfang")
    piece = await add(wang)
    form = await (await wang.get(f"/console/study/piece?id={piece}")).text()
    assert "修改学习内容 · 编号" in form and 'value="识别冒充公检法"' in form and "现在排第 1 位" in form
    assert '<option value="B" selected>' in form

    resp = await wang.post("/console/study/piece", {**PIECE, "id": str(piece), "title": "冒充公检法的骗局",
                                                    "schedule": "date", "publish_on": "2026-12-05",
                                                    "quiz.options.2": "问问子女", "quiz.answer": "C"})
    assert resp.status == 303
    [stored] = await pieces_in(services)
    assert (stored["title"], stored["publish_on"], stored["queue_position"]) == ("冒充公检法的骗局", "2026-12-05", None)
    assert '"answer":2' in stored["quiz"]
    back = await wang.post("/console/study/piece", {**PIECE, "id": str(piece), "schedule": "queue",
                                                    "queue_position": ""})
    assert back.status == 422 and 'id="f-queue_position-error">请填排在第几位' in await back.text()

    resp = await wang.post("/console/study/withdraw", {"id": str(piece)})
    assert resp.status == 303 and (await pieces_in(services))[0]["withdrawn_at"]
    page = await (await wang.get(resp.headers["Location"])).text()
    assert "已撤下，不再发送" in page and rows_of(page)[0].startswith(f"{piece} 冒充公检法的骗局 防诈骗 已撤下")
    assert "修改「" not in page
    again = await wang.post("/console/study/piece", {**PIECE, "id": str(piece)})
    assert again.status == 422 and "已经撤下了，不能再修改" in await again.text()


async def test_an_import_adds_all_or_shows_the_row_report(console, services, office):
    admin = await sign_in(console, "admin")

    async def upload(data: bytes, name: str):
        form = FormData()
        form.add_field("csrf", admin.csrf)
        form.add_field("file", data, filename=name)
        return await admin.client.post("/console/study/import", data=form, allow_redirects=False)

    page = await (await admin.get("/console/study/import")).text()
    assert "选择文件（.xlsx、.csv 或 .json" in page and "选项A、选项B、选项C、选项D" in page
    bad = ("标题,正文,主题,题目,选项A,选项B,答案\n"
           "第一篇,正文一,防诈骗,,,,\n"
           "第二篇,正文二,养花,,,,\n"
           ",正文三,时事,问题,对,错,E\n").encode()
    resp = await upload(bad, "学习.csv")
    page = await resp.text()
    assert resp.status == 422 and await pieces_in(services) == []
    assert "没有导入。" in page and "什么都没有导入" in page
    report = rows_of(page)
    assert "第 3 行 主题 只能是：" in report[0] and report[1].startswith("第 4 行 标题 必填")
    assert any(r.startswith("第 4 行 答案") for r in report)

    good = "标题,正文,主题,日期\n第一篇,正文一,防诈骗,\n第二篇,正文二,时事,2026-12-03\n".encode()
    resp = await upload(good, "学习.csv")
    assert resp.status == 303 and resp.headers["Location"] == "/console/study?imported=2"
    assert [p["title"] for p in await pieces_in(services)] == ["第一篇", "第二篇"]
    assert "新添了 2 篇" in await (await admin.get(resp.headers["Location"])).text()

    wrong = await upload(b"hello", "notes.txt")
    assert wrong.status == 422 and 'id="f-file-error">只支持 .json、.xlsx 或 .csv 文件' in await wrong.text()
    nothing = await admin.post("/console/study/import", {})
    assert nothing.status == 422 and "请先选择文件" in await nothing.text()


async def test_read_rates_in_the_library_and_by_day(console, services, office, db, clock):
    admin = await sign_in(console, "admin")
    piece = await add(admin)
    readers = []
    for i in range(4):
        retiree_id = await add_bound_retiree(db, clock, 9100 + i)
        readers.append(ChatPerson(services, db, 9100 + i, retiree_id))
        await readers[-1].press("study:time:1900")
    clock.advance(clock.now().replace(hour=11) - clock.now())  # 19:00 in Shanghai
    assert await services.study.do_push_due() == 4
    for person, choice in zip(readers[:3], (1, 1, 0), strict=True):
        await person.press(f"study:done:{piece}")
        await person.press(f"study:ans:{piece}:{choice}")

    leader = await sign_in(console, "leader")  # a viewer reads the figures too
    page = await (await leader.get("/console/study")).text()
    assert rows_of(page)[0] == f"{piece} 识别冒充公检法 防诈骗 已于 11月23日 周一 发出 有 75% 推送 4 人，读了 3 人"
    assert "添加一篇" not in page and "修改「" not in page
    stats = await (await leader.get("/console/study/stats")).text()
    assert "10月25日 周日 到 11月23日 周一" in stats  # the last 30 days
    assert rows_of(stats)[0] == "11月23日 周一 识别冒充公检法 4 3 75% 3 3 67%"
    bad = await leader.get("/console/study/stats?from=2026-12-01&to=2026-11-01")
    assert bad.status == 422 and 'id="f-from-error">开始日期不能晚于结束日期' in await bad.text()
    odd = await leader.get("/console/study/stats?from=2026-02-31")
    assert odd.status == 422 and "不是真实的日期" in await odd.text()

    admin = await sign_in(console, "admin")  # the morning's session has idled out
    form = await (await admin.get(f"/console/study/piece?id={piece}")).text()
    assert "已于 11月23日 周一 发出，日期和排队顺序不能再改" in form and 'name="publish_on"' not in form
    fixed = await admin.post("/console/study/piece", {**PIECE, "id": str(piece), "title": "识别冒充公检法的骗局"})
    assert fixed.status == 303 and (await pieces_in(services))[0]["title"] == "识别冒充公检法的骗局"


async def test_a_viewer_reads_the_library_but_cannot_write(console, services, office):
    admin = await sign_in(console, "admin")
    piece = await add(admin)
    leader = await sign_in(console, "leader")
    assert (await leader.get("/console/study")).status == 200
    for path in (f"/console/study/piece?id={piece}", "/console/study/piece", "/console/study/import"):
        assert (await leader.get(path)).status == 403
    for path, form in (("/console/study/piece", {**PIECE, "id": str(piece), "title": "改掉"}),
                       ("/console/study/withdraw", {"id": str(piece)})):
        assert (await leader.post(path, form)).status == 403
    [stored] = await pieces_in(services)
    assert stored["title"] == "识别冒充公检法" and stored["withdrawn_at"] is None
