"""通知公告: how a notice arrives, and its 已阅 button."""
from __future__ import annotations

# ---- 通知公告 (broadcast notices) ----
BROADCAST_HEADING = "📢 通知公告\n"
BROADCAST_ACK_BUTTON = "✅ 已阅"
BROADCAST_ACK_ASK = "\n\n看完请点下面的「✅ 已阅」。"
BROADCAST_REMINDER = "📢 提醒：这条通知您还没有点「已阅」，请看一看。\n\n"
BROADCAST_ACKED = "好的，已记下您看过这条通知了。谢谢！"
BROADCAST_ACK_TOAST = "已记下，谢谢"
BROADCAST_ACK_AGAIN_TOAST = "已经记下了"
