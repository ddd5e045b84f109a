"""通知: a notice 李强 sent to his own retiree (赵淑芬, not in the chat: she is on the phone list)."""
from __future__ import annotations

from yinling.models import Actor, BroadcastDraft
from yinling.store import staff as staff_store

PATHS = ("/notices/{id}", "/notices/{id}/progress", "/notices/{id}/remind", "/notices/{id}/cancel")


async def foreign(office, services, clock) -> dict[str, int]:
    li = await staff_store.get(services.core.db, office.li)
    assert li is not None
    notice = await services.broadcasts.do_create(Actor(staff=li, ip="127.0.0.1"),
                                                 BroadcastDraft(text="李强的通知：明天社区体检。", require_ack=True))
    return dict.fromkeys(PATHS, notice.id)
