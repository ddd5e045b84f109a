"""Privacy (PIPL): sensitive tags, and requests to delete what the office keeps."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from yinling.models.common import Frozen

# Tags that reveal health or vulnerability (困难 is 特殊困难): stored only with the retiree's separate
# consent (sensitive_consent), never shown per person to viewers. YINLING_SENSITIVE_TAGS adds an
# office's own (Settings.sensitive_tag_set is the whole set).
DEFAULT_SENSITIVE_TAGS: tuple[str, ...] = ("独居", "丧偶", "患病", "失能", "特殊困难")
PrivacyRequestStatus = Literal["pending", "completed", "rejected"]


class PrivacyRequest(Frozen):
    """A retiree's request, from the chat, to have what the office keeps about them deleted."""

    id: int
    retiree_id: int
    retiree_name: str | None = None  # 已删除 once completed
    liaison_id: int | None = None
    status: PrivacyRequestStatus
    reason: str | None = Field(None, description="rejected: why, as the retiree was told")
    message_id: int | None = Field(None, description="the inbox message it was kept as")
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = None
