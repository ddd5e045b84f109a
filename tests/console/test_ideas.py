"""金点子 in the console, in-process: the list in scope with this year's figures, filters and paging;
one idea (who sent it, without a sensitive-read audit row); a review changes the status and queues
the official reply for the retiree's chat; refusals beside the field in Chinese; merges; private
notes; a viewer reads but cannot review. Voice notes and photos: tests/console/test_ideas_media.py."""
from __future__ import annotations

import re

import pytest

from admin.app import create_app
from console.app import mount_console
from tests.console.conftest import sign_in
from tests.console.owned.ideas import add_idea
from tests.factories import Events
from yinling.models import Contact, Inbound

ZHANG_CHAT, ZHAO_CHAT = 7_150_001, 7_150_002  # Telegram users (their private chat ids) of the two retirees


async def idea_from_chat(services, *, phone: str, user_id: int, text: str, field: str = "城市建设",
                         start: int = 0) -> int:
    """A retiree binds their phone in the chat and sends an idea, as in the bot; its number."""
    events = Events(user_id=user_id, start=start or user_id * 10)
    await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    for words in ("💡 金点子", field, text, "✅ 说完了", "✅ 确认提交"):
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=words))
    return await services.core.db.fetch_value("SELECT max(id) FROM ideas")


async def told(services, chat_id: int) -> list[str]:
    """What was queued for a chat (the outbox the bot sends from), oldest first."""
    rows = await services.core.db.fetch_all("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [row["text"] for row in rows]


async def status_of(services, idea_id: int) -> str:
    return await services.core.db.fetch_value("SELECT status FROM ideas WHERE id = ?", (idea_id,))


def text_of(page: str) -> str:
    """What a person reads on the page: the text without tags (nor the values they carry)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1].split(">", 1)[1]).split())


def rows_of(page: str) -> list[str]:
    """The list's rows, as text (tags dropped), so a test reads what a person reads."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>") if row.strip()]


async def two_ideas(services) -> dict[str, int]:
    wang = await idea_from_chat(services, phone="13800000001", user_id=ZHANG_CHAT, text="幸福路口建议加装红绿灯")
    li = await idea_from_chat(services, phone="13800000002", user_id=ZHAO_CHAT, text="村里办老年食堂",
                              field="乡村振兴")
    return {"wang": wang, "li": li}


async def test_the_list_is_scoped_says_the_status_in_words_and_gives_this_years_figures(console, services, office):
    ideas = await two_ideas(services)
    admin = await sign_in(console, "admin")
    page = await (await admin.get("/console/ideas")).text()
    rows = rows_of(page)
    assert len(rows) == 2 and rows[0].startswith(f"#{ideas['li']}")
    assert "赵淑芬 乡村振兴 村里办老年食堂 已收到" in rows[0]
    assert "张建国 城市建设 幸福路口建议加装红绿灯 已收到" in rows[1]
    assert re.search(r"<div>收到</div><div class=\"count\">2 条</div>", page)
    assert "submitted" not in text_of(page)

    wang = await sign_in(console, "wangfang")
    page = await (await wang.get("/console/ideas")).text()
    assert [row.split()[0] for row in rows_of(page)] == [f"#{ideas['wang']}"]  # not 李强's retiree's
    assert re.search(r"<div>收到</div><div class=\"count\">1 条</div>", page)
    assert (await wang.get(f"/console/ideas/{ideas['li']}")).status == 404


async def test_filters_and_pages(console, services, office, clock):
    for n in range(23):
        await add_idea(services, clock, office.wang_retiree, f"第{n}条建议")
    adopted = await add_idea(services, clock, office.wang_retiree, "公园多装长椅", field="公共服务")
    wang = await sign_in(console, "wangfang")
    assert (await wang.post(f"/console/ideas/{adopted}/review", {"status": "adopted"})).status == 303

    first = await (await wang.get("/console/ideas")).text()
    assert len(rows_of(first)) == 20 and "共 24 条，第 1 页，共 2 页" in first
    assert 'href="/console/ideas?page=2">下一页' in first
    second = await (await wang.get("/console/ideas?page=2")).text()
    assert len(rows_of(second)) == 4 and "上一页" in second and "下一页" not in second

    only = await (await wang.get("/console/ideas?status=adopted")).text()
    assert [row.split()[0] for row in rows_of(only)] == [f"#{adopted}"] and "已采纳" in rows_of(only)[0]
    assert len(rows_of(await (await wang.get("/console/ideas?field=公共服务")).text())) == 1
    assert len(rows_of(await (await wang.get("/console/ideas?q=第1")).text())) == 11  # 第1条, 第10-19条
    bad = await (await wang.get("/console/ideas?status=done")).text()
    assert 'id="f-status-error">请从列表里选一个<' in bad and rows_of(bad) == [] and "submitted" not in text_of(bad)


async def test_staff_see_who_sent_it_with_the_phone_a_viewer_without(console, services, office):
    ideas = await two_ideas(services)
    wang = await sign_in(console, "wangfang")
    page = await (await wang.get(f"/console/ideas/{ideas['wang']}")).text()
    assert "提的人 张建国 ，电话 13800000001" in text_of(page) and "幸福路口建议加装红绿灯" in page and "已收到" in page
    assert "保存并发给老同志" in page and "会通过聊天发给提这条金点子的老同志" in page

    leader = await sign_in(console, "leader")
    page = await (await leader.get(f"/console/ideas/{ideas['wang']}")).text()
    assert "张建国" in page and "13800000001" not in page
    assert "保存并发给老同志" not in page and "内部备注" not in page


async def sensitive_reads(services) -> int:
    return await services.core.db.fetch_value(
        "SELECT count(*) FROM audit_log WHERE action = 'retiree.read_sensitive'")


async def test_opening_an_idea_writes_no_sensitive_read_audit_row(console, services, office, clock):
    """张建国 has a health note (高血压); the idea page shows his name and phone, never the note, so
    opening it is no sensitive read."""
    idea = await add_idea(services, clock, office.wang_retiree, "幸福路口建议加装红绿灯")
    for username in ("wangfang", "admin"):
        page = await (await (await sign_in(console, username)).get(f"/console/ideas/{idea}")).text()
        assert "提的人 张建国 ，电话 13800000001" in text_of(page) and "高血压" not in page
    leader = await (await (await sign_in(console, "leader")).get(f"/console/ideas/{idea}")).text()
    assert "张建国" in leader and "13800000001" not in leader
    assert await sensitive_reads(services) == 0
    # the check can fail: his file in 台账 shows the note, and that page does write the row
    wang = await sign_in(console, "wangfang")
    assert "高血压" in await (await wang.get(f"/console/roster/{office.wang_retiree}")).text()
    assert await sensitive_reads(services) == 1


async def test_a_review_changes_the_status_and_queues_the_reply_for_the_retiree(console, services, office):
    ideas = await two_ideas(services)
    wang = await sign_in(console, "wangfang")
    resp = await wang.post(f"/console/ideas/{ideas['wang']}/review",
                           {"status": "adopted", "reply": "已转交市交通局，列入明年计划"})
    assert resp.status == 303 and resp.headers["Location"] == f"/console/ideas/{ideas['wang']}?done=review"
    assert await status_of(services, ideas["wang"]) == "adopted"
    assert (await told(services, ZHANG_CHAT))[-1] == (
        f"好消息！您的金点子 #{ideas['wang']} 已被采纳。感谢您建言献策！\n答复：已转交市交通局，列入明年计划")

    page = await (await wang.get(resp.headers["Location"])).text()
    assert "张建国会在聊天里收到" in page and '<span class="state">已采纳</span>' in page
    assert "状态改为「已采纳」" in page and "已转交市交通局，列入明年计划" in page
    assert "改为「已落实」" in page and "改为「研究办理中」" not in page  # what may follow 已采纳

    further = await wang.post(f"/console/ideas/{ideas['wang']}/review", {"status": "adopted", "reply": "明年三月开工"})
    assert further.status == 303
    assert (await told(services, ZHANG_CHAT))[-1] == f"关于您的金点子 #{ideas['wang']} 答复如下：\n明年三月开工"


async def test_a_refused_review_is_said_beside_the_field_in_chinese_and_changes_nothing(console, services, office):
    ideas = await two_ideas(services)
    before = await told(services, ZHANG_CHAT)
    wang = await sign_in(console, "wangfang")
    resp = await wang.post(f"/console/ideas/{ideas['wang']}/review", {"status": "noted", "reply": "  "})
    page = await resp.text()
    assert resp.status == 422
    assert 'id="f-reply-error">设为「暂未采纳」时必填，写明原因</span>' in page
    assert 'aria-invalid="true"' in page and "noted" not in text_of(page) and "reply" not in text_of(page)
    again = await wang.post(f"/console/ideas/{ideas['wang']}/review", {"status": "implemented"})
    assert again.status == 422
    assert "现在可以改成：「研究办理中」、「已采纳」、「暂未采纳」" in text_of(await again.text())
    assert await status_of(services, ideas["wang"]) == "submitted" and await told(services, ZHANG_CHAT) == before


async def test_a_viewer_cannot_review_merge_or_note(console, services, office):
    ideas = await two_ideas(services)
    leader = await sign_in(console, "leader")
    for action, form in (("review", {"status": "reviewing"}), ("merge", {"into": str(ideas["li"])}),
                         ("note", {"text": "好"})):
        resp = await leader.post(f"/console/ideas/{ideas['wang']}/{action}", form)
        assert resp.status == 403 and "没有权限" in await resp.text()
    assert await status_of(services, ideas["wang"]) == "submitted"


async def test_a_liaison_cannot_review_or_merge_into_another_liaisons_idea(console, services, office):
    ideas = await two_ideas(services)
    wang = await sign_in(console, "wangfang")
    assert (await wang.post(f"/console/ideas/{ideas['li']}/review", {"status": "reviewing"})).status == 404
    resp = await wang.post(f"/console/ideas/{ideas['wang']}/merge", {"into": str(ideas["li"])})
    assert resp.status == 422 and "找不到这条金点子" in await resp.text()
    assert [await status_of(services, ideas[who]) for who in ("li", "wang")] == ["submitted", "submitted"]


async def test_a_duplicate_is_merged_and_its_submitter_told(console, services, office):
    ideas = await two_ideas(services)
    admin = await sign_in(console, "admin")
    blank = await admin.post(f"/console/ideas/{ideas['li']}/merge", {"into": ""})
    assert blank.status == 422 and "请填要合并到的那条金点子的编号" in await blank.text()
    itself = await admin.post(f"/console/ideas/{ideas['li']}/merge", {"into": str(ideas["li"])})
    assert itself.status == 422 and "就是这一条本身" in await itself.text()

    resp = await admin.post(f"/console/ideas/{ideas['li']}/merge", {"into": f"#{ideas['wang']}"})
    assert resp.status == 303
    page = await (await admin.get(resp.headers["Location"])).text()
    assert f"已合并到 #{ideas['wang']}" in page and "保存并发给老同志" not in page
    assert "想到一块儿了" in (await told(services, ZHAO_CHAT))[-1]
    into = await (await admin.get(f"/console/ideas/{ideas['wang']}")).text()
    assert "合并进来的金点子" in into and "赵淑芬：村里办老年食堂" in into


async def test_a_private_note_is_kept_for_staff_and_never_sent(console, services, office):
    ideas = await two_ideas(services)
    wang = await sign_in(console, "wangfang")
    assert (await wang.post(f"/console/ideas/{ideas['wang']}/note", {"text": "需与交警大队协调"})).status == 303
    page = await (await wang.get(f"/console/ideas/{ideas['wang']}")).text()
    assert "<strong>王芳</strong>" in page and "需与交警大队协调" in page
    assert not [text for text in await told(services, ZHANG_CHAT) if "交警大队" in text]
    empty = await wang.post(f"/console/ideas/{ideas['wang']}/note", {"text": " "})
    assert empty.status == 422 and 'id="f-text-error"' in await empty.text()


# ---- voice notes, photos and files ----
class FakeMedia:
    """The channel's files, as the bot's media source would fetch them."""

    async def fetch(self, file_id: str) -> bytes:
        return f"bytes-of-{file_id}".encode()


@pytest.fixture
async def media_console(aiohttp_client, settings, services, office):
    """The console with a media source (the shared `console` runs without a bot token)."""
    app = create_app(settings, services, media=FakeMedia())
    mount_console(app)
    return await aiohttp_client(app)


ATTACHMENTS = (Inbound(kind="voice", file_id="voice-of-zhang"), Inbound(kind="photo", file_id="photo-of-zhang"),
               Inbound(kind="document", file_id="plan-of-zhang"))


async def fetched(signed, src: str):
    resp = await signed.get(src.replace("&amp;", "&"))
    return resp.status, resp.content_type, await resp.read()


async def test_an_ideas_voice_note_plays_its_photo_shows_and_its_file_opens(media_console, services, office, clock):
    idea = await add_idea(services, clock, office.wang_retiree, "路口的照片和语音", attachments=ATTACHMENTS)
    wang = await sign_in(media_console, "wangfang")
    page = await (await wang.get(f"/console/ideas/{idea}")).text()
    [voice] = re.findall(r'<audio controls preload="none" src="([^"]+)"', page)
    [(photo, alt)] = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', page)
    [document] = re.findall(r'<a href="([^"]+)">打开张建国发来的文件</a>', page)
    assert alt == "张建国发来的照片（点开看大图）" and "一段语音" in page and "一张照片" in page
    assert await fetched(wang, voice) == (200, "audio/ogg", b"bytes-of-voice-of-zhang")
    assert await fetched(wang, photo) == (200, "image/jpeg", b"bytes-of-photo-of-zhang")
    assert (await fetched(wang, document))[::2] == (200, b"bytes-of-plan-of-zhang")
    listed = await (await wang.get(f"/console/ideas/{idea}/media")).text()
    assert all(word in text_of(listed) for word in ("语音", "照片", "文件")) and voice in listed
    opened = await services.core.db.fetch_value("SELECT count(*) FROM audit_log WHERE action = 'idea.media'")
    assert opened == 3  # each file fetched is audited, as through the API
    leader = await sign_in(media_console, "leader")  # a viewer reads ideas, and hears them too (as the API)
    assert (await fetched(leader, voice))[0] == 200


async def test_another_liaisons_idea_media_is_404(media_console, services, office, clock):
    mine = await add_idea(services, clock, office.wang_retiree, "我的", attachments=ATTACHMENTS[:1])
    theirs = await add_idea(services, clock, office.li_retiree, "村里办老年食堂", attachments=ATTACHMENTS[:1])
    part = await services.core.db.fetch_value("SELECT id FROM idea_parts WHERE idea_id = ? AND kind = 'voice'",
                                              (theirs,))
    li = await sign_in(media_console, "liqiang")
    assert (await fetched(li, f"/console/ideas/{theirs}/media?part={part}"))[0] == 200
    wang = await sign_in(media_console, "wangfang")
    for path in (f"/console/ideas/{theirs}/media?part={part}", f"/console/ideas/{theirs}/media",
                 f"/console/ideas/{mine}/media?part={part}"):  # nor under her own idea's address
        assert (await wang.get(path)).status == 404, path


async def test_without_a_bot_token_the_page_says_why_the_media_cannot_play(console, services, office, clock):
    idea = await add_idea(services, clock, office.wang_retiree, "路口的语音", attachments=ATTACHMENTS[:1])
    wang = await sign_in(console, "wangfang")
    page = await (await wang.get(f"/console/ideas/{idea}")).text()
    assert "没有配置机器人的令牌，现在听不了语音" in page
    [voice] = re.findall(r'<audio controls preload="none" src="([^"]+)"', page)
    resp = await wang.get(voice.replace("&amp;", "&"))
    assert resp.status == 503 and "机器人的令牌" in await resp.text()
