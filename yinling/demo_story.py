"""Two weeks of the demo office's work, ending at the moment the demo office is made, so that every
console page has something in it: help requests in each state (one urgent, one overdue) with replies
and private notes, messages in the inbox, three activities (one past with check-ins, one this
weekend, one next week full with a waiting list), 金点子 in each review state, a notice sent with
some 已阅 and one scheduled; daily study read and quizzes answered (yinling/demo_reading.py).

The same story every time: only the dates move with today (a weekend is the coming one). Retirees
speak as people do in the chat; staff answer as an office would. yinling/demo_office.py plays it
through the services.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from yinling import texts
from yinling.config import Settings
from yinling.demo_office import Office, Story, When
from yinling.demo_reading import daily_study
from yinling.demo_roster import DEMO_CHAT_USERS
from yinling.models import ActivityFields, Audience, BroadcastAudience, BroadcastDraft
from yinling.store.database import Database

OFFICE_SINCE = timedelta(days=30)  # the roster and the study pieces were entered a month before now


async def play_story(db: Database, settings: Settings, now: datetime) -> None:
    """The story, up to `now`, over a database holding the demo's people (and nothing else yet)."""
    when = When(now, settings.tz)
    story = Story(when)
    _the_chat_joined(story)
    _help_requests(story)
    _messages(story)
    _activities(story)
    _ideas(story)
    _notices(story)
    daily_study(story)
    _ticks(story)
    # No staff group while the story plays: its cards belong to an earlier sandbox's chats.
    office = Office(db, settings.model_copy(update={"staff_chat_id": None}), start=when.day(14, 8))
    await story.play(office)


def _the_chat_joined(story: Story) -> None:
    for n, (name, _) in enumerate(DEMO_CHAT_USERS):
        @story.at(story.when.day(13, 8, 30) + timedelta(minutes=7 * n))
        async def verify(office: Office, name: str = name) -> None:
            await office.verify(name)


