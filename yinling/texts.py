"""Every sentence a retiree reads, in one catalogue (Simplified Chinese, plain words, 适老化).

Rules for what goes here: one question per message; say what to tap, by its exact label; never
rely on an emoji or colour alone for meaning (each button's words carry it); a way back and a way to
a person in every step.
"""
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

# ---- onboarding ------------------------------------------------------------------------------------
WELCOME_UNBOUND = (
    "您好！我是银龄助手，老干部工作的服务小助手。\n"
    "第一次使用，请先确认身份：点下面的「📱 验证手机号」按钮，再点「分享」或「确定」就行，不用打字。"
)
UNBOUND_NUDGE = "请先确认身份：点下面的「📱 验证手机号」按钮就行，不用打字。"
CONTACT_NOT_OWN = (
    "这个号码不是您本人的账号发来的。\n请点下面的「📱 验证手机号」按钮，发送您自己的手机号。"
)
CONTACT_UNREADABLE = "没能看清这个手机号。请点下面的「📱 验证手机号」按钮再试一次。"
BOUND_GREETING = "{name}，您好！身份已经确认。\n以后有什么事，点下面的大按钮就行。"
UNKNOWN_PHONE = (
    "谢谢您！您的手机号暂时不在我们的名单里。\n"
    "工作人员会尽快和您联系，核对好以后就能使用了。"
)
BOUND_ELSEWHERE = (
    "谢谢您！这个手机号已经在另一个账号上确认过了。\n"
    "工作人员会尽快和您联系核对，核对好以后就能在这个账号上使用了。"
)
PENDING_WAIT = "工作人员正在核对您的信息，请您耐心等一等。核对好了，我会马上告诉您。"
PENDING_WAIT_WITH_PHONE = PENDING_WAIT + "\n着急的话，可以打电话：{phone}。"

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

# ---- staff decisions on a pending registration ---------------------------------------------------------
REGISTRATION_APPROVED = "{name}，您好！工作人员已经核对好您的信息。\n以后有什么事，点下面的大按钮就行。"
REGISTRATION_REJECTED = "您好！工作人员核对后，暂时没能为您开通。如有疑问，请联系工作人员。"
REGISTRATION_REJECTED_WITH_PHONE = "您好！工作人员核对后，暂时没能为您开通。如有疑问，请打电话：{phone}。"

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

