"""通知, in-process: the dry run's count and preview, errors beside the fields, sending only what was
previewed, scheduling and cancelling, reminding, scoping (a liaison: her own), no phones for a viewer."""
from __future__ import annotations

import io
import re

import aiohttp
import pytest

from console.pages import PAGES
from tests.console.conftest import sign_in
from tests.console.owned.notices import foreign
from tests.console.test_console_permissions import ROLE_OF, filled
from tests.factories import add_bound_retiree
from yinling.store import broadcasts as broadcast_store

_CONFIRM = re.compile(r'name="confirmed" value="([0-9a-f]+)"')
_SENT_TO = re.compile(r"^/console/notices/(\d+)\?said=(sent|scheduled)$")
HTMX = {"HX-Request": "true"}


def draft(text: str = "明天上午九点，社区医院免费体检，请带身份证。", **fields) -> dict:
    return {"text": text, "kind": "everyone", **fields}


async def previewed(signed, form: dict, headers: dict | None = None) -> tuple[str, str | None]:
    resp = await signed.post("/console/notices/preview", form, headers=headers or {})
    body = await resp.text()
    assert resp.status == 200, body
    found = _CONFIRM.search(body)
    return body, found.group(1) if found else None


async def send(signed, form: dict, said: str = "sent") -> int:
    """Preview, then send what was previewed; the new notice's id."""
    _, confirm = await previewed(signed, form)
    assert confirm
    resp = await signed.post("/console/notices", {**form, "confirmed": confirm})
    assert resp.status == 303, await resp.text()
    found = _SENT_TO.match(resp.headers["Location"])
    assert found and found.group(2) == said, resp.headers["Location"]
    return int(found.group(1))


async def all_sent(db, notice_id: int) -> None:
    """What the bot's sender does, here at once: every queued notice handed over."""
    await db.write("UPDATE outbox SET status = 'sent' WHERE source = ?", (broadcast_store.source(notice_id),))


async def test_the_dry_run_says_how_many_and_shows_the_notice_as_retirees_see_it(console):
    admin = await sign_in(console, "admin")
    body, confirm = await previewed(admin, draft(require_ack="1"))
    assert "将发给 2 人" in body  # 张建国 and 赵淑芬
    assert "2 人还没有用聊天" in body
    assert "📢 通知公告\n明天上午九点，社区医院免费体检，请带身份证。" in body
    assert "✅ 已阅" in body and "发送给 2 人" in body and confirm

    body, _ = await previewed(admin, draft(kind="tags", tags="独居"))
    assert "将发给 1 人" in body  # only 张建国 lives alone
    assert "✅ 已阅" not in body
    listing = await (await admin.get("/console/notices")).text()
    assert "还没有通知" in listing  # a dry run sends nothing


async def test_the_preview_button_answers_htmx_with_the_form_alone(console):
    wang = await sign_in(console, "wangfang")
    resp = await wang.post("/console/notices/preview", draft(), headers=HTMX)
    body = await resp.text()
    assert resp.status == 200
    assert "<html" not in body and body.lstrip().startswith("<form id=\"compose\"")
    assert "将发给 1 人" in body  # a liaison: her own retirees only
    assert resp.headers["HX-Reswap"].startswith("outerHTML show:#dry-run")


@pytest.mark.parametrize(("fields", "field", "said"), [
    ({"text": "  "}, "text", "不能为空"),
    ({"kind": "tags"}, "tags", "请至少勾选一个标签"),
    ({"kind": "activity"}, "activity_id", "请选一个活动"),
    ({"kind": "liaisons"}, "liaison_ids", "请至少勾选一位联系干部"),
    ({"schedule_at": "明天上午"}, "schedule_at", "请选一个时间"),
    ({"schedule_at": "2026-11-20T09:00"}, "schedule_at", "应是以后的时间"),  # the service: it has passed
    ({"text": "字" * 4001}, "text", "最多 4000 个字"),
])
async def test_what_is_wrong_is_said_beside_the_field_in_chinese(console, fields, field, said):
    admin = await sign_in(console, "admin")
    for path in ("/console/notices/preview", "/console/notices"):
        resp = await admin.post(path, draft(**fields))
        body = await resp.text()
        assert resp.status == 422, (path, body[:500])
        error = re.search(rf'id="f-{field}-error">([^<]*)<', body)
        assert error and said in error.group(1), (path, field, body[:2000])
        assert "请改正下面标出的" in body
    assert "还没有通知" in await (await admin.get("/console/notices")).text()


