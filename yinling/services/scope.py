"""Whether a staff member may see a retiree: a liaison only their own (anyone else's is NotFound,
as if absent), admins and viewers everyone. For services that read about one retiree by id."""
from __future__ import annotations

from yinling.errors import NotFound
from yinling.models import Actor, Retiree
from yinling.store import retirees as retiree_store
from yinling.store.rows import Reader


async def visible_retiree(conn: Reader, actor: Actor, retiree_id: int) -> Retiree:
    retiree = await retiree_store.get(conn, retiree_id)
    if retiree is None or (actor.scope_liaison_id is not None and retiree.liaison_id != actor.scope_liaison_id):
        raise NotFound("没有这位老同志")
    return retiree
