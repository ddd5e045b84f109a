"""Is what a retiree typed (or captioned a voice note with) the answer to the question on screen?

Buttons are the way in, but many people type the button's words instead, or 要 / 不带 / 选A. This
module says yes only when the meaning is plain; anything else is no answer, and the caller keeps the
words where they belong and tells the retiree so (nothing a person says is dropped).

Comparison ignores emoji, spaces, width (ａ is a) and the punctuation around the words ("好的。").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from yinling import texts
from yinling.models import OPTION_LETTERS, Inbound

T = TypeVar("T")

_EDGE = "。.．，,！!？?、;；:：~～…'\"“”‘’「」『』（）()【】《》 "
_PARTICLES = ("吧", "呀", "啊", "吗", "的")
_LETTER = re.compile(r"^(?:我?选择?|答案是?|答)?([a-d])(?:[.、:)]?(.*))?$")

# Plain yes and no, for questions that are plainly yes-or-no (带家属吗？需要接送吗？).
YES = ("要", "是", "是的", "好", "好的", "对", "对的", "嗯", "行", "可以")
NO = ("不", "不要", "不是", "否", "不用", "不用了", "不需要", "不了", "算了")

# The words of each step's buttons, with what people say instead.
DONE = (texts.DONE_BUTTON, "完了", "说完了", "好了", "没了", "没有了", "就这些", "就这些了", "就这样")
URGENCY: dict[str, bool] = {
    **dict.fromkeys((texts.URGENT_BUTTON, "急", "很急", "紧急", "着急", "挺急", "比较急", "特别急", "非常急"), True),
    **dict.fromkeys((texts.NOT_URGENT_BUTTON, "不急", "不着急", "不太急", "不是很急", "不紧急", "不怎么急",
                     "还好"), False),
}
CONFIRM = (texts.CONFIRM_BUTTON, "确认", "提交", "确定", "确认提交", "没问题", "对", "对的", "好", "好的", "是", "是的",
           "可以", "行")
RETELL = (texts.RETELL_BUTTON, "重新说", "重说", "重来", "说错了")
NO_COMMENT = (texts.NO_COMMENT_BUTTON, "不用", "没有", "没有了", "没了", "不说了", "没什么", "没什么了", "算了", "不")
COMPANION_YES = (texts.WITH_COMPANION_BUTTON, "带", "带家属", "带一个", "带一位", "要带", "带一个家属")
COMPANION_NO = (texts.ALONE_BUTTON, "不带家属", "不带了", "一个人", "一个人去", "自己去", "我自己去")
TRANSPORT_YES = (texts.NEED_TRANSPORT_BUTTON, "需要", "要接送", "接送", "需要的")
TRANSPORT_NO = (texts.NO_TRANSPORT_BUTTON, "不需要", "不用接送", "不要接送", "不需要接送", "自己去", "我自己去")
SOLVED = (texts.SOLVED_BUTTON, "解决了", "已经解决了", "解决了谢谢", "好了", "办好了", "弄好了", "修好了")
UNSOLVED = (texts.UNSOLVED_BUTTON, "没解决", "没有解决", "还没有解决", "没有", "没好", "还没好", "没弄好", "没修好")
RATINGS = {"满意": "满意", "很满意": "满意", "非常满意": "满意", "基本满意": "基本满意", "还行": "基本满意",
           "还可以": "基本满意", "一般": "基本满意", "不满意": "不满意", "不太满意": "不满意"}


def words(inbound: Inbound) -> str | None:
    """What may be read as an answer: a text, or the caption of a voice note."""
    return inbound.text or None if inbound.kind in ("text", "voice") else None


def media_of(inbound: Inbound) -> Inbound | None:
    """The voice note or photo itself, without the caption that was read as an answer (it is kept
    where it belongs); None for a text."""
    return None if inbound.kind == "text" else inbound.model_copy(update={"text": None})


def key(said: str | None) -> str:
    """The words as compared: no emoji, spaces or width differences, no punctuation around them."""
    return texts.plain(said or "").strip(_EDGE).casefold()


def is_one_of(said: str | None, options: Iterable[str]) -> bool:
    said_key = key(said)
    return bool(said_key) and said_key in {key(option) for option in options}


def pick(said: str | None, choices: Mapping[str, T]) -> T | None:
    """The value whose label (or word) was said, if any."""
    said_key = key(said)
    if not said_key:
        return None
    return next((value for label, value in choices.items() if key(label) == said_key), None)


def yes_no(said: str | None, *, yes: Iterable[str] = (), no: Iterable[str] = ()) -> bool | None:
    """True or False for a plain yes or no (the question's own words first), else None."""
    if is_one_of(said, (*no, *NO)):
        return False
    if is_one_of(said, (*yes, *YES)):
        return True
    return None


def letter(said: str | None, options: Sequence[str]) -> int | None:
    """The quiz option chosen: its letter (A, ａ, 选A, A. ...), its letter and text, or its text."""
    said_key = key(said)
    if not said_key:
        return None
    found = _LETTER.match(said_key)
    if found:
        index = "abcd".index(found.group(1))
        rest = key(found.group(2))
        if index < len(options) and (not rest or rest in _PARTICLES or rest == key(options[index])):
            return index
        return None
    for index, option in enumerate(options):
        if said_key == key(option) or said_key == key(f"{OPTION_LETTERS[index]}. {option}"):
            return index
    return None