# ---- 活动报名 ---------------------------------------------------------------------------------------------
ACT_LIST = "最近可以报名的活动（点一下查看详情、报名）："
ACT_NONE = "最近没有可以报名的活动。有新活动时，我会告诉您。"
ACT_SEATS_LEFT = "还剩 {n} 个名额"
ACT_FULL_WAIT = "已满可候补"
ACT_LIST_ITEM = "{date} {title} · {seats}"
ACT_DETAILS = "【{kind}】{title}\n时间：{when}\n地点：{place}\n报名截止：{deadline}\n{seats}"
ACT_DETAILS_FULL = "名额已满，可以候补（现在有 {waiting} 人在等）。"
ACT_DETAILS_COMPANION = "可以带一位家属一起来。"
ACT_DETAILS_YOU_CONFIRMED = "您已报名，签到码：{code}。"
ACT_DETAILS_YOU_WAITING = "您在候补名单里，排第 {position} 位。"
ACT_ASK_COMPANION = "这个活动可以带一位家属一起来。您带家属吗？"
ACT_ASK_TRANSPORT = "需要接送吗？"
ACT_CONFIRMED = (
    "报名成功！\n活动：{title}\n时间：{when}\n地点：{place}\n签到码：{code}（到了以后告诉工作人员）{extras}\n"
    "活动前一天晚上和开始前两小时，我会提醒您。"
)
ACT_EXTRA_COMPANION = "\n带一位家属"
ACT_EXTRA_TRANSPORT = "\n需要接送：工作人员会和您联系时间"
ACT_WAITING = "「{title}」已经报满了，已为您排上候补，现在排第 {position} 位。\n有人取消时，我会马上告诉您。"
ACT_ALREADY_CONFIRMED = "您已经报过名了，签到码：{code}。"
ACT_ALREADY_WAITING = "您已经在候补名单里了，现在排第 {position} 位。"
ACT_DEADLINE_PASSED = "「{title}」的报名已经截止了。想了解情况，请点「☎️ 找人工」。"
ACT_STARTED = "「{title}」已经开始了，不能再报名或取消了。有事请点「☎️ 找人工」。"
ACT_IS_CANCELLED = "「{title}」已经取消了，不用报名了。"
ACT_NOT_FOR_YOU = (
    "「{title}」这次只面向部分老同志，您不在这次的名单里。\n想参加的话，可以点「☎️ 找人工」问问工作人员。"
)
ACT_ASK_LEAVE = "确定不去「{title}」了吗？"
ACT_ASK_LEAVE_WAITING = "确定不再候补「{title}」了吗？"
ACT_LEFT = "好的，已经为您取消了「{title}」的报名。欢迎下次再来参加。"
ACT_LEFT_WAITING = "好的，已经为您取消了「{title}」的候补。"
ACT_NOT_REGISTERED = "您没有报名「{title}」。"
ACT_PROMOTED = (
    "好消息！「{title}」有空位了，已经为您报上名。\n时间：{when}\n地点：{place}\n签到码：{code}\n"
    "如果去不了，请点「放弃名额」，让给其他老同志。"
)
ACT_CANCELLED_BY_OFFICE = "很抱歉，「{title}」（{when}）取消了。\n原因：{reason}\n给您添麻烦了。"
ACT_CHANGED = "「{title}」有变动，请留意：\n时间：{when}\n地点：{place}"
ACT_REMIND_EVE = "提醒您：明天{time}有活动「{title}」，地点：{place}。\n签到码：{code}。去不了的话，请点「取消报名」。"
ACT_REMIND_SOON = "提醒您：「{title}」两小时后（{time}）开始，地点：{place}。\n签到码：{code}。"
ACT_PUBLISHED = "新活动：【{kind}】{title}\n时间：{when}\n地点：{place}\n{seats}，报名截止：{deadline}。"
ACT_MINE_NONE = "您最近没有报名活动。点「📅 活动报名」看看有什么活动。"
ACT_MINE_LIST = "您报名的活动（点一下查看）："
ACT_MINE_STATUS = {"confirmed": "已报名", "waiting": "候补中", "cancelled": "活动取消"}
ACT_NOT_FOUND = "没有找到这个活动，可能已经结束了。请点下面的按钮重新选择。"
ACT_TOAST = {
    "confirmed": "报名成功", "waiting": "已排上候补", "already": "您已经报过名了", "deadline": "报名已截止",
    "started": "活动已经开始", "cancelled": "活动已取消", "not_for_you": "这次不在名单里", "left": "已取消报名",
}
ACT_EXPORT_STATUS = {"confirmed": "已报名", "waiting": "候补", "cancelled": "已取消"}
ACT_EXPORT_ATTENDANCE = {"attended": "已签到", "no_show": "未到"}
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

JOIN_BUTTON = "✅ 报名"
WAIT_BUTTON = "📝 候补"
LEAVE_BUTTON = "取消报名"
LEAVE_WAITING_BUTTON = "取消候补"
LEAVE_CONFIRM_BUTTON = "确定取消"
KEEP_BUTTON = "不取消了"
GIVE_UP_BUTTON = "放弃名额"
WITH_COMPANION_BUTTON = "带一位家属"
ALONE_BUTTON = "不带"
NEED_TRANSPORT_BUTTON = "需要接送"
NO_TRANSPORT_BUTTON = "不用接送"
ACT_BACK_TO_LIST = "↩️ 返回活动列表"
ACT_VIEW_BUTTON = "查看详情、报名"
MINE_ACTIVITIES_BUTTON = "📅 我的活动"


def day_label(moment) -> str:
    """'11月28日（星期六）' for a local datetime."""
    return f"{moment.month}月{moment.day}日（{WEEKDAYS[moment.weekday()]}）"


def clock_label(moment) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def when_label(start, end) -> str:
    """'11月28日（星期六）9:00—11:30'; an activity over several days names both days."""
    if start.date() == end.date():
        return f"{day_label(start)}{clock_label(start)}—{clock_label(end)}"
    return f"{day_label(start)}{clock_label(start)} 至 {day_label(end)}{clock_label(end)}"


