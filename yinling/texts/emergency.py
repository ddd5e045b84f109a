"""Emergency words, anywhere: the advice a retiree gets and what staff are told at once."""
from __future__ import annotations

# ---- emergency words, anywhere (yinling/emergency.py holds the catalogue) ----------------------------
EMERGENCY_ADVICE = (
    "⚠️ 您说的情况可能很危险！\n"
    "有生命危险，请马上拨打 120 急救电话；着火请拨打 119。"
)
EMERGENCY_GAS = "闻到煤气味：不要开灯、不要打火、不要打电话，先开窗，到屋外再打 119 或燃气公司电话。"
EMERGENCY_FIRE = "着火了：先离开屋子，不要坐电梯，到安全的地方再打 119。"
EMERGENCY_CALL_LIAISON = "也可以马上打给您的联系干部{liaison}：{phone}。"
EMERGENCY_CALL_OFFICE = "也可以马上打给工作人员：{phone}。"
EMERGENCY_STAFF_TOLD = "您说的话已经记下，工作人员已经收到紧急提醒。"
STAFF_EMERGENCY = "🚨【紧急】{who}说到「{kinds}」：\n{words}\n联系干部：{liaison}。请马上联系！"
STAFF_WHO_RETIREE = "{name}（#{id}）"
STAFF_WHO_UNKNOWN = "未验证的用户「{name}」（聊天 {chat}）"
STAFF_CALL_PHONE = "\n电话：{phone}"
STAFF_UNKNOWN_PERSON = "未验证的用户"
