"""通知公告: staff send a notice to an audience, now or at a set time; retirees may be asked to tap 已阅.

Delivery is the outbox's: one row per reachable recipient at bulk priority (source 'broadcast:{id}'),
so the sender paces it at Telegram's limit behind interactive replies, a killed process resumes it
(duplicates bounded by the sends in flight), 429s are obeyed and blocked users become unreachable
without retries. The recipients are fixed, in SQL, in the transaction that queues the notices.
Cancelling stops every notice not yet handed to the sender (those in its half-second window may go).
A scheduled notice is sent by the bot process's tick once due, so one due while the process was
down goes out at start-up.
Scope: a liaison sends to their own retirees only (any audience is narrowed to them; naming
others' retirees is refused) and reads their own broadcasts; admins send to anyone; viewers read.
Chat button: bc:ack:{id} (已阅, recorded once).

The package, by job: staff.py (what staff do through any face), jobs.py (scheduled notices, timed),
chat.py (the 已阅 tap); base.py holds what they share (the notice's words, the queueing).
BroadcastService is the one object the rest of the product sees; TEXT_LIMIT is the notice's longest
text, which the API's body model enforces too.
"""
from __future__ import annotations

from yinling.services.broadcasts.chat import BroadcastChat
from yinling.services.broadcasts.jobs import BroadcastJobs
from yinling.services.broadcasts.staff import TEXT_LIMIT, BroadcastStaff


class BroadcastService(BroadcastStaff, BroadcastJobs, BroadcastChat):
    """通知公告 as one service: BroadcastStaff, BroadcastJobs and BroadcastChat over one BroadcastBase."""


__all__ = ["TEXT_LIMIT", "BroadcastService"]