async def test_nothing_is_sent_without_the_preview_and_a_changed_draft_is_previewed_again(console):
    admin = await sign_in(console, "admin")
    resp = await admin.post("/console/notices", draft())
    body = await resp.text()
    assert resp.status == 200 and "发送前请先看一下" in body and "将发给 2 人" in body
    _, confirm = await previewed(admin, draft())
    resp = await admin.post("/console/notices", {**draft(kind="tags", tags="独居"), "confirmed": confirm})
    body = await resp.text()
    assert resp.status == 200 and "将发给 1 人" in body  # changed after the preview: shown again, not sent
    assert "还没有通知" in await (await admin.get("/console/notices")).text()

    resp = await admin.post("/console/notices", {**draft(), "confirmed": confirm})
    assert resp.status == 303
    page = await (await admin.get(resp.headers["Location"])).text()
    assert "通知已经开始发送" in page and "全部老同志" in page
    assert "联系不上，请打电话告诉他们（2 人）" in page  # neither is in the chat yet


async def test_a_notice_goes_out_with_progress_and_read_receipts_then_a_reminder(console, db, clock, office):
    sun = await add_bound_retiree(db, clock, 7001, name="孙志强", liaison_id=office.wang)
    await add_bound_retiree(db, clock, 7002, name="钱秀英", liaison_id=office.wang)
    wang = await sign_in(console, "wangfang")
    notice = await send(wang, draft(require_ack="1"))
    progress = await (await wang.get(f"/console/notices/{notice}/progress")).text()
    assert "状态：正在发送" in progress and 'hx-trigger="every 2s"' in progress
    assert "在聊天里要发 2 人，已发出 0 人" in progress

    await all_sent(db, notice)
    async with db.transaction() as tx:
        assert await broadcast_store.acknowledge(tx, notice, sun, now=clock.now())
    progress = await (await wang.get(f"/console/notices/{notice}/progress")).text()
    assert "状态：已发完" in progress and "已发出 2 人" in progress and "100%完成" in progress
    assert re.search(r"已阅：<strong>1</strong> 人", progress)
    assert 'hx-trigger="every 10s"' in progress  # 已阅 may still come in

    page = await (await wang.get(f"/console/notices/{notice}")).text()
    pending = page.split("还没点「已阅」的（1 人）")[1].split("</table>")[0]
    assert "钱秀英" in pending and "孙志强" not in pending
    read = page.split("已经点了「已阅」的（1 人）")[1].split("</table>")[0]
    assert "孙志强" in read and "钱秀英" not in read
    assert "13800000001" in page  # 张建国 is not in the chat: to be phoned
    resp = await wang.post(f"/console/notices/{notice}/remind")
    assert resp.status == 303
    page = await (await wang.get(resp.headers["Location"])).text()
    assert "已经再发给还没点「已阅」的 1 人" in page and "已经提醒过 1 次" in page


async def test_a_scheduled_notice_waits_for_its_time_and_can_be_cancelled(console):
    admin = await sign_in(console, "admin")
    body, _ = await previewed(admin, draft(schedule_at="2026-11-24T09:00"))
    assert "定时发送（11月24日 周二 上午9:00）" in body and "按现在的名单，将发给 2 人" in body
    notice = await send(admin, draft(schedule_at="2026-11-24T09:00"), said="scheduled")
    page = await (await admin.get(f"/console/notices/{notice}?said=scheduled")).text()
    assert "已定好时间" in page and "状态：定时发送，还没到时间" in page and "11月24日 周二 上午9:00" in page
    listing = await (await admin.get("/console/notices")).text()
    assert "定在 11月24日 周二 上午9:00" in listing

    resp = await admin.post(f"/console/notices/{notice}/cancel")
    assert resp.status == 303
    page = await (await admin.get(resp.headers["Location"])).text()
    assert "已取消" in page and "确定取消" not in page
    resp = await admin.post(f"/console/notices/{notice}/cancel")
    assert resp.status == 409 and "已经取消了" in await resp.text()


async def test_a_liaison_sees_and_sends_only_her_own(console, office, services, clock):
    ids = await foreign(office, services, clock)
    wang = await sign_in(console, "wangfang")
    mine = await send(wang, draft("王芳的通知：周五开会。"))
    listing = await (await wang.get("/console/notices")).text()
    assert "王芳的通知" in listing and "李强的通知" not in listing
    assert (await wang.get(f"/console/notices/{ids['/notices/{id}']}")).status == 404
    form = await (await wang.get("/console/notices/new")).text()
    assert "我联系的全部老同志" in form and 'name="liaison_ids"' not in form
    admin = await sign_in(console, "admin")
    listing = await (await admin.get("/console/notices")).text()
    assert "王芳的通知" in listing and "李强的通知" in listing
    page = await (await admin.get(f"/console/notices/{mine}")).text()
    assert "张建国" in page and "赵淑芬" not in page


