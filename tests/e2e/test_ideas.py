"""金点子 end to end: retirees tap through the real bot on the sandbox; staff review over HTTP."""
from __future__ import annotations

from tests.e2e.test_help import add_staff, staff_session
from tests.e2e.test_onboarding import MENU_ROWS, bound_user
from tests.factories import OTHER_ROSTER_PHONE, ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.store import ideas as idea_store

FIELD_ROWS = [["城市建设", "公共服务"], ["乡村振兴", "社会治理"], ["关心下一代", "文明创建"], ["其他"],
              [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]


async def propose(person, field: str, *said: str) -> dict:
    """金点子 -> a field -> what was said -> 说完了 -> 确认提交; returns the acknowledgement. Each tap
    waits for the keyboard it needs, as a person would."""
    await person.tap("💡 金点子")
    await person.wait_for_bot_message("哪方面")
    await person.tap(field)
    await person.wait_for_bot_message("请说说您的金点子")
    for words in said:
        await person.send_text(words)
        await person.wait_for_bot_message("已记下")
    await person.tap(texts.DONE_BUTTON)
    await person.wait_for_bot_message("请核对")
    await person.tap(texts.CONFIRM_BUTTON)
    return await person.wait_for_bot_message("已收到")


async def test_an_idea_from_the_chat_is_reviewed_adopted_and_implemented_and_the_retiree_sees_each_step(
        app, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)

    # the retiree: 金点子 -> a field -> words, a voice note and a photo -> check -> send
    await zhang.tap("💡 金点子")
    asked = await zhang.wait_for_bot_message("哪方面")
    assert asked["text"] == texts.IDEA_CHOOSE_FIELD and await zhang.keyboard_labels() == FIELD_ROWS
    await zhang.tap("城市建设")
    await zhang.wait_for_bot_message("请说说您的金点子")
    assert await zhang.keyboard_labels() == [[texts.DONE_BUTTON], [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    await zhang.send_text("建议在幸福路和和平路口加装红绿灯，老人过马路太危险")
    await zhang.wait_for_bot_message("已记下 1 条")
    await zhang.send_voice(duration=8)
    await zhang.wait_for_bot_message("已记下 2 条")
    await zhang.send_photo(caption="路口现在的样子")
    await zhang.wait_for_bot_message("已记下 3 条")
    await zhang.tap(texts.DONE_BUTTON)
    summary = await zhang.wait_for_bot_message("请核对")
    assert "方面：城市建设" in summary["text"] and "老人过马路太危险" in summary["text"]
    assert "语音 1 条" in summary["text"] and "照片 1 条" in summary["text"]
    assert await zhang.keyboard_labels() == [[texts.CONFIRM_BUTTON], [texts.RETELL_BUTTON],
                                             [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]
    await zhang.tap(texts.CONFIRM_BUTTON)
    received = await zhang.wait_for_bot_message("已收到")
    idea_id = await db.fetch_value("SELECT max(id) FROM ideas")
    assert received["text"].startswith(f"金点子 #{idea_id} 已收到，感谢您建言献策")
    assert await zhang.keyboard_labels() == MENU_ROWS

    # staff: the idea in the list, with what was sent; then each decision, which the retiree sees
    http, auth = await staff_session(app, "wangfang")
    async with http:
        listed = await (await http.get("/api/v1/ideas", headers=auth, params={"status": "submitted"})).json()
        assert [(i["id"], i["field"], i["retiree_name"]) for i in listed["items"]] == [(idea_id, "城市建设", "张建国")]
        detail = await (await http.get(f"/api/v1/ideas/{idea_id}", headers=auth)).json()
        assert [p["kind"] for p in detail["parts"]] == ["text", "voice", "photo"]
        assert all(p["file_id"] for p in detail["parts"][1:]) and detail["parts"][2]["text"] == "路口现在的样子"

        resp = await http.post(f"/api/v1/ideas/{idea_id}/review", headers=auth, json={"status": "reviewing"})
        assert resp.status == 200
        reviewing = await zhang.wait_for_bot_message("研究办理中")
        assert reviewing["text"] == f"您的金点子 #{idea_id} 正在研究办理中，有结果会马上告诉您。"

        resp = await http.post(f"/api/v1/ideas/{idea_id}/notes", headers=auth, json={"text": "需与交警大队协调"})
        assert resp.status == 201

        resp = await http.post(f"/api/v1/ideas/{idea_id}/review", headers=auth,
                               json={"status": "adopted", "reply": "已转交市交警支队，列入明年路口改造"})
        assert resp.status == 200
        adopted = await zhang.wait_for_bot_message("已被采纳")
        assert adopted["text"] == (f"好消息！您的金点子 #{idea_id} 已被采纳。感谢您建言献策！\n"
                                   "答复：已转交市交警支队，列入明年路口改造")

        resp = await http.post(f"/api/v1/ideas/{idea_id}/review", headers=auth, json={"status": "implemented"})
        assert resp.status == 200
        await zhang.wait_for_bot_message("已经落实了")
        refused = await http.post(f"/api/v1/ideas/{idea_id}/review", headers=auth, json={"status": "reviewing"})
        assert refused.status == 409

        stats = await (await http.get("/api/v1/stats/ideas", headers=auth)).json()
        assert (stats["overall"]["received"], stats["overall"]["adopted"], stats["overall"]["implemented"]) == (1, 1, 1)

    # the retiree: 我的 -> 我的金点子 -> the idea, with the office's reply and never the private note
    await zhang.tap("👤 我的")
    await zhang.wait_for_bot_message(texts.MINE_PROMPT)
    await zhang.tap(texts.MINE_IDEAS_BUTTON)
    listing = await zhang.wait_for_bot_message(texts.IDEA_MINE_LIST)
    assert zhang.inline_labels(listing) == [[f"#{idea_id} 城市建设 · 已落实"]]
    await zhang.press(f"#{idea_id} 城市建设 · 已落实")
    shown = await zhang.wait_for_bot_message(f"金点子 #{idea_id}（城市建设，已落实）")
    assert "已转交市交警支队" in shown["text"] and "老人过马路太危险" in shown["text"]
    assert not [m for m in await zhang.bot_messages() if "交警大队" in m.get("text", "")]
    assert [e.to_status for e in await idea_store.events(db, idea_id)] == [
        "submitted", "reviewing", "adopted", "implemented"]


async def test_a_duplicate_is_merged_and_both_retirees_hear_the_reason_it_was_not_adopted(app, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_staff(db, clock, "liqiang", "李强", "13900001002")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=wang)
    await add_retiree(db, clock, name="赵淑芬", phone=OTHER_ROSTER_PHONE, liaison_id=wang)
    zhang = await bound_user(sb, ROSTER_PHONE)
    zhao = await bound_user(sb, OTHER_ROSTER_PHONE)
    await propose(zhang, "公共服务", "社区医院周末也开门")
    first = await db.fetch_value("SELECT max(id) FROM ideas")
    await propose(zhao, "公共服务", "希望社区卫生站星期天开诊")
    second = await db.fetch_value("SELECT max(id) FROM ideas")

    http, auth = await staff_session(app, "liqiang")  # not their retirees
    async with http:
        assert (await http.get(f"/api/v1/ideas/{first}", headers=auth)).status == 404
        assert (await (await http.get("/api/v1/ideas", headers=auth)).json())["total"] == 0

    http, auth = await staff_session(app, "wangfang")
    async with http:
        itself = await http.post(f"/api/v1/ideas/{second}/merge", headers=auth, json={"into": second})
        assert itself.status == 409 and "into" in (await itself.json())["error"]["fields"]
        resp = await http.post(f"/api/v1/ideas/{second}/merge", headers=auth, json={"into": first})
        assert resp.status == 200 and (await resp.json())["status"] == "merged"
        merged = await zhao.wait_for_bot_message("想到一块儿了")
        assert f"#{second}" in merged["text"] and f"#{first}" in merged["text"]

        no_reason = await http.post(f"/api/v1/ideas/{first}/review", headers=auth, json={"status": "noted"})
        assert no_reason.status == 422 and "reply" in (await no_reason.json())["error"]["fields"]
        resp = await http.post(f"/api/v1/ideas/{first}/review", headers=auth,
                               json={"status": "noted", "reply": "区卫健局已安排周末门诊轮值，下月起执行"})
        assert resp.status == 200

    told_zhang = await zhang.wait_for_bot_message("暂未采纳")
    assert told_zhang["text"].startswith(f"您的金点子 #{first} 我们认真研究了")
    assert "原因：区卫健局已安排周末门诊轮值，下月起执行" in told_zhang["text"]
    told_zhao = await zhao.wait_for_bot_message("暂未采纳")
    assert told_zhao["text"].startswith(f"您的金点子 #{second}（与 #{first} 一并办理）我们认真研究了")
