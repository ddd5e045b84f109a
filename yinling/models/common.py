"""What every model shares."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Models that cross layers are values, not records to mutate."""

    model_config = ConfigDict(frozen=True)