# ---- 每日学习 (daily study) ----
STUDY_TODAY_BUTTON = "📰 今天的内容"
STUDY_PAST_BUTTON = "🗂 往期回顾"
STUDY_MINE_BUTTON = "🏅 我的学习"
STUDY_SETTINGS_BUTTON = "⏰ 订阅设置"
STUDY_DONE_BUTTON = "✅ 学完了"
STUDY_QUIZ_BUTTON = "📝 做一道小题"
STUDY_MENU_SUBSCRIBED = "📖 每日学习：每天一篇短文，几分钟就能读完。\n每天 {time} 发给您。请点下面的按钮。"
STUDY_MENU_UNSUBSCRIBED = (
    "📖 每日学习：每天一篇短文，几分钟就能读完。\n"
    "想每天按时收到，请点「⏰ 订阅设置」选一个时间。请点下面的按钮。"
)
STUDY_MENU_AGAIN = "请点下面的按钮：「📰 今天的内容」「🗂 往期回顾」「🏅 我的学习」或「⏰ 订阅设置」。"
STUDY_PIECE = "📖 {heading}\n【{topic}】{title}\n\n{body}"
STUDY_HEADING_TODAY = "今日学习 · {day}"
STUDY_HEADING_PAST = "往期回顾 · {day}"
STUDY_SOURCE = "\n\n（来源：{source}）"
STUDY_ALREADY_READ_NOTE = "\n\n✔ 这篇您已经学过了。"
STUDY_NOTHING_TODAY = "今天还没有新的学习内容。可以点「🗂 往期回顾」看看以前的。"
STUDY_PAST_LIST = "往期回顾：点一篇就能再看。打 ✔ 的是您学过的。"
STUDY_PAST_NONE = "还没有往期的内容。"
STUDY_PAST_ITEM = "{date} {title}{mark}"
STUDY_PAST_EARLIER = "更早的 ▶"
STUDY_NOT_FOUND = "这篇内容已经撤下了。请点下面的按钮，选择要办的事。"
STUDY_READ_TOAST = "已记下，积 1 分"
STUDY_READ_AGAIN_TOAST = "这篇已经记下了"
STUDY_READ_DONE = "👍 学完了！积 1 分。\n已经连续学习 {streak} 天，一共 {points} 分。"
STUDY_QUIZ = "来做一道小题（答对再积 1 分）：\n{question}\n\n{options}\n\n请点下面的按钮选择答案。"
STUDY_QUIZ_OPTION = "{letter}. {text}"
STUDY_RIGHT = "✅ 答对了！积 1 分。\n{explanation}"
STUDY_WRONG = "这次没答对，没关系。正确答案是 {letter}. {answer}\n{explanation}"
STUDY_RIGHT_TOAST = "答对了"
STUDY_WRONG_TOAST = "正确答案是 {letter}"
STUDY_ANSWERED_BEFORE = "这道题您已经答过了：您选的是 {chosen}，正确答案是 {letter}。"
STUDY_READ_FIRST = "请先读完这篇，点「✅ 学完了」，再来答题。"
STUDY_MINE = (
    "🏅 我的学习\n已经连续学习 {streak} 天\n一共 {points} 分\n"
    "本月学了 {days} 天，积 {month_points} 分"
)
STUDY_MINE_TODAY_OPEN = "\n今天的还没学，点「📰 今天的内容」就能看。"
STUDY_BOARD = "\n\n本月学习排行（自愿参加）：\n{lines}"
STUDY_BOARD_LINE = "第{rank}名 {name} {points}分"
STUDY_BOARD_EMPTY = "\n\n本月学习排行：还没有人上榜。"
STUDY_BOARD_HINT = "\n\n想和大家比一比，可以在「⏰ 订阅设置」里点「参加学习排行」。"
STUDY_BOARD_YOU = "\n您：第{rank}名，{points}分"
STUDY_SETTINGS_ON = "⏰ 订阅设置\n现在：每天 {time} 发给您。\n想换时间，点下面的时间；不想收了，点「暂停推送」。"
STUDY_SETTINGS_OFF = "⏰ 订阅设置\n现在：没有订阅。\n点一个时间，以后每天这个时间发给您。"
STUDY_TIME_BUTTON = "每天 {time}"
STUDY_TIME_CURRENT = "✔ 每天 {time}"
STUDY_STOP_BUTTON = "暂停推送"
STUDY_BOARD_JOIN_BUTTON = "参加学习排行"
STUDY_BOARD_LEAVE_BUTTON = "不参加学习排行"
STUDY_SUBSCRIBED = "好的，以后每天 {time} 把学习内容发给您。"
STUDY_SUBSCRIBED_FROM_TOMORROW = "好的，从明天起，每天 {time} 把学习内容发给您。今天的可以点「📰 今天的内容」看。"
STUDY_STOPPED = "好的，已经暂停，不再每天发给您了。想再收，点「⏰ 订阅设置」选个时间就行。"
STUDY_BOARD_JOINED = "好的，您参加了学习排行，别人能看到您的名字和分数。"
STUDY_BOARD_LEFT = "好的，您不参加学习排行了，别人看不到您的名字和分数。"


