"""活动报名: staff publish activities; retirees sign up, wait, give up seats; reminders and check-in.

One write transaction decides every sign-up, cancellation and promotion (the writer connection is
serialised and BEGIN IMMEDIATE also serialises other processes), so capacity is never exceeded, a
retiree is never registered twice (also a UNIQUE constraint), and the waiting list is served in
arrival order (`seq`).

Chat buttons (inline; stateless, so an old button still does the right thing; the retiree's side is in
chat.py):
    act:list · act:view:{id} · act:join:{id}[:{companion 0|1}[:{transport 0|1}]] · act:leave:{id} (asks)
    · act:quit:{id} (gives the place up)
Capacity counts retirees; a family companion is counted beside them (for seating and buses), not
against the seats, so a promotion never has to split a pair.

The package, by job: chat.py (the steps a retiree walks, and the registration a sign-up writes),
staff.py (what staff do through any face: scope and the guards read inside each write are described
there), jobs.py (reminders and no-shows, timed); base.py holds what they share (wording, reminders
scheduled, seats filled from the waiting list). The registration list's workbook is laid out in
yinling/activity_io.py. ActivityService is the one object the rest of the product sees.
"""
from __future__ import annotations

from yinling.services.activities.chat import ActivityChat
from yinling.services.activities.jobs import ActivityJobs
from yinling.services.activities.staff import ActivityStaff


class ActivityService(ActivityChat, ActivityStaff, ActivityJobs):
    """活动报名 as one service: ActivityChat, ActivityStaff and ActivityJobs over one ActivityBase."""


__all__ = ["ActivityService"]
