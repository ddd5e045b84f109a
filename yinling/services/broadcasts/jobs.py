"""通知公告, timed work (the bot process's tick): scheduled notices sent once due, so one due while
the process was down goes out at start-up (a mixin of BroadcastService)."""
from __future__ import annotations

from yinling.services.audit import audit
from yinling.services.broadcasts.base import BroadcastBase
from yinling.store import broadcasts as store


class BroadcastJobs(BroadcastBase):
    async def do_send_due(self) -> int:
        """Scheduled notices whose time came (also while the process was down). Returns how many."""
        sent = 0
        for broadcast_id in await store.due(self.core.db, now=self.core.clock.now()):
            async with self.core.db.transaction() as tx:
                broadcast = await store.get(tx, broadcast_id)
                if broadcast is None or broadcast.status != "scheduled":  # cancelled meanwhile
                    continue
                now = self.core.clock.now()
                if not await self._send(tx, broadcast_id, broadcast, liaison=broadcast.created_by_liaison, now=now):
                    await store.mark_sending(tx, broadcast_id, now=now)  # nobody left in the audience: done
                await audit(self.core, tx, None, "broadcast.sent", target_type="broadcast", target_id=broadcast_id,
                            actor_name="scheduler")
            sent += 1
        return sent
