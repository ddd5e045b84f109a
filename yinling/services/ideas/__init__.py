"""金点子: a retiree sends an idea to the government in a few taps; the office reviews it and tells them.

Chat states (stored in the dialog, so a restart resumes mid-flow):
    idea.field -> idea.describe (several messages) -> idea.confirm -> submitted
A draft lives in the dialog's data ({"field", "parts"}); leaving with parts unsent keeps them as a
留言 for staff, so nothing a person wrote is lost. 我的 -> 我的金点子 lists them (inline idea:view:{id}).

Statuses: submitted -> reviewing -> adopted | noted (a reason, sent as the reply, is required);
adopted -> implemented; noted -> reviewing when the office reconsiders. Restating the current status
with a reply sends the submitter a further reply. `reply` holds the words sent with the latest review.
A duplicate is merged into another idea: it becomes `merged` (merged_into set; merges stay one level
deep) and its submitter hears the other idea's news from then on.

The package, by job: chat.py (the steps a retiree walks, 我的金点子), staff.py (the review, notes,
merges and figures, through any face; how each write re-reads the idea is described there); base.py
holds what they share. There is no timed work. IdeaService is the one object the rest of the product
sees.
"""
from __future__ import annotations

from yinling.services.ideas.chat import IdeaChat
from yinling.services.ideas.staff import IdeaStaff


class IdeaService(IdeaChat, IdeaStaff):
    """金点子 as one service: IdeaChat and IdeaStaff over one IdeaBase."""


__all__ = ["IdeaService"]
