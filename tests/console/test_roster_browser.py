"""台账 in real headless Chromium: search as you type and filter, open a person, edit a field with a
mistake then fix it, import a file with a bad row and read the report, export; every page checked
(screenshot, axe-core)."""
from __future__ import annotations

import io

import openpyxl
from playwright.async_api import expect

from tests.console.conftest import check_page, open_as


def sheet(*rows: tuple) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def results(page):
    return page.locator("#roster-results tbody tr")


async def test_search_as_you_type_and_filter_then_open_a_person(browser, server, office):
    page = await open_as(browser, server, "admin", "/console/roster")
    await expect(page.get_by_role("heading", level=1)).to_have_text("台账")
    await expect(results(page)).to_have_count(2)
    await check_page(page, "roster-list")
    loads = []
    page.on("load", lambda _: loads.append(1))
    await page.get_by_role("searchbox", name="查找").fill("赵")  # no button pressed: htmx asks as you type
    await expect(results(page)).to_have_count(1)
    await expect(results(page).first).to_contain_text("赵淑芬")
    assert "q=%E8%B5%B5" in page.url and not loads  # the address keeps the search; no page load
    await page.get_by_role("searchbox", name="查找").fill("")
    await expect(results(page)).to_have_count(2)
    await page.get_by_label("标签").select_option("独居")
    await expect(results(page)).to_have_count(1)
    await expect(results(page).first).to_contain_text("张建国")
    await page.get_by_label("联系干部").select_option(label="李强")
    await expect(page.locator("#roster-results")).to_contain_text("没有找到符合条件的老同志")
    await check_page(page, "roster-list-nothing-found")
    await page.get_by_role("link", name="清空条件").click()
    await page.get_by_role("link", name="张建国").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("张建国")
    await expect(page.get_by_role("row", name="手机号 13800000001")).to_be_visible()
    await expect(page.get_by_role("row", name="健康状况 高血压")).to_be_visible()
    await check_page(page, "roster-person")


async def test_the_search_works_without_javascript(browser, server, office):
    page = await open_as(browser, server, "wangfang", "/console/roster")
    context = await browser.new_context(java_script_enabled=False, storage_state=await page.context.storage_state())
    plain = await context.new_page()
    await plain.goto(str(server.make_url("/console/roster")))
    await plain.get_by_role("searchbox", name="查找").fill("张")
    await plain.get_by_role("button", name="查找").click()
    await expect(results(plain)).to_have_count(1)
    assert "q=%E5%BC%A0" in plain.url
    await context.close()


async def test_edit_a_field_with_a_mistake_then_fix_it(browser, server, office):
    page = await open_as(browser, server, "wangfang", f"/console/roster/{office.wang_retiree}")
    await page.get_by_role("link", name="修改档案").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("修改 张建国 的档案")
    await check_page(page, "roster-edit")
    phones = page.get_by_label("手机号")
    await phones.fill("13800000001，123")
    await page.get_by_label("兴趣特长").fill("书法、太极拳")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_text("不是有效的手机号：123")).to_be_visible()
    await expect(phones).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("兴趣特长")).to_have_value("书法、太极拳")  # what was typed stays
    await check_page(page, "roster-edit-error")
    await phones.fill("13800000001，13900000088")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("张建国")
    await expect(page.get_by_role("row", name="手机号 13800000001，13900000088")).to_be_visible()
    await expect(page.get_by_role("row", name="兴趣特长 书法、太极拳")).to_be_visible()


async def test_import_a_file_with_a_bad_row_and_read_the_report(browser, server, office, tmp_path):
    page = await open_as(browser, server, "admin", "/console/roster")
    await page.get_by_role("link", name="导入 Excel 表格").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("导入台账")
    await check_page(page, "roster-import")
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(sheet(("姓名", "出生日期", "手机号", "联系干部"),
                          ("周国庆", "1949-10-01", "13900000009", "王芳"),
                          ("吴秀兰", "1946-02-14", "138-abc", "王芳")))
    await page.get_by_label("选择文件").set_input_files(str(bad))
    await page.get_by_role("button", name="导入").click()
    report = page.get_by_role("table", name="需要改正的行")
    await expect(report).to_be_visible()
    await expect(report.get_by_role("row")).to_have_count(2)  # the header and the one bad row
    await expect(report.get_by_role("row").nth(1)).to_contain_text("第 3 行")
    await expect(report.get_by_role("row").nth(1)).to_contain_text("手机号")
    await expect(page.get_by_role("alert")).to_contain_text("没有导入")
    await check_page(page, "roster-import-report")
    good = tmp_path / "fixed.xlsx"
    good.write_bytes(sheet(("姓名", "出生日期", "手机号", "联系干部"),
                           ("周国庆", "1949-10-01", "13900000009", "王芳"),
                           ("吴秀兰", "1946-02-14", "13900000010", "王芳")))
    await page.get_by_label("选择文件").set_input_files(str(good))
    await page.get_by_role("button", name="导入").click()
    await expect(page.get_by_role("status").filter(has_text="导入完成")).to_contain_text("新添加 2 位")
    await check_page(page, "roster-import-done")


async def test_export_downloads_the_callers_people(browser, server, office):
    page = await open_as(browser, server, "wangfang", "/console/roster")
    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出 Excel 表格").click()
    download = await info.value
    assert download.suggested_filename == "台账.xlsx"
    data = (await download.path()).read_bytes()
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert [row[rows[0].index("姓名")] for row in rows[1:]] == ["张建国"]


async def test_add_and_delete_pages_and_what_a_viewer_sees(browser, server, office):
    page = await open_as(browser, server, "wangfang", "/console/roster")
    await page.get_by_role("link", name="添加老同志").click()
    await page.get_by_role("button", name="保存").click()  # nothing typed
    await expect(page.get_by_text("不能为空")).to_be_visible()
    await check_page(page, "roster-new")
    await page.get_by_role("textbox", name="姓名（必填）").fill("孙桂兰")
    await page.get_by_label("出生日期", exact=True).fill("1950-02-01")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("孙桂兰")
    await page.get_by_role("link", name="删除档案").click()
    await check_page(page, "roster-delete")
    await page.get_by_role("button", name="确认删除").click()
    await expect(page.get_by_text("请先勾选上面这一项")).to_be_visible()
    await page.get_by_label("我确认要删除 孙桂兰 的全部信息").check()
    await page.get_by_role("button", name="确认删除").click()
    await expect(page.get_by_role("status").filter(has_text="已删除")).to_be_visible()
    await expect(page.locator("#roster-results")).not_to_contain_text("孙桂兰")
    viewer = await open_as(browser, server, "leader", "/console/roster")
    await expect(results(viewer)).to_have_count(2)
    await expect(viewer.locator("main")).not_to_contain_text("13800000001")
    await check_page(viewer, "roster-list-viewer")
    await viewer.get_by_role("link", name="张建国").click()
    await expect(viewer.get_by_text("只读账号看不到电话")).to_be_visible()
    await expect(viewer.locator("main")).not_to_contain_text("高血压")
    await check_page(viewer, "roster-person-viewer")
