"""The staff inbox: staff messages to a retiree, replies to them, and words said where a button was
expected (kept where they belong, and the retiree told so)."""
from __future__ import annotations

# ---- the staff inbox: messages, replies to staff -------------------------------------------------------
STAFF_MESSAGE_TO_RETIREE = "{staff}给您发来消息：\n{text}\n\n（想回复，直接打字或发语音就行。）"
REPLY_FORWARDED = "收到了，已转给{staff}。"
REPLY_FORWARDED_REQUEST = "收到了，已转给{staff}，补充到求助单 #{id}。"
STAFF_REPLY_NOTICE = "【回复】{name}（#{id}）回复了您：{body}"
STAFF_NEW_MESSAGES = "【新留言】有 {count} 条新留言待回复：{people}。请到收件箱查看。"
STAFF_UNREACHABLE_CALL = "【无法联系】{name}（#{id}）{why}，机器人已发不出消息，请打电话联系：{phone}"
NO_PHONE_ON_FILE = "（台账里没有电话）"

# ---- words said where a button was expected: kept where they belong, and the retiree told so ----------
SENT_THING = {"text": "您说的话", "voice": "您的语音", "photo": "您的照片", "document": "您的文件"}
PASSED_TO_STAFF = "{thing}已经转给工作人员了。"
TAP_TO_ANSWER = "请点下面的按钮回答。"
HELP_STARTED_AS_OTHER = "已按「其他」记下{thing}。还有要补充的可以接着说，说完了请点「✅ 说完了」。"
HELP_ADDED_TO_DRAFT = "{thing}已经加到这次求助里了（已记下 {count} 条）。"
HELP_ASK_URGENCY_BUTTONS = "这件事急不急？请点「🔴 很急」或「不急」。"
HELP_COMMENT_KEPT = "谢谢您的意见，已经记在求助单 #{id} 上，工作人员会看到。"
IDEA_ADDED_TO_DRAFT = "{thing}已经加到这条金点子里了。"
MINE_KEPT = "{thing}已经转给工作人员了。想看自己办的事，请点下面的按钮。"
UNBOUND_WORDS_KEPT = "您说的话已经记下，工作人员会看到。\n"
