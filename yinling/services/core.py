"""What every service needs, built once and passed down."""
from __future__ import annotations

from dataclasses import dataclass

from yinling.clock import Clock
from yinling.config import Settings
from yinling.outbox import Outbox
from yinling.store.database import Database


@dataclass(frozen=True)
class Core:
    settings: Settings
    db: Database
    clock: Clock
    outbox: Outbox
