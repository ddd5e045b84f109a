"""台账 changes in-process: add, edit (errors beside the field, in Chinese; only an admin changes the
liaison), delete after a confirmation (PIPL erasure), and import with the row report as a table."""
from __future__ import annotations

import io
import re

import openpyxl
from aiohttp import FormData

from tests.console.conftest import sign_in

# The whole edit form as the browser sends it, for 张建国 (王芳's: consent given, 高血压, 独居).
FULL_FORM = {
    "name": "张建国", "gender": "男", "birth_date": "1942-03-12", "phones": "13800000001", "address": "幸福路1号",
    "former_unit": "", "former_post": "", "retirement_type": "退休", "party_member": "0", "party_join_date": "",
    "tags_shown": "1", "tags": "独居", "hobbies": "", "notes": "", "sensitive_consent": "1",
    "health_notes": "高血压", "family_name": "", "family_relation": "", "family_phone": "",
}


def beside(page: str, name: str) -> str:
    """The form field `name` with its label and the error written beside it."""
    match = re.search(rf'<p class="field">\s*<label for="f-{name}">.*?</p>', page, re.S)
    assert match, f"no field {name}"
    return match.group(0)


async def test_the_edit_form_shows_the_file_and_saves_a_change(console, office):
    wang = await sign_in(console, "wangfang")
    form = await (await wang.get(f"/console/roster/{office.wang_retiree}/edit")).text()
    assert 'value="张建国"' in form and 'value="13800000001"' in form and "高血压" in form
    assert 'value="独居" checked' in form
    assert 'name="liaison_id"' not in form and "只有管理员能更换联系干部" in form
    resp = await wang.post(f"/console/roster/{office.wang_retiree}/edit",
                           {**FULL_FORM, "phones": "13800000001，139 0000 0077", "hobbies": "书法"})
    assert resp.status == 303 and resp.headers["Location"] == f"/console/roster/{office.wang_retiree}"
    page = await (await wang.get(resp.headers["Location"])).text()
    assert "13800000001，13900000077" in page and "书法" in page and "高血压" in page


async def test_mistakes_are_said_in_chinese_beside_each_field_and_nothing_changes(console, office):
    wang = await sign_in(console, "wangfang")
    path = f"/console/roster/{office.wang_retiree}/edit"
    resp = await wang.post(path, {**FULL_FORM, "name": "", "birth_date": "1942-13-40", "family_phone": "123"})
    page = await resp.text()
    assert resp.status == 422
    assert "请改正下面标出的" in page
    assert "不能为空" in beside(page, "name") and 'aria-invalid="true"' in beside(page, "name")
    assert "应是日期" in beside(page, "birth_date")
    assert "不能为空" in beside(page, "family_name")  # a family phone needs the person's name
    assert 'value="123"' in page  # what was typed stays
    # the service's own rules come back beside the field too
    page = await (await wang.post(path, {**FULL_FORM, "phones": "13800000001，123"})).text()
    assert "不是有效的手机号：123" in beside(page, "phones")
    page = await (await wang.post(path, {**FULL_FORM, "sensitive_consent": "0"})).text()
    assert "需要本人单独同意" in beside(page, "health_notes")
    page = await (await wang.post(path, {**FULL_FORM, "tags": "高龄"})).text()
    assert "只能是 独居、丧偶" in page.split('id="f-tags-error"')[1][:80]
    person = await (await wang.get(f"/console/roster/{office.wang_retiree}")).text()
    assert "13800000001<" in person and "高血压" in person


async def test_withdrawing_consent_with_the_fields_cleared_erases_them(console, office):
    wang = await sign_in(console, "wangfang")
    resp = await wang.post(f"/console/roster/{office.wang_retiree}/edit",
                           {**FULL_FORM, "sensitive_consent": "0", "health_notes": "", "tags": ""})
    assert resp.status == 303
    person = await (await wang.get(f"/console/roster/{office.wang_retiree}")).text()
    assert "高血压" not in person and "本人未同意" in person


async def test_only_an_admin_changes_the_liaison(console, office):
    wang = await sign_in(console, "wangfang")
    resp = await wang.post(f"/console/roster/{office.wang_retiree}/edit", {**FULL_FORM, "liaison_id": str(office.li)})
    assert resp.status == 403 and "只有管理员才能更换联系干部" in await resp.text()
    admin = await sign_in(console, "admin")
    form = await (await admin.get(f"/console/roster/{office.wang_retiree}/edit")).text()
    assert 'name="liaison_id"' in form and f'<option value="{office.wang}" selected>王芳</option>' in form
    resp = await admin.post(f"/console/roster/{office.wang_retiree}/edit", {**FULL_FORM, "liaison_id": str(office.li)})
    assert resp.status == 303
    assert "李强" in await (await admin.get(f"/console/roster/{office.wang_retiree}")).text()
    wang = await sign_in(console, "wangfang")  # the one client's cookie was the admin's meanwhile
    assert (await wang.get(f"/console/roster/{office.wang_retiree}")).status == 404  # no longer hers