def _help_requests(story: Story) -> None:
    w = story.when
    ids: dict[str, int] = {}

    def ask(key: str, moment: datetime, who: str, category: str, *words: str, urgent: bool = False) -> None:
        @story.at(moment)
        async def step(office: Office) -> None:
            ids[key] = await office.ask_help(who, category, words, urgent=urgent)

    def staff(key: str, moment: datetime, username: str, verb: str, text: str | None = None, *,
              remind_at: datetime | None = None, satisfaction: str | None = None) -> None:
        @story.at(moment)
        async def step(office: Office) -> None:
            actor, help_service, request_id = await office.actor(username), office.services.help, ids[key]
            if verb == "reply":
                await help_service.do_reply(actor, request_id, text or "")
            elif verb == "note":
                await help_service.do_note(actor, request_id, text or "")
            elif verb == "claim":
                await help_service.do_claim(actor, request_id)
            elif verb == "followup":
                await help_service.do_followup(actor, request_id, reached=True, result=text or "",
                                               satisfaction=satisfaction)
            else:
                await help_service.do_set_status(actor, request_id, verb, reason=text,
                                                 remind_at=remind_at)

    # closed: answered, fixed, and the retiree says so and rates it
    ask("zhao", w.day(12, 9, 5), "赵淑芬", "房屋维修",
        "卧室窗户的合页坏了，关不严实，晚上风呼呼往里灌。", "我们老两口自己修不了。")
    staff("zhao", w.day(12, 10, 30), "wangfang", "reply",
          "赵阿姨您好，我已经联系了物业的李师傅，明天上午十点上门给您换合页。")
    staff("zhao", w.day(11, 15, 10), "wangfang", "resolved", "物业已上门换好合页")

    @story.at(w.day(11, 18, 20))
    async def zhao_rates(office: Office) -> None:
        await office.tap("赵淑芬", f"help:solved:{ids['zhao']}", texts.SOLVED_BUTTON)
        await office.tap("赵淑芬", f"help:rate:{ids['zhao']}:满意", "满意")
        await office.say("赵淑芬", "李师傅手脚麻利，还帮我把纱窗也紧了紧，谢谢你们！")

    # open and overdue: the neighbour upstairs is away; the resolution is past due
    ask("huang", w.day(9, 10, 20), "黄玉梅", "房屋维修",
        "卫生间顶上一直往下渗水，墙皮都泡起来了。", "应该是楼上邻居家的水管漏了，敲门一直没人。")
    staff("huang", w.day(9, 14, 5), "wangfang", "reply",
          "黄阿姨，我已经跟物业说了，他们先去查楼上的水管，有进展我马上告诉您。")
    staff("huang", w.day(9, 14, 10), "wangfang", "note",
          "楼上502业主在外地，物业要等业主同意才能进门。已给业主打电话，没接。")
    staff("huang", w.day(6, 9, 30), "wangfang", "note", "又催了物业一次。业主说下周回兰州，回来就开门查。")

    # closed by staff: a question answered at once
    ask("wu", w.day(8, 10, 0), "吴秀兰", "政策咨询", "老干部活动中心的门球场周末开不开？我们几个老姐妹想去练练。")
    staff("wu", w.day(8, 10, 40), "wangfang", "reply",
          "吴阿姨，门球场周六、周日上午八点到十一点半开放，带上老干部活动证就能进。")
    staff("wu", w.day(8, 10, 45), "wangfang", "closed", "已答复")

    # resolved after a visit, with a follow-up call
    ask("ma", w.day(7, 16, 0), "马守仁", "心理关怀",
        "老伴走了快一年了，孩子们都在外地，一个人在家晚上总睡不着。", "想有个人能来说说话。")
    staff("ma", w.day(7, 16, 30), "liqiang", "claim")
    staff("ma", w.day(7, 16, 40), "liqiang", "reply",
          "马老，我明天上午十点去家里看您，顺便把社区老年活动的时间表带给您。")
    staff("ma", w.day(6, 11, 50), "liqiang", "note",
          "已上门看望，聊了一个多小时，情绪比电话里好。约好每周二给他打个电话。")
    staff("ma", w.day(6, 12, 0), "liqiang", "resolved", "已上门看望")
    staff("ma", w.day(3, 10, 30), "liqiang", "followup", "电话回访：马老说参加了主题党日，见了老同事，心情好多了。",
          satisfaction="满意")

    # pending: waiting on another office, with a day set to follow up
    ask("sun", w.day(6, 10, 0), "孙丽华", "政策咨询",
        "今年调了养老金，我的比一起退休的老同事少了一百多，想请单位帮忙核一下。")
    staff("sun", w.day(6, 10, 45), "liqiang", "claim")
    staff("sun", w.day(6, 11, 0), "liqiang", "reply",
          "孙阿姨，我把您的情况报给人社局核对了，一般要一到两周，有结果我第一时间告诉您。")
    staff("sun", w.day(5, 9, 30), "liqiang", "pending", "等人社局核对", remind_at=w.ahead(3, 9))

    ask("liu", w.day(5, 15, 0), "刘桂兰", "住院看病",
        "下个月要去省人民医院做白内障手术，儿子在外地回不来。", "想问问住院那几天能不能派人陪护一下。")
    staff("liu", w.day(5, 16, 20), "wangfang", "reply",
          "刘阿姨别着急。手术日期定下来告诉我，我帮您联系社区的志愿者陪护，也可以申请护理补贴。")
    staff("liu", w.day(5, 16, 25), "wangfang", "note", "需要志愿者陪护三天左右；护理补贴要带身份证、诊断证明到街道办。")
    staff("liu", w.day(4, 10, 0), "wangfang", "pending", "等医院排手术日期", remind_at=w.ahead(2, 9))

    # resolved the same day, then a follow-up call
    ask("zhou", w.day(4, 8, 30), "周国庆", "生活照料", "厨房下水道堵了，水下不去，还有一股味儿。")
    staff("zhou", w.day(4, 9, 0), "wangfang", "reply", "周叔叔，已经约了疏通师傅，今天下午两点左右到，您在家等一下。")
    staff("zhou", w.day(4, 16, 0), "wangfang", "resolved", "师傅已疏通")
    staff("zhou", w.day(3, 10, 0), "wangfang", "followup", "电话回访：下水道通了，师傅收费合理，周叔叔很满意。",
          satisfaction="满意")

    # open: answered, and the retiree answers back (his words join the request)
    ask("chen", w.day(2, 9, 40), "陈志强", "医疗健康",
        "我每年冬天去海南女儿家住，医保卡在那边看病报销不了。", "想问问异地就医备案怎么办。")
    staff("chen", w.day(2, 10, 15), "wangfang", "reply",
          "陈叔叔，异地就医备案可以在手机上的国家医保服务平台办，也能到医保中心窗口办。我后天上午到您家，手把手帮您在手机上弄。")

    @story.at(w.day(2, 10, 32))
    async def chen_answers(office: Office) -> None:
        await office.say("陈志强", "好的好的，谢谢王芳同志，我后天上午在家等你。")

    staff("chen", w.day(2, 10, 40), "wangfang", "note", "上门时帮他查好海南那边能直接结算的医院，写在纸上给他。")

    ask("zhu", w.day(2, 19, 20), "朱春梅", "其他", "我们小区门口的路灯坏了好几天了，晚上出去遛弯黑乎乎的。")
    staff("zhu", w.day(1, 8, 45), "liqiang", "claim")
    staff("zhu", w.day(1, 9, 0), "liqiang", "reply",
          "朱老师，已经报给街道城管科了，他们说这两天派人来换灯。修好了我告诉您。")

    # new: this afternoon's, one with no liaison, and an urgent one a few minutes ago
    ask("hu", w.ago(210), "胡建华", "生活照料",
        "想请个钟点工，每周来两次帮着打扫打扫卫生，社区有没有靠谱的推荐？")
    ask("gao", w.ago(130), "高文彬", "政策咨询",
        "听说高龄津贴涨了，我这样的要不要重新申请？要带什么材料？", "我腿脚不好，能不能让女儿替我去办。")
    ask("yang", w.ago(20), "杨振华", "医疗健康",
        "老伴早上起来头晕得厉害，量了血压一百八十多。", "吃了药还是不舒服，能不能请社区医生上门看看？", urgent=True)


