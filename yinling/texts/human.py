"""找人工 and 留言, and what the staff group is told about people (ids, not phone numbers)."""
from __future__ import annotations

# ---- 找人工 and 留言 ---------------------------------------------------------------------------------------
HUMAN_WITH_LIAISON = "您的联系干部是{liaison}，电话：{phone}。"
HUMAN_LIAISON_NO_PHONE = "您的联系干部是{liaison}。"
HUMAN_OFFICE = "工作人员电话：{phone}。"
HUMAN_NO_PHONE = "工作人员会尽快和您联系。"
HUMAN_LEAVE_MESSAGE = (
    "\n您也可以直接在这里说，打字、发语音、发照片都行，我会马上转给工作人员。\n"
    "说完了，点「↩️ 返回主菜单」。"
)
MESSAGE_FORWARDED = "收到了，已经转给工作人员，他们会尽快回复您。还有要说的，可以接着说。"
MESSAGE_KEPT = "您的话已经记下，转给了工作人员。想办别的事，请点下面的按钮。"

# ---- to staff (the staff group; ids, not phone numbers) ------------------------------------------------
STAFF_PENDING_REGISTRATION = (
    "【身份核对】Telegram 用户「{telegram_name}」验证了手机号 {phone}，{why}。"
    "请在后台「待审核」中处理（编号 {id}）。"
)
STAFF_WHY_UNKNOWN = "不在台账中"
STAFF_WHY_BOUND_ELSEWHERE = "该号码已绑定另一个账号"
STAFF_UNREACHABLE = "【无法联系】{name}（#{id}）{why}，机器人已发不出消息，请联系干部电话联系。"
STAFF_WHY_BLOCKED = "屏蔽了机器人"
STAFF_WHY_DEACTIVATED = "的账号已注销"
STAFF_HUMAN_REQUEST = "【找人工】{name}（#{id}）点了「找人工」，请{liaison}尽快联系。"
STAFF_MESSAGE = "【留言】{name}（#{id}）：{body}"
STAFF_MEDIA = {"voice": "[语音]", "photo": "[照片]", "document": "[文件]"}
NO_LIAISON = "值班人员"
