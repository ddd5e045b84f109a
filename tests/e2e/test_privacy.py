"""PIPL end to end: a retiree is told at verification what is kept, looks at 我的 → 我的信息 (the phone
masked), asks for deletion; an admin completes it over HTTP and the retiree is told in the chat."""
from __future__ import annotations

from tests.e2e.helpers import eventually
from tests.e2e.test_help import PASSWORD, add_staff, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.passwords import hash_password
from yinling.store import staff as staff_store


async def test_a_retiree_sees_what_is_kept_asks_for_deletion_and_is_told_when_it_is_done(app, sb, db, clock):
    async with db.transaction() as tx:
        await staff_store.insert(tx, username="admin", display_name="刘主任", role="admin",
                                 password_hash=hash_password(PASSWORD), now=clock.now())
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    retiree_id = await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison, tags=("空巢",))
    zhang = await bound_user(sb, ROSTER_PHONE)
    greeting = [m for m in await zhang.bot_messages() if "身份已经确认" in m.get("text", "")][-1]
    assert greeting["text"].endswith(texts.PRIVACY_AT_BINDING)

    await zhang.tap("👤 我的")
    await zhang.wait_for_bot_message(texts.MINE_PROMPT)
    await zhang.tap(texts.MINE_PRIVACY_BUTTON)
    info = await zhang.wait_for_bot_message("我的信息")
    assert "手机：138****0001" in info["text"] and ROSTER_PHONE not in info["text"]
    assert "联系干部：王芳" in info["text"] and "标签：空巢" in info["text"]
    assert await zhang.keyboard_labels() == [[texts.PRIVACY_DELETE_BUTTON], [texts.BACK_BUTTON, texts.HUMAN_BUTTON]]

    await zhang.tap(texts.PRIVACY_DELETE_BUTTON)
    await zhang.wait_for_bot_message(texts.PRIVACY_CONFIRM)
    await zhang.tap(texts.PRIVACY_CONFIRM_BUTTON)
    asked = await zhang.wait_for_bot_message("删除申请")
    assert "工作人员" in asked["text"]

    http, auth = await staff_session(app, "admin")
    async with http:
        listed = await (await http.get("/api/v1/privacy-requests", headers=auth)).json()
        [request] = listed["items"]
        assert (request["retiree_id"], request["status"]) == (retiree_id, "pending")
        done = await http.post(f"/api/v1/privacy-requests/{request['id']}/complete", headers=auth)
        assert done.status == 200 and (await done.json())["status"] == "completed"
        assert (await http.get(f"/api/v1/retirees/{retiree_id}", headers=auth)).status == 404

    told = await zhang.wait_for_bot_message(texts.PRIVACY_DONE)
    assert told["text"] == texts.PRIVACY_DONE
    assert await zhang.keyboard_labels() == []  # the menu is gone: they are no longer verified

    async def words_gone() -> bool:  # the sender's own bookkeeping of the farewell is all that is left
        return await db.fetch_value("SELECT count(*) FROM outbox WHERE text LIKE '%张建国%'") == 0

    await eventually(words_gone, what="the greeting naming him erased")
