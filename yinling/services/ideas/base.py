"""What every job of 金点子 shares: the service's collaborators."""
from __future__ import annotations

from yinling.services.core import Core


class IdeaBase:
    def __init__(self, core: Core) -> None:
        self.core = core
