"""The main menu, getting around (back, cancel, help), the bot's commands, and how typed words are
matched to buttons."""
from __future__ import annotations

import re
import unicodedata

# ---- the main menu: (action, label); an emoji precedes each label, the words carry the meaning ----
MENU: tuple[tuple[str, str], ...] = (
    ("help", "🙋 我要求助"),
    ("activities", "📅 活动报名"),
    ("study", "📖 每日学习"),
    ("ideas", "💡 金点子"),
    ("mine", "👤 我的"),
    ("human", "☎️ 找人工"),
)
MENU_LABELS = dict(MENU)
FEATURE_NAMES = {action: label.split(" ", 1)[1] for action, label in MENU}

VERIFY_BUTTON = "📱 验证手机号"
BACK_BUTTON = "↩️ 返回主菜单"
HUMAN_BUTTON = MENU_LABELS["human"]

# ---- the menu and getting around ----------------------------------------------------------------------
WELCOME_BACK = "{name}，您好！请点下面的按钮，选择要办的事。"
MENU_PROMPT = "请点下面的按钮，选择要办的事。"
CANCELLED = "好的，已经取消了。请点下面的按钮，选择要办的事。"
COMING_SOON = "「{feature}」正在准备中，很快就能用了。\n有事需要帮忙，请点「☎️ 找人工」。"
HELP = (
    "使用方法：\n"
    "1. 点屏幕下方的大按钮就能办事，不用打字。\n"
    "2. 想回到开头，点「↩️ 返回主菜单」，或者发送 /menu。\n"
    "3. 不想办了，发送 /cancel。\n"
    "4. 想找工作人员，点「☎️ 找人工」。"
)
UNSUPPORTED = "这个我还看不懂。您可以打字、发语音或照片，或者点下面的按钮。"
GENERIC_ERROR = "抱歉，刚才出了点问题，请您再试一次。着急的话，请点「☎️ 找人工」。"

# ---- Bot commands, shown in Telegram's menu -------------------------------------------------------------
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始使用"),
    ("menu", "回到主菜单"),
    ("help", "使用帮助"),
    ("cancel", "取消正在办的事"),
)

_DECORATION = re.compile(r"[\s\ufe0f\u200d\u20e3]+")


def plain(label: str) -> str:
    """A label without its emoji and spacing, so '我要求助' typed by hand matches '🙋 我要求助'."""
    text = unicodedata.normalize("NFKC", label)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Sk", "Cf"))
    return _DECORATION.sub("", text)


_MENU_BY_PLAIN = {plain(label): action for action, label in MENU}
_BACK_WORDS = {plain(BACK_BUTTON), "返回", "主菜单", "菜单", "回到主菜单"}


def menu_action(text: str | None) -> str | None:
    """The main-menu action a typed or tapped text means, if any."""
    return _MENU_BY_PLAIN.get(plain(text)) if text else None


def means_back(text: str | None) -> bool:
    return bool(text and plain(text) in _BACK_WORDS)

BUTTON_EXPIRED = "这个按钮已经过期了"
BUTTON_EXPIRED_MENU = "这个按钮已经过期了。请点下面的按钮，重新选择要办的事。"
