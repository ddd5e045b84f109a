"""Privacy (PIPL): what is kept, told at verification; 我的 → 我的信息; asking to delete it."""
from __future__ import annotations

# ---- privacy (PIPL): what is kept, told at verification; 我的 → 我的信息; asking to delete it ----------
PRIVACY_AT_BINDING = (
    "我们会保存您的姓名、电话和您在这里说的话，只用来为您办事、和您联系。"
    "想看保存了什么，或者想删除，请点「👤 我的」，再点「🔒 我的信息」。"
)
MINE_PRIVACY_BUTTON = "🔒 我的信息"
PRIVACY_DELETE_BUTTON = "🗑 申请删除我的信息"
PRIVACY_CONFIRM_BUTTON = "✅ 确定删除"
PRIVACY_KEEP_BUTTON = "不删了"
PRIVACY_MINE = "🔒 我的信息\n姓名：{name}\n手机：{phone}\n联系干部：{liaison}\n标签：{tags}"
PRIVACY_MINE_SENSITIVE = "\n{what}：已记下，只有工作人员能看"
PRIVACY_HEALTH = "健康情况"
PRIVACY_FAMILY = "家属电话"
PRIVACY_MINE_RECORDS = "\n\n我们还保存着：{records}。"
PRIVACY_MINE_NO_RECORDS = "\n\n除了这些，没有保存别的记录。"
PRIVACY_RECORD_HELP = "求助单 {n} 张"
PRIVACY_RECORD_IDEAS = "金点子 {n} 条"
PRIVACY_RECORD_MESSAGES = "留言 {n} 条"
PRIVACY_RECORD_ACTIVITIES = "活动报名 {n} 次"
PRIVACY_MINE_END = "\n\n这些只用来为您办事。想删除，请点「🗑 申请删除我的信息」。"
PRIVACY_MINE_PENDING = "\n\n您已经申请删除，工作人员正在办理，办好了会告诉您。"
PRIVACY_NONE = "没有"
PRIVACY_CONFIRM = (
    "删除以后，您的信息和在这里说过的话都会删掉，这个助手也不能再为您办事了。\n"
    "确定要删除吗？请点「✅ 确定删除」或「不删了」。"
)
PRIVACY_REQUESTED = "您的删除申请（编号 #{id}）已经交给工作人员了。办好了，会在这里告诉您。"
PRIVACY_ALREADY = "您已经申请过删除了，工作人员正在办理，办好了会告诉您。"
PRIVACY_NOT_DELETED = "好的，不删除。请点下面的按钮，选择要办的事。"
PRIVACY_TAP = "{thing}已经转给工作人员了。请点下面的按钮。"
PRIVACY_DONE = "您的信息已经全部删除了。谢谢您的信任！以后想再使用，请联系工作人员。"
PRIVACY_REJECTED = "您的删除申请（编号 #{id}）这次没有办理。\n原因：{reason}\n有疑问，请点「☎️ 找人工」。"
STAFF_PRIVACY_REQUEST = "【删除申请 #{id}】老同志申请删除本人的信息，请管理员在后台「隐私申请」中办理。"
