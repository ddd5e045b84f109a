"""Housekeeping that keeps the database small."""
from __future__ import annotations

from datetime import timedelta

from yinling.services.core import Core
from yinling.store import intake as intake_store
from yinling.store import updates as update_store

# Telegram re-delivers an update for at most a day; a week of ids is ample protection.
KEEP_UPDATE_IDS = timedelta(days=7)


class MaintenanceService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def do_prune_processed_updates(self) -> int:
        """Old update ids, and the raw JSON of old processed updates (the conversation keeps its
        columns). Returns how many update ids were pruned."""
        older_than = self.core.clock.now() - KEEP_UPDATE_IDS
        await intake_store.forget_raw(self.core.db, older_than=older_than)
        return await update_store.prune(self.core.db, older_than=older_than)
