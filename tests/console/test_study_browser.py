"""学习 in real headless Chromium: a liaison adds a piece with its quiz, sees what is wrong beside the
field, puts it right and finds it in the library; an import refused shows its row report; the read
rates. Every page: a screenshot and the accessibility check."""
from __future__ import annotations

from pathlib import Path

from tests.console.conftest import check_page, open_as
from tests.console.test_study import pieces_in


async def test_a_liaison_adds_a_piece_with_a_quiz_and_puts_a_mistake_right(browser, server, services, office):
    page = await open_as(browser, server, "wangfang", "/console/study")
    await page.get_by_role("heading", name="学习 · 每日一篇").wait_for()
    await check_page(page, "study-library-empty")
    await page.get_by_role("link", name="添加一篇").click()
    await page.get_by_role("heading", name="添加一篇学习内容").wait_for()
    await check_page(page, "study-piece-new")

    await page.get_by_label("标题").fill("识别冒充公检法")
    await page.get_by_label("主题").select_option("防诈骗")
    await page.get_by_label("正文").fill("公检法不会打电话让您转账，更没有“安全账户”。接到这种电话，直接挂断。")
    await page.get_by_label("定一个日期").check()
    await page.get_by_label("哪天发").fill("2026-12-10")
    await page.get_by_label("题目").fill("有人自称警察，让您把钱转到安全账户，怎么办？")
    await page.get_by_label("选项A").fill("照做")
    await page.get_by_label("选项B").fill("挂断，打110核实")
    await page.get_by_label("正确答案").select_option(label="选项C")  # there is no C
    await page.get_by_role("button", name="保存").click()
    error = page.locator("#quiz-error")
    await error.wait_for()
    assert await error.inner_text() == "答案 C 对应的选项不存在（只有 2 个选项）"
    assert await page.get_by_label("选项B").input_value() == "挂断，打110核实"  # nothing typed is lost
    await check_page(page, "study-piece-refused")
    assert await pieces_in(services) == []

    await page.get_by_label("正确答案").select_option(label="选项B")
    await page.get_by_role("button", name="保存").click()
    await page.get_by_text("已保存编号").wait_for()
    row = page.get_by_role("row").nth(1)
    assert "识别冒充公检法" in await row.inner_text() and "12月10日 周四 发" in await row.inner_text()
    await check_page(page, "study-library")

    await page.get_by_role("link", name="修改「识别冒充公检法」").click()
    await page.get_by_role("heading", name="修改学习内容 · 编号 1").wait_for()
    assert await page.get_by_label("正确答案").input_value() == "B"
    await check_page(page, "study-piece-edit")


async def test_an_import_refused_shows_the_rows_and_the_read_rates_page(browser, server, services, office, tmp_path):
    sheet = Path(tmp_path) / "学习内容.csv"
    sheet.write_text("标题,正文,主题\n第一篇,正文一,防诈骗\n第二篇,正文二,养花\n", encoding="utf-8")
    page = await open_as(browser, server, "admin", "/console/study/import")
    await page.get_by_role("heading", name="从表格导入学习内容").wait_for()
    await check_page(page, "study-import")
    await page.get_by_label("选择文件").set_input_files(str(sheet))
    await page.get_by_role("button", name="导入").click()
    await page.get_by_role("table", name="需要改正的行（一行都没有导入）").wait_for()
    assert "第 3 行" in await page.get_by_role("row").nth(1).inner_text()
    await check_page(page, "study-import-refused")
    assert await pieces_in(services) == []

    await page.goto(str(server.make_url("/console/study/stats")))
    await page.get_by_role("heading", name="学习 · 阅读情况").wait_for()
    await check_page(page, "study-stats")
