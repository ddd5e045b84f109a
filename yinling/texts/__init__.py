"""Every sentence a retiree reads, in one catalogue (Simplified Chinese, plain words, 适老化), one
module per capability; every name is also here (`texts.NAME`), as when this was one module.

Rules for what goes here: one question per message; say what to tap, by its exact label; never
rely on an emoji or colour alone for meaning (each button's words carry it); a way back and a way to
a person in every step.
"""
# ruff: noqa: F403  (the catalogue is the union of its modules: a text added to one is here at once)
from yinling.texts.activities import *
from yinling.texts.broadcasts import *
from yinling.texts.emergency import *
from yinling.texts.help import *
from yinling.texts.human import *
from yinling.texts.ideas import *
from yinling.texts.inbox import *
from yinling.texts.menu import *
from yinling.texts.onboarding import *
from yinling.texts.privacy import *
from yinling.texts.staff import *
from yinling.texts.study import *
