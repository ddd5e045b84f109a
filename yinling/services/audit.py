"""Writing the audit log. Every row names actor, time, address, action, target and result;
`detail` says which fields or how many rows, never the personal values themselves."""
from __future__ import annotations

from yinling.models import Actor
from yinling.services.core import Core
from yinling.store import audit as audit_store
from yinling.store.database import Transaction


async def audit(
    core: Core,
    tx: Transaction,
    actor: Actor | None,
    action: str,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    result: str = "ok",
    detail: dict | None = None,
    ip: str | None = None,
    actor_name: str | None = None,
) -> None:
    await audit_store.append(
        tx,
        at=core.clock.now(),
        actor_id=actor.staff.id if actor else None,
        actor_name=actor.staff.username if actor else actor_name,
        ip=actor.ip if actor else ip,
        action=action,
        target_type=target_type,
        target_id=target_id,
        result=result,
        detail=detail,
    )


class AuditService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def page(self, *, action=None, actor_id=None, target_type=None, target_id=None, limit: int, offset: int):
        return await audit_store.page(
            self.core.db, action=action, actor_id=actor_id, target_type=target_type, target_id=target_id,
            limit=limit, offset=offset,
        )