async def test_a_viewer_reads_the_notice_without_phones_and_cannot_act(console, db, clock):
    await add_bound_retiree(db, clock, 7002, name="孙志强")  # in the chat: the notice is still going out
    admin = await sign_in(console, "admin")
    notice = await send(admin, draft(require_ack="1"))
    page = await (await admin.get(f"/console/notices/{notice}")).text()
    assert "13800000001" in page and "13800000002" in page and "取消这条通知" in page
    viewer = await sign_in(console, "leader")
    page = await (await viewer.get(f"/console/notices/{notice}")).text()
    assert "张建国" in page and "赵淑芬" in page and "状态：正在发送" in page
    assert "13800000001" not in page and "13800000002" not in page and "电话</th>" not in page
    assert "取消这条通知" not in page and "提醒未读" not in page
    assert "写新通知" not in await (await viewer.get("/console/notices")).text()
    assert (await viewer.get("/console/notices/new")).status == 403
    assert (await viewer.post(f"/console/notices/{notice}/cancel")).status == 403


async def test_a_file_is_attached_once_and_a_wrong_kind_is_refused_beside_the_field(console):
    admin = await sign_in(console, "admin")

    async def post(path: str, filename: str, extra: dict | None = None):
        form = aiohttp.FormData()
        for key, value in {**draft(), "csrf": admin.csrf, **(extra or {})}.items():
            form.add_field(key, value)
        form.add_field("file", b"tongzhi", filename=filename, content_type="application/octet-stream")
        return await admin.client.post(path, data=form, allow_redirects=False)

    resp = await post("/console/notices/preview", "setup.exe")
    body = await resp.text()
    assert resp.status == 422
    assert re.search(r'id="f-file-error">只能是图片', body)
    resp = await post("/console/notices/preview", "体检须知.txt")
    body = await resp.text()
    assert resp.status == 200 and "已附上：体检须知.txt" in body and "一起发的附件：体检须知.txt" in body
    attachment = re.search(r'name="attachment_id" value="(\d+)"', body)
    confirm = _CONFIRM.search(body)
    assert attachment and confirm
    resp = await admin.post("/console/notices", {**draft(), "attachment_id": attachment.group(1),
                                                  "attachment_name": "体检须知.txt", "confirmed": confirm.group(1)})
    assert resp.status == 303
    page = await (await admin.get(resp.headers["Location"])).text()
    assert "有（和通知一起发）" in page


@pytest.mark.parametrize("username", ("admin", "wangfang", "leader"))
async def test_every_notice_page_answers_each_role(console, office, services, clock, username):
    """The permission walk (test_console_permissions) for this area's pages alone."""
    ids = await foreign(office, services, clock)
    signed = await sign_in(console, username)
    role = ROLE_OF[username]
    for page in (p for p in PAGES if p.path.startswith("/notices")):
        path = filled(page.path, ids)
        resp = await (signed.get(path) if page.method == "GET" else signed.post(path, {}))
        body = await resp.text()
        assert page.roles is not None
        if role not in page.roles:
            assert resp.status == 403, (username, path)
        elif "{id}" in page.path and role == "liaison":
            assert resp.status == 404, (username, page.method, path, resp.status)
        elif page.method == "GET":
            assert resp.status == 200, (username, path, body[:300])
        if role == "viewer":
            assert "13800000002" not in body and "高血压" not in body
        assert resp.status < 500, (username, path, body[:300])


async def test_a_file_too_big_is_refused_in_chinese(console):
    admin = await sign_in(console, "admin")

    async def post(size: int, headers: dict):
        form = aiohttp.FormData()
        for key, value in {**draft(), "csrf": admin.csrf}.items():
            form.add_field(key, value)
        form.add_field("file", io.BytesIO(b"x" * size), filename="大照片.jpg", content_type="image/jpeg")
        return await admin.client.post("/console/notices/preview", data=form, headers=headers,
                                       allow_redirects=False)

    resp = await post(10 * 1024 * 1024 + 1, {})
    assert resp.status == 422
    assert re.search(r'id="f-file-error">文件太大了，最多 10 MB', await resp.text())
    resp = await post(12 * 1024 * 1024, {**HTMX, "X-CSRF-Token": admin.csrf})  # beyond what the server reads
    assert resp.status == 413 and "文件太大了" in await resp.text()
    assert resp.headers["HX-Retarget"] == "#flash"
