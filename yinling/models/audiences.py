"""Audiences: who a notice or an activity is for."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import model_validator

from yinling.models.common import Frozen
from yinling.models.roster import AGED_TAG, RETIREE_TAGS, RetireeRecord, is_aged

AudienceKind = Literal["everyone", "tags", "party_members", "liaisons"]
AUDIENCE_TAGS: tuple[str, ...] = (*RETIREE_TAGS, AGED_TAG)


def audience_problem(kind: str, tags: tuple[str, ...] | list[str],
                     liaison_ids: tuple[int, ...] | list[int]) -> str | None:
    """What is missing or contradictory in an audience, if anything."""
    if kind == "tags" and not tags:
        return "kind 是 tags 时，tags 不能为空"
    if unknown := [t for t in tags if t not in AUDIENCE_TAGS]:
        return f"不认识这些标签：{'、'.join(unknown)}（可选：{'、'.join(AUDIENCE_TAGS)}）"
    if kind == "liaisons" and not liaison_ids:
        return "kind 是 liaisons 时，liaison_ids 不能为空"
    if (kind != "tags" and tags) or (kind != "liaisons" and liaison_ids):
        return f"kind 是 {kind} 时，不能给 tags 或 liaison_ids"
    return None


class Audience(Frozen):
    """everyone; retirees with any of `tags` (高龄 included, computed); party members; or the
    retirees of the liaisons in `liaison_ids`."""

    kind: AudienceKind = "everyone"
    tags: tuple[str, ...] = ()
    liaison_ids: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> Audience:
        if problem := audience_problem(self.kind, self.tags, self.liaison_ids):
            raise ValueError(problem)
        return self

    def includes(self, record: RetireeRecord, today: date) -> bool:
        """The same rule as the SQL in yinling.store.audiences, for one retiree in hand."""
        if self.kind == "party_members":
            return record.party_member
        if self.kind == "liaisons":
            return record.liaison_id in self.liaison_ids
        if self.kind == "tags":
            return any(t in record.tags or (t == AGED_TAG and is_aged(record.birth_date, today)) for t in self.tags)
        return True