def _messages(story: Story) -> None:
    """Words for staff outside any request (留言): one answered, three waiting."""
    w = story.when

    @story.at(w.day(5, 14, 0))
    async def yang_away(office: Office) -> None:
        await office.say("杨振华", "王芳同志，下个月我们老两口要去上海儿子家住一个月，这期间的活动就不参加了。")

    @story.at(w.day(5, 15, 30))
    async def wangfang_answers(office: Office) -> None:
        await office.services.inbox.do_send_message(
            await office.actor("wangfang"), await office.retiree_id("杨振华"),
            "杨老，好的，出门注意身体，到了上海给我报个平安。回来前跟我说一声。")

    @story.at(w.day(1, 8, 20))
    async def huang_again(office: Office) -> None:
        await office.say("黄玉梅", "王芳同志，卫生间还在渗水，墙皮一块一块往下掉，到底啥时候能来修啊？")

    @story.at(w.ago(95))
    async def wu_asks(office: Office) -> None:
        await office.say("吴秀兰", "王芳，下礼拜的智能手机课我孙女能陪我一起去吗？她说可以帮我记笔记。")

    @story.at(w.ago(50))
    async def gao_wants_a_person(office: Office) -> None:
        await office.say("高文彬", texts.HUMAN_BUTTON, "我腿脚不方便出不了门，这个月的党费能不能请人上门来收一下？",
                         texts.BACK_BUTTON)


def _coming_weekend(when: When) -> tuple[int, int, int]:
    """This weekend's day out (days ahead, hour, minute): Saturday morning; Sunday morning when today
    is Saturday; this afternoon on a Sunday morning; next Saturday once Sunday is half gone."""
    local = when.now.astimezone(when.tz)
    if local.weekday() == 5:
        return 1, 9, 30
    if local.weekday() == 6:
        return (0, 14, 30) if local.hour < 12 else (6, 9, 30)
    return 5 - local.weekday(), 9, 30


def _next_tuesday(when: When) -> int:
    """Days from today to next week's Tuesday."""
    return 8 - when.now.astimezone(when.tz).weekday()


