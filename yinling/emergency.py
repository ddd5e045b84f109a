"""The one catalogue of emergency words, checked against everything a retiree types or captions.

Too many alarms beat one missed: a word matches anywhere in the text, negations included ("没摔倒"
still alarms; a person then looks). Text is compared after NFKC (full-width letters and digits
become plain), with spaces and punctuation removed and letters lower-cased, so "救 命！" and
"救命" match alike. Grouped by what happened, so staff cards can say which kind it was.
"""
from __future__ import annotations

import unicodedata

EMERGENCY_WORDS: dict[str, tuple[str, ...]] = {
    "摔倒": ("摔倒", "摔了", "摔跤", "跌倒", "跌了", "跌跤", "摔下", "滑倒", "绊倒", "起不来", "爬不起来",
             "站不起来", "动不了"),
    "胸痛": ("胸痛", "胸口痛", "胸口疼", "胸疼", "胸闷", "心口痛", "心口疼", "心绞痛", "心脏痛", "心脏疼",
             "心梗", "心脏病发", "心慌得厉害"),
    "呼吸": ("喘不上气", "喘不过气", "透不过气", "上不来气", "喘不动", "呼吸困难", "憋气", "憋得慌", "噎住",
             "卡住喉咙"),
    "中风": ("中风", "脑梗", "脑出血", "嘴歪", "口歪", "嘴角歪", "脸歪", "口眼歪斜", "说不出话", "说不了话",
             "说话不清", "口齿不清", "舌头发硬", "半边身子", "半身不遂", "半边麻", "手脚发麻", "一边没力气",
             "手抬不起来"),
    "昏迷": ("晕倒", "昏倒", "晕过去", "昏过去", "昏迷", "不省人事", "叫不醒", "没反应了", "抽搐", "抽筋不停"),
    "出血": ("出血", "流血", "吐血", "咯血", "便血", "血止不住", "大出血"),
    "火灾": ("着火", "起火", "失火", "火灾", "冒烟", "烧起来", "烧着了"),
    "煤气": ("煤气", "燃气", "天然气", "漏气", "一氧化碳", "液化气"),
    "中毒": ("中毒", "吃错药", "药吃多了", "喝了农药"),
    "求救": ("救命", "sos", "help", "快来人", "来人啊", "急救", "打120", "叫救护车", "救护车", "不行了",
             "快死了", "要死了", "疼得受不了", "痛得受不了"),
    "轻生": ("想死", "不想活", "活不下去", "自杀", "轻生", "寻死"),
}

_SKIPPED = {"Zs", "Po", "Ps", "Pe", "Pd", "Pi", "Pf", "Pc", "Cc", "Cf", "So", "Sk", "Sm"}


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch) not in _SKIPPED)


_NORMALISED: tuple[tuple[str, str], ...] = tuple(
    (kind, normalise(word)) for kind, words in EMERGENCY_WORDS.items() for word in words
)


def emergency_kinds(text: str | None) -> list[str]:
    """The kinds of emergency `text` speaks of, in catalogue order (empty: none)."""
    if not text:
        return []
    said = normalise(text)
    return list(dict.fromkeys(kind for kind, word in _NORMALISED if word in said))


def is_emergency(text: str | None) -> bool:
    return bool(emergency_kinds(text))