async def test_adding_a_retiree(console, office):
    wang = await sign_in(console, "wangfang")
    form = await (await wang.get("/console/roster/new")).text()
    assert "添加老同志" in form and 'name="csrf"' in form
    resp = await wang.post("/console/roster/new", {"name": "", "phones": "abc", "tags_shown": "1"})
    page = await resp.text()
    assert resp.status == 422 and "不能为空" in beside(page, "name")
    resp = await wang.post("/console/roster/new", {"name": "孙桂兰", "phones": "13900000055", "gender": "女",
                                                   "birth_date": "1950-02-01", "sensitive_consent": "0",
                                                   "party_member": "1", "tags_shown": "1", "tags": "空巢"})
    assert resp.status == 303
    page = await (await wang.get(resp.headers["Location"])).text()
    for seen in ("孙桂兰", "13900000055", "女", "1950年2月1日", "空巢", "王芳"):  # hers, as the service rules
        assert seen in page, seen


async def test_deleting_needs_the_box_ticked_then_erases_the_file(console, office):
    wang = await sign_in(console, "wangfang")
    path = f"/console/roster/{office.wang_retiree}/delete"
    confirm = await (await wang.get(path)).text()
    assert "删除以后无法恢复" in confirm and "我确认要删除 张建国 的全部信息" in confirm
    resp = await wang.post(path, {})
    assert resp.status == 422 and "请先勾选" in await resp.text()
    assert (await wang.get(f"/console/roster/{office.wang_retiree}")).status == 200  # still there
    resp = await wang.post(path, {"confirm": "yes"})
    assert resp.status == 303 and resp.headers["Location"] == "/console/roster?notice=deleted"
    listed = await (await wang.get(resp.headers["Location"])).text()
    assert "已删除这位老同志的档案" in listed and "张建国" not in listed
    assert (await wang.get(f"/console/roster/{office.wang_retiree}")).status == 404


def sheet(*rows: tuple) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(signed, data: bytes, name: str = "台账.xlsx"):
    form = FormData()
    form.add_field("csrf", signed.csrf)
    form.add_field("file", data, filename=name)
    return await signed.client.post("/console/roster/import", data=form, allow_redirects=False)


async def test_an_import_with_bad_rows_shows_the_row_report_and_adds_nobody(console):
    admin = await sign_in(console, "admin")
    assert "可以用的列名" in await (await admin.get("/console/roster/import")).text()
    data = sheet(("姓名", "出生日期", "手机号", "联系干部", "标签"),
                 ("好人", "1949-10-01", "13900000009", "王芳", ""),
                 ("坏号码", "1949-10-01", "138-abc", "王芳", ""),
                 ("没这人", "1950-01-01", "13900000011", "不存在的干部", ""))
    resp = await upload(admin, data)
    page = await resp.text()
    assert resp.status == 422
    report = page.split('<table id="import-report">')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>第 (\d+) 行</td><td>([^<]*)</td><td>([^<]*)</td></tr>", report)
    assert [(line, column) for line, column, _ in rows] == [("3", "手机号"), ("4", "联系干部")]
    assert "138-abc" in rows[0][2] and "不存在的干部" in rows[1][2]
    assert "没有导入" in page and "<th scope=\"col\">第几行</th>" in report
    listed = await (await admin.get("/console/roster", params={"q": "好人"})).text()
    assert "没有找到符合条件的老同志" in listed


async def test_a_good_import_says_how_many_were_added(console):
    admin = await sign_in(console, "admin")
    data = sheet(("姓名", "出生日期", "手机号", "联系干部"),
                 ("周国庆", "1949-10-01", "13900000009", "王芳"),
                 ("吴秀兰", "1946/2/14", "13900000010", "liqiang"))
    page = await (await upload(admin, data, name="新台账.xlsx")).text()
    assert "导入完成：</strong>新添加 2 位，更新 0 位" in page
    listed = await (await admin.get("/console/roster", params={"q": "周国庆"})).text()
    assert "周国庆" in listed and "王芳" in listed


async def test_an_import_without_a_file_or_of_the_wrong_kind_says_so_beside_the_field(console):
    admin = await sign_in(console, "admin")
    page = await (await admin.post("/console/roster/import", {})).text()
    assert "请先选择要导入的文件" in beside(page, "file")
    resp = await upload(admin, b"not a spreadsheet", name="roster.pdf")
    assert resp.status == 422 and 'aria-invalid="true"' in beside(await resp.text(), "file")
    wang = await sign_in(console, "wangfang")
    assert (await upload(wang, sheet(("姓名",), ("某人",)))).status == 403  # admins only