def _activities(story: Story) -> None:
    w = story.when
    (weekend, hour, minute), tuesday = _coming_weekend(w), _next_tuesday(w)
    weekend_start = w.ahead(weekend, hour, minute)
    ids: dict[str, int] = {}
    activities = {
        "party": (w.day(13, 10), ActivityFields(
            title="主题党日：参观八路军兰州办事处纪念馆", kind="主题党日",
            description="集体参观，重温入党誓词。中心统一安排车辆，可带一名家属陪同。",
            place="八路军兰州办事处纪念馆（活动中心门口集合）", starts_at=w.day(6, 9), ends_at=w.day(6, 11, 30),
            signup_deadline=w.day(8, 18), capacity=20, audience=Audience(kind="party_members"),
            companion_allowed=True, ask_transport=True)),
        "show": (w.day(5, 9, 30), ActivityFields(
            title="老干部书画摄影作品展开幕式", kind="参观学习",
            description="展出老同志们今年创作的书画和摄影作品一百二十多幅。开幕式后自由参观，现场备有茶水。",
            place="市老干部活动中心一楼展厅", starts_at=weekend_start, ends_at=weekend_start + timedelta(hours=2),
            signup_deadline=w.ahead(weekend - 1, 18), capacity=40)),
        "phone": (w.day(3, 10), ActivityFields(
            title="老年大学：智能手机课（第一讲 微信视频通话）", kind="老年大学",
            description="手把手教您用微信和子女视频通话。请带上自己的手机，每位学员有一名志愿者一对一帮忙。",
            place="市老干部活动中心二楼教室", starts_at=w.ahead(tuesday, 9, 30), ends_at=w.ahead(tuesday, 11),
            signup_deadline=w.ahead(tuesday - 1, 18), capacity=6)),
    }
    for key, (moment, fields) in activities.items():
        @story.at(moment)
        async def publish(office: Office, key: str = key, fields: ActivityFields = fields) -> None:
            activity, _ = await office.services.activities.do_create(await office.actor("admin"), fields, notify=True)
            ids[key] = activity.id

    def join(key: str, moment: datetime, who: str, companion: int = 0, transport: int = 0,
             label: str = texts.JOIN_BUTTON) -> None:
        @story.at(moment)
        async def step(office: Office) -> None:
            await office.tap(who, f"act:view:{ids[key]}", texts.ACT_VIEW_BUTTON)
            await office.tap(who, f"act:join:{ids[key]}:{companion}:{transport}", label)

    for moment, who, companion, transport in (
            (w.day(13, 10, 20), "陈志强", 0, 1), (w.day(12, 8, 40), "刘桂兰", 0, 0), (w.day(12, 9, 15), "周国庆", 0, 0),
            (w.day(12, 19, 0), "杨振华", 1, 1), (w.day(11, 10, 5), "吴秀兰", 0, 1), (w.day(11, 20, 10), "朱春梅", 0, 0),
            (w.day(10, 9, 0), "高文彬", 1, 1), (w.day(10, 16, 30), "马守仁", 0, 1)):
        join("party", moment, who, companion, transport)
    for moment, who in ((w.day(5, 10), "周国庆"), (w.day(4, 9, 30), "赵淑芬"), (w.day(4, 20), "孙丽华"),
                        (w.day(3, 11), "黄玉梅"), (w.day(2, 15), "胡建华")):
        join("show", moment, who)
    for moment, who in ((w.day(3, 10, 30), "赵淑芬"), (w.day(3, 11), "刘桂兰"), (w.day(3, 14, 20), "黄玉梅"),
                        (w.day(3, 16), "吴秀兰"), (w.day(2, 9), "孙丽华"), (w.day(2, 20, 30), "朱春梅")):
        join("phone", moment, who)
    for moment, who in ((w.day(1, 10), "马守仁"), (w.day(1, 15, 30), "胡建华")):  # the class is full: they wait
        join("phone", moment, who, label=texts.WAIT_BUTTON)

    @story.at(w.day(6, 8, 40))
    async def at_the_door(office: Office) -> None:  # 高文彬 did not come: a no-show once it ends
        for username, names in (("wangfang", ("陈志强", "刘桂兰", "周国庆", "杨振华", "吴秀兰")),
                                ("liqiang", ("朱春梅", "马守仁"))):
            for name in names:
                await office.services.activities.do_checkin(await office.actor(username), ids["party"],
                                                            retiree_id=await office.retiree_id(name), code=None)
                office.clock.advance(timedelta(minutes=2))


