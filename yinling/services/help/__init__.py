"""我要求助: a retiree asks for help in a few taps, and a named person answers.

Chat states (stored in the dialog, so a restart resumes mid-flow):
    help.category -> help.describe (several messages) -> help.urgency -> help.confirm -> submitted
    help.add      adding to an existing request (我的求助 -> 补充说明), data: {"request": id}
    help.comment  the optional words after a satisfaction rating, data: {"request": id}
A draft lives in the dialog's data ({"category", "parts", "urgent"}); leaving with parts unsent
keeps them as a 留言 for staff, so nothing a person wrote is lost.

Statuses: new -> open (first reply or claim) <-> pending; -> resolved (staff) -> closed (the retiree
says it is solved, or rates it); resolved -> open again when they say it is not, or write about it
within REOPEN_WITHIN of its resolution. Staff may close any request and reopen a closed one.

The package, by job: chat.py (the steps a retiree walks, the request they make, add to and reopen,
我的求助), staff.py (what staff do through any face), jobs.py (SLA breaches and pending reminders,
timed), stats.py (the figures an office reports); base.py holds what they share. HelpService is
the one object the rest of the product sees.
"""
from __future__ import annotations

from yinling.services.help.base import CARD_SOURCE
from yinling.services.help.chat import HelpChat
from yinling.services.help.jobs import HelpJobs
from yinling.services.help.staff import HelpStaff
from yinling.services.help.stats import HelpStatsService


class HelpService(HelpChat, HelpStaff, HelpJobs):
    """我要求助 as one service: HelpChat, HelpStaff and HelpJobs over one HelpBase (core, human,
    the queue's counts)."""


__all__ = ["CARD_SOURCE", "HelpService", "HelpStatsService"]
