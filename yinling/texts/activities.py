"""活动报名: lists, details, signing up, reminders, and how days and times are said."""
from __future__ import annotations

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
