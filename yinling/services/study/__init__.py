"""每日学习: a short piece a day, pushed at the time each retiree chose, with a quiz, points and streaks.

The day's piece and the daily push (sent once per retiree and day, also after a restart) are
described in jobs.py.
Points: 1 for reading (学完了), 1 for a right answer; each once per piece. A streak counts days with a read.

The package, by job: chat.py (the study menu, quizzes and settings in the chat, with its buttons),
staff.py (what staff do through any face), jobs.py (the daily push, timed); base.py holds what they
share. StudyService is the one object the rest of the product sees.
"""
from __future__ import annotations

from yinling.services.study.chat import StudyChat
from yinling.services.study.jobs import StudyJobs
from yinling.services.study.staff import StudyStaff


class StudyService(StudyChat, StudyStaff, StudyJobs):
    """每日学习 as one service: StudyChat, StudyStaff and StudyJobs over one StudyBase."""


__all__ = ["StudyService"]
