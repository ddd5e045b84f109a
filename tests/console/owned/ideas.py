"""金点子: an idea sent by 李强's retiree (赵淑芬)."""
from __future__ import annotations

from yinling.models import Inbound
from yinling.store import ideas as idea_store


async def add_idea(services, clock, retiree_id: int, text: str, field: str = "城市建设",
                   attachments: tuple[Inbound, ...] = ()) -> int:
    """An idea as the chat stores it on 确认提交 (idea, its parts, the submitted event), without the
    chat: these pages only read it. `attachments`: voice notes, photos, files sent after the words."""
    now = clock.now()
    async with services.core.db.transaction() as tx:
        idea_id = await idea_store.create(tx, retiree_id=retiree_id, field=field, summary=text, now=now)
        for part in (Inbound(kind="text", text=text), *attachments):
            await idea_store.add_part(tx, idea_id, part, now=now)
        await idea_store.add_event(tx, idea_id, "submitted", now=now, to_status="submitted")
    return idea_id


async def foreign(office, services, clock) -> dict[str, int]:
    idea = await add_idea(services, clock, office.li_retiree, "村里办老年食堂", field="乡村振兴",
                          attachments=(Inbound(kind="voice", file_id="voice-of-zhao"),))
    return {path: idea for path in ("/ideas/{id}", "/ideas/{id}/media", "/ideas/{id}/review", "/ideas/{id}/merge",
                                    "/ideas/{id}/note")}