# ---- 金点子 (ideas to the government) ----
IDEA_CHOOSE_FIELD = "欢迎您建言献策！您的金点子是关于哪方面的？请点下面的按钮。"
IDEA_DESCRIBE = "请说说您的金点子。打字、发语音、发照片都可以，可以分几条说。\n说完了，请点「✅ 说完了」。"
IDEA_FIELD_FIRST = "收到了，先为您记下。请再点一下下面的按钮：您的金点子是关于哪方面的？"
IDEA_DESCRIBE_MORE = "好的。您刚才说的已经记下了（{count} 条）。还有要说的可以接着说，说完了请点「✅ 说完了」。"
IDEA_PART_RECEIVED = "收到了（已记下 {count} 条）。还有要说的可以接着说，说完了请点「✅ 说完了」。"
IDEA_NOTHING_YET = "您还没有说您的金点子。请打字、发语音或照片告诉我们，说完了再点「✅ 说完了」。"
IDEA_SUMMARY = "请核对一下：\n方面：{field}\n内容：{content}\n\n没问题请点「✅ 确认提交」。"
IDEA_SUBMITTED = "金点子 #{id} 已收到，感谢您建言献策！\n工作人员研究以后，会在这里告诉您结果。"
# What the submitter is told as the office decides. {ref} is "#56 ", or "#56（与 #60 一并办理）" for an
# idea merged into another, whose news is theirs too (so no space follows {ref} in the sentences).
IDEA_REF = "#{id} "
IDEA_REF_TOGETHER = "#{id}（与 #{into} 一并办理）"
IDEA_NEWS = {
    "reviewing": "您的金点子 {ref}正在研究办理中，有结果会马上告诉您。",
    "adopted": "好消息！您的金点子 {ref}已被采纳。感谢您建言献策！",
    "noted": "您的金点子 {ref}我们认真研究了，这次暂未采纳。\n原因：{reply}\n感谢您建言献策，欢迎继续提出好建议。",
    "implemented": "好消息！您的金点子 {ref}已经落实了。感谢您为大家出了好主意！",
}
IDEA_NEWS_REPLY = "\n答复：{reply}"  # after the news, when the office wrote something (noted says it as 原因)
IDEA_FURTHER_REPLY = "关于您的金点子 {ref}答复如下：\n{reply}"
IDEA_MERGED = (
    "您的金点子 #{id} 和另一条建议（#{into}）想到一块儿了，我们会把它们放在一起研究办理。"
    "以后有进展，会在这里告诉您。"
)
IDEA_STATUS = {"submitted": "已收到", "reviewing": "研究办理中", "adopted": "已采纳", "noted": "暂未采纳",
               "implemented": "已落实", "merged": "一并办理"}
IDEA_MINE_NONE = "您还没有提过金点子。有好建议时，点「💡 金点子」就行。"
IDEA_MINE_LIST = "您提的金点子（点一下可以查看）："
IDEA_MINE_ITEM = "#{id} {field} · {status}"
IDEA_VIEW_HEADER = "金点子 #{id}（{field}，{status}）"
IDEA_VIEW_TOGETHER = "与 #{into} 一并办理，现在：{status}"
IDEA_VIEW_SAID = "您说的：{content}"
IDEA_VIEW_REPLY = "{date} 答复：{reply}"
IDEA_NOT_FOUND = "没有找到这条金点子。请点下面的按钮重新选择。"
MINE_IDEAS_BUTTON = "💡 我的金点子"

STAFF_IDEA_CARD = "【金点子 #{id}】{name}（#{retiree_id}）· {field}\n{summary}"


# ---- 通知公告 (broadcast notices) ----
BROADCAST_HEADING = "📢 通知公告\n"
BROADCAST_ACK_BUTTON = "✅ 已阅"
BROADCAST_ACK_ASK = "\n\n看完请点下面的「✅ 已阅」。"
BROADCAST_REMINDER = "📢 提醒：这条通知您还没有点「已阅」，请看一看。\n\n"
BROADCAST_ACKED = "好的，已记下您看过这条通知了。谢谢！"
BROADCAST_ACK_TOAST = "已记下，谢谢"
BROADCAST_ACK_AGAIN_TOAST = "已经记下了"


# ---- 求助单: staff close or reopen a request (the retiree hears every change of state) ----
HELP_CLOSED_BY_STAFF = "您的求助单 #{id} 工作人员已办结。如果还有需要，直接在这里告诉我们就行。"
HELP_REOPENED_BY_STAFF = "您的求助单 #{id} 已重新打开，工作人员会继续跟进。"

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

# ---- staff login and passwords (the staff API and `yinling staff`) ------------------------------------
LOGIN_ACCOUNT_LOCKED = "这个账号登录失败次数太多，已暂时锁定，请 {minutes} 分钟后再试。"
LOGIN_ADDRESS_TOO_FAST = "从这个网络地址登录太频繁，请 {seconds} 秒后再试。"
PASSWORD_BLANK = "密码（password）不能只有空格。"
PASSWORD_TOO_SHORT = "密码（password）至少要 {least} 个字符。"
PASSWORD_COMMON = "密码（password）太常见，很容易被猜到，请换一个。"

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
