"""What every job of 我要求助 shares: the service's collaborators, a request's card in the staff group
(the chat posts it, the staff group's taps find the request by its source), and the columns of a
request opened again (by the retiree or by staff)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from yinling import texts
from yinling.models import Button, HelpRequest, Keyboard
from yinling.services.core import Core
from yinling.services.human import HumanService
from yinling.services.memo import ShortMemo
from yinling.sla import due_times
from yinling.store import help as help_store

CARD_SOURCE = "help-card:"  # the outbox source of a request's card in the staff group


def card_buttons(request_id: int) -> Keyboard:
    """Under a request's card in the staff group (yinling/services/staff_group.py takes the taps)."""
    return Keyboard.inline([
        Button(label=texts.CLAIM_BUTTON, action=f"hs:claim:{request_id}"),
        Button(label=texts.VIEW_BUTTON, action=f"hs:view:{request_id}"),
    ])


class HelpBase:
    def __init__(self, core: Core, human: HumanService) -> None:
        self.core = core
        self.human = human  # words that belong nowhere else still reach a person
        self._counted = ShortMemo()  # queue totals and counts; cleared by every write here

    def _reopened(self, request: HelpRequest, now: datetime) -> dict[str, Any]:
        """The columns of a resolved or closed request opened again, by staff or by the retiree (every
        reopen path writes these): open, with its clocks started again from now for its priority and
        category, and both breach flags cleared so a new breach is told again.

        The resolution is due anew: the old due time judged the work that ended, and keeping it would
        make the reopened request overdue at once. The first-response due time moves only for a request
        that was never answered (closed straight from new): one that was answered keeps its history,
        which the 响应率 statistics read."""
        first_due, resolve_due = due_times(self.core.settings, request.priority, request.category, now,
                                           self.core.clock.tz)
        changes: dict[str, Any] = {"status": "open", "resolved_at": None, "closed_at": None,
                                   "resolution_due": resolve_due, **help_store.BREACH_FLAGS_CLEARED}
        if request.first_response_at is None:
            changes["first_response_due"] = first_due
        return changes