def _ideas(story: Story) -> None:
    w = story.when
    ids: dict[str, int] = {}

    def send(key: str, moment: datetime, who: str, field: str, *words: str) -> None:
        @story.at(moment)
        async def step(office: Office) -> None:
            ids[key] = await office.send_idea(who, field, words)

    def review(key: str, moment: datetime, status: str, reply: str | None = None, note: str | None = None) -> None:
        @story.at(moment)
        async def step(office: Office) -> None:
            admin = await office.actor("admin")
            await office.services.ideas.do_review(admin, ids[key], status, reply)
            if note:
                await office.services.ideas.do_note(admin, ids[key], note)

    send("seats", w.day(13, 15), "吴秀兰", "文明创建",
         "公交车上老年人专座的提示牌字太小了，建议做大一点。", "好多年轻人看不清，不知道要让座。")
    review("seats", w.day(12, 10), "adopted", "您的建议已转给市公交集团，他们将更换大字提示牌。")
    review("seats", w.day(2, 11), "implemented", "全市公交车的老年人专座都换上了大字提示牌，感谢您的好建议！")
    send("benches", w.day(11, 10), "周国庆", "城市建设",
         "建议在黄河边的健身步道上多放几把长椅。", "我们老年人走一段就得歇歇脚，现在隔好远才有一个。")
    review("benches", w.day(10, 9), "reviewing", note="已转市园林局征求意见。")
    review("benches", w.day(3, 15), "adopted",
           "您的建议已被市园林局采纳：今年将在南北滨河路健身步道新增休息座椅四十处，年底前完工。感谢您对城市建设的关心！")
    send("market", w.day(9, 11), "胡建华", "城市建设",
         "建议小区旁边的菜市场晚上开到十点。", "上班的年轻人下班了买不上菜。")
    review("market", w.day(7, 10), "noted",
           "菜市场的营业时间由市场管理方确定，夜间营业还涉及噪音和治安管理，暂时无法采纳。您的意见已转给街道，供以后调整时参考。谢谢您！")
    send("clinic", w.day(5, 20), "陈志强", "公共服务",
         "社区卫生服务站能不能给老年人开个慢病取药的绿色通道？", "每个月拿降压药都要排一上午的队。")
    review("clinic", w.day(4, 9, 30), "reviewing", note="已和卫健委基层处联系，等他们的答复。")
    send("class", w.day(1, 10), "朱春梅", "关心下一代",
         "暑假里社区能不能办个四点半课堂？", "我们几个退休教师愿意义务来辅导孩子们写作业。")


def _notices(story: Story) -> None:
    w = story.when
    ids: dict[str, int] = {}
    guo = dict(DEMO_CHAT_USERS)["郭玉珍"]

    @story.at(w.day(3, 9))
    async def checkup(office: Office) -> None:
        office.blocked.add(guo)  # she blocked the bot: this notice finds out, and she is to be phoned
        broadcast = await office.services.broadcasts.do_create(await office.actor("admin"), BroadcastDraft(
            text="各位老同志：今年的老干部健康体检下个月开始，由市第一人民医院承担。请在本周五前告诉您的联系干部是否参加，"
                 "体检当天早上请空腹。", require_ack=True))
        ids["checkup"] = broadcast.id

    for moment, who in ((w.day(3, 9, 10), "赵淑芬"), (w.day(3, 9, 25), "陈志强"), (w.day(3, 9, 40), "周国庆"),
                        (w.day(3, 10, 30), "刘桂兰"), (w.day(3, 11, 15), "吴秀兰"), (w.day(3, 15), "马守仁"),
                        (w.day(3, 20), "朱春梅"), (w.day(2, 8, 30), "孙丽华")):
        @story.at(moment)
        async def acknowledge(office: Office, who: str = who) -> None:
            await office.tap(who, f"bc:ack:{ids['checkup']}", texts.BROADCAST_ACK_BUTTON)

    @story.at(w.day(2, 16))
    async def wangfang_reminds(office: Office) -> None:
        await office.services.broadcasts.do_create(await office.actor("wangfang"), BroadcastDraft(
            text="王芳提醒：天气转凉，早晚出门请添件衣服，带好老年卡和手机。有事随时给我打电话：13900001001。"))

    @story.at(w.day(1, 17))
    async def flu_shots(office: Office) -> None:
        await office.services.broadcasts.do_create(await office.actor("admin"), BroadcastDraft(
            text="各位老同志：流感高发季节到了，社区卫生服务站每周二、周四上午为六十五岁以上老人免费接种流感疫苗，"
                 "请带上身份证和医保卡。需要有人陪同的，请告诉您的联系干部。",
            audience=BroadcastAudience(kind="everyone"), require_ack=True, schedule_at=w.ahead(1, 9)))


def _ticks(story: Story) -> None:
    """The bot's timed work through each day: reminders, breaches, no-shows, study pushes, notices due."""
    w = story.when
    for days_ago in range(13, -1, -1):
        for hour, minute in ((7, 0), (8, 35), (18, 5)):
            moment = w.day(days_ago, hour, minute)
            if moment < w.now:
                @story.at(moment)
                async def tick(office: Office) -> None:
                    await office.tick()
