"""收件箱: a help request and a message from 李强's retiree (赵淑芬), asked for in the chat; and 赵淑芬
herself (her chat's voice notes and photos)."""
from __future__ import annotations

from tests.factories import Events
from yinling.models import Contact, Inbound
from yinling.store import retirees as retiree_store

LI_USER = 9002  # 赵淑芬's Telegram account, unless another area's setup has verified her already
FIRST_EVENT = 8_800_000_000  # above any other area's event ids


async def foreign(office, services, clock) -> dict[str, int]:
    db = services.core.db
    zhao = await retiree_store.get(db, office.li_retiree)
    assert zhao is not None
    user_id = zhao.telegram_user_id or LI_USER
    events = Events(user_id=user_id, start=FIRST_EVENT)
    if zhao.telegram_user_id is None:
        await services.conversation.do_contact(events.next(), Contact(phone="13800000002", user_id=user_id))
    for words in ("🙋 我要求助", "生活照料", "需要人帮忙买菜", "✅ 说完了", "不急", "✅ 确认提交", "有空来一趟"):
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=words))
    request_id = await db.fetch_value("SELECT max(id) FROM help_requests WHERE retiree_id = ?", (office.li_retiree,))
    message_id = await db.fetch_value("SELECT max(id) FROM inbound_messages WHERE retiree_id = ?", (office.li_retiree,))
    assert request_id and message_id, "赵淑芬's help request and message were not stored"
    help_pages = ("", "/reply", "/note", "/claim", "/assign", "/status", "/merge", "/media")
    message_pages = ("", "/reply", "/handled", "/assign", "/media")
    return {
        **{f"/inbox/help/{{id}}{tail}": request_id for tail in help_pages},
        **{f"/inbox/messages/{{id}}{tail}": message_id for tail in message_pages},
        "/inbox/retirees/{id}/media": office.li_retiree,
    }
