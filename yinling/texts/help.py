"""我要求助: the retiree's steps, what they hear as staff act, and the staff group's cards."""
from __future__ import annotations

# ---- 我要求助 ---------------------------------------------------------------------------------------------
HELP_CHOOSE_CATEGORY = "请问您需要哪方面的帮助？请点下面的按钮。"
HELP_DESCRIBE = (
    "请说说是什么事。打字、发语音、发照片都可以，可以分几条说。\n说完了，请点「✅ 说完了」。"
)
HELP_PART_RECEIVED = "收到了（已记下 {count} 条）。还有要说的可以接着说，说完了请点「✅ 说完了」。"
HELP_NOTHING_YET = "您还没有说是什么事。请打字、发语音或照片告诉我们，说完了再点「✅ 说完了」。"
HELP_ASK_URGENCY = "这件事急不急？"
HELP_SUMMARY = "请核对一下：\n类别：{category}\n内容：{content}\n紧急程度：{urgency}\n\n没问题请点「✅ 确认提交」。"
HELP_SUMMARY_MEDIA = "{text}（另有{media}）"
HELP_SUBMITTED = "求助单 #{id} 已收到。\n您的联系干部{liaison}会尽快跟进。请留意这里的消息。"
HELP_SUBMITTED_NO_LIAISON = "求助单 #{id} 已收到。\n工作人员会尽快跟进。请留意这里的消息。"
HELP_URGENT_ADVICE = "如果有生命危险，请马上拨打 120 急救电话；着火请拨打 119。"
HELP_URGENT_LIAISON_PHONE = "您的联系干部{liaison}的电话：{phone}。"
HELP_JOINED_OPEN = "您这一小时内提交的求助已经比较多了，这次的内容已经补充到求助单 #{id}，工作人员会一并处理。"
HELP_ACCEPTED = "您的求助单 #{id} 已受理，{staff}正在处理。"
HELP_REPLY = "关于求助单 #{id}，{staff}回复您：\n{text}"
HELP_RESOLVED = "您的求助单 #{id} 已处理完毕。请问问题解决了吗？"
HELP_PENDING = "您的求助单 #{id} 正在等待办理（{reason}），有进展会马上告诉您。"
HELP_REOPENED = "好的，求助单 #{id} 已重新打开，工作人员会继续跟进。"
HELP_CLOSED_THANKS = "太好了！请为这次服务打个分："
HELP_ASK_COMMENT = "谢谢您的评价！还有什么想说的吗？可以打字或发语音；不想说请点「不用了」。"
HELP_COMMENT_THANKS = "谢谢您的意见，我们会努力做得更好。"
HELP_ALREADY_RATED = "这张求助单已经评价过了，谢谢您！"
HELP_ADDED = "已补充到求助单 #{id}，工作人员会看到。还有要说的可以接着说，说完了请点「✅ 说完了」。"
HELP_ADD_PROMPT = "请说说要补充的内容（打字、语音、照片都可以），说完了请点「✅ 说完了」。"
HELP_MINE_NONE = "您还没有提交过求助。需要帮助时，点「🙋 我要求助」就行。"
HELP_MINE_LIST = "您最近的求助单（点一下可以查看）："
HELP_NOT_FOUND = "没有找到这张求助单。请点下面的按钮重新选择。"
HELP_THREAD_HEADER = "求助单 #{id}（{category}，{status}）"
HELP_STATUS = {"new": "已提交", "open": "处理中", "pending": "等待办理", "resolved": "已处理", "closed": "已完成"}
HELP_URGENCY = {"urgent": "很急", "normal": "不急"}
HELP_MEDIA_NAMES = {"voice": "语音", "photo": "照片", "document": "文件"}
HELP_WHO_RETIREE = "我"
HELP_WHO_STAFF = "工作人员"

DONE_BUTTON = "✅ 说完了"
URGENT_BUTTON = "🔴 很急"
NOT_URGENT_BUTTON = "不急"
CONFIRM_BUTTON = "✅ 确认提交"
RETELL_BUTTON = "✏️ 重新说"
NO_COMMENT_BUTTON = "不用了"
SOLVED_BUTTON = "问题解决了"
UNSOLVED_BUTTON = "还没解决"
ADD_MORE_BUTTON = "补充说明"
MINE_HELP_BUTTON = "📋 我的求助"
MINE_PROMPT = "请点下面的按钮，选择要看的内容。"

# Emergency words (falls, chest pain, ...) are one catalogue for the whole chat: yinling/emergency.py.
STAFF_HELP_CARD = "【求助单 #{id}】{urgent}{name}（#{retiree_id}）· {category}\n{summary}\n联系干部：{liaison}"
STAFF_URGENT_MARK = "🔴紧急 "
HELP_MERGED = "您的求助单 #{id} 和 #{into} 是同一件事，已经合并，以后请看 #{into} 的消息。"
STAFF_HELP_OVERDUE = "【超时】求助单 #{id}（{name}，{category}）{what}已超过时限，请{liaison}尽快处理。"
STAFF_OVERDUE_FIRST = "首次响应"
STAFF_OVERDUE_RESOLVE = "办结"

# ---- the staff group ------------------------------------------------------------------------------------
CLAIM_BUTTON = "接单"
VIEW_BUTTON = "查看"
STAFF_NOT_LINKED = "您还没有绑定工作人员账号：请把 /whoami 显示的编号交给管理员（yinling staff link）。"
STAFF_WHOAMI = "您的 Telegram 编号是 {user_id}。管理员执行：yinling staff link 用户名 {user_id}"
STAFF_CLAIMED = "已接单：求助单 #{id}"
STAFF_REPLY_SENT = "已转达给{name}（求助单 #{id}）。"
STAFF_NOT_A_CARD = "请回复某张求助单卡片，您的回复会转达给老同志。"
STAFF_CARD_VIEW = "#{id} {status} · {category}\n{summary}"
STAFF_HELP_REMIND = "【提醒】求助单 #{id}（{name}，{category}）约定今天再跟进，请{liaison}看一看。"

# ---- 求助单: staff close or reopen a request (the retiree hears every change of state) ----
HELP_CLOSED_BY_STAFF = "您的求助单 #{id} 工作人员已办结。如果还有需要，直接在这里告诉我们就行。"
HELP_REOPENED_BY_STAFF = "您的求助单 #{id} 已重新打开，工作人员会继续跟进。"
