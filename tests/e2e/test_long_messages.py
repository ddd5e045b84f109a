"""A help request told at great length: the summary the retiree checks is longer than a Telegram
message, so it arrives in parts, each exactly once and in order, the buttons with the last (issue
12: it used to arrive 45-48 times over, the first part again on every retry of a 429)."""
from __future__ import annotations

import asyncio

from tests.e2e.conftest import BOT_ID
from tests.e2e.test_help import add_staff
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.text_split import utf16_len

SENTENCES_PER_MESSAGE = 230  # about 3,400 characters a message, three messages


def told(message: int) -> list[str]:
    """Distinct sentences, so a lost, doubled or reordered stretch shows."""
    return [f"请帮忙看看第{message}-{n}号水管。" for n in range(SENTENCES_PER_MESSAGE)]


async def test_a_ten_thousand_character_summary_arrives_in_parts_once_each_with_the_buttons_last(
    app, sb, db, clock
):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await zhang.tap("🙋 我要求助")
    await zhang.wait_for_bot_message("哪方面")
    await zhang.tap("房屋维修")
    await zhang.wait_for_bot_message("请说说是什么事")
    said = [told(i) for i in range(3)]
    for count, sentences in enumerate(said, start=1):
        await zhang.send_text("".join(sentences))
        await zhang.wait_for_bot_message(f"已记下 {count} 条")
    await zhang.tap(texts.DONE_BUTTON)
    await zhang.wait_for_bot_message("急不急")
    await zhang.tap(texts.NOT_URGENT_BUTTON)
    before = zhang.last_seen

    # The per-chat limit (about one a second) paces the parts; the last carries 没问题请点.
    await zhang.wait_for_bot_message("没问题请点", timeout=20)
    await asyncio.sleep(2.5)  # long enough for a wrongly retried part to show up again
    parts = [m["text"] for m in await zhang.bot_messages(after=before)]

    summary = "".join(parts)
    assert 9_500 < len(summary) < 11_000
    assert len(parts) == 3 and len(set(parts)) == 3  # each part once
    assert parts[0].startswith("请核对一下") and parts[-1].endswith("没问题请点「✅ 确认提交」。")
    assert all(utf16_len(part) <= 4096 for part in parts)
    assert all(part.endswith(("。", "；")) for part in parts)  # cut at a sentence end
    positions = [summary.index(sentence) for sentences in said for sentence in sentences]
    assert positions == sorted(positions)  # every sentence there, in the order it was said

    sends = [c for c in await sb.calls(BOT_ID, "sendMessage")
             if c["status"] == 200 and c["params"].get("text") in parts]
    assert [c["params"]["text"] for c in sends] == parts  # no part sent twice, none out of order
    assert [bool(c["params"].get("reply_markup")) for c in sends] == [False, False, True]
    labels = await zhang.keyboard_labels()  # the confirm step's keyboard, shown since the last part
    assert labels[0] == [texts.CONFIRM_BUTTON] and [texts.RETELL_BUTTON] in labels

    await zhang.tap(texts.CONFIRM_BUTTON)
    await zhang.wait_for_bot_message("已收到", timeout=10)
