"""Pydantic models that cross layers. Frozen: they are values, not records to mutate."""
from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---- days and moments as people enter them: a sane window -------------------------------------------
# 9999-12-31 is a date, but 9999-12-31T20:00Z has no local time in Shanghai and no day after it, so one
# such activity broke 活动报名 for everyone. No office means a day outside this window: every date or
# moment that comes in (API bodies and query parameters, imported cells, service inputs) is held to it,
# naming the field; what is already stored is read back whatever it is.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUTSIDE_WINDOW = "must be between 1900-01-01 and 2100-12-31"
OUTSIDE_WINDOW_ZH = "日期应在 1900-01-01 到 2100-12-31 之间"  # for office staff reading an import's bad rows


def in_window(value: date | datetime) -> bool:
    return FIRST_DAY <= (value.date() if isinstance(value, datetime) else value) <= LAST_DAY


def window_problems(**values: date | datetime | None) -> dict[str, str]:
    """For services' checks: each named value outside the window, with the reason."""
    return {name: OUTSIDE_WINDOW for name, value in values.items() if value is not None and not in_window(value)}


def _sane(value: date) -> date:
    if not in_window(value):
        raise PydanticCustomError("day_out_of_window", OUTSIDE_WINDOW)
    return value


SaneDate = Annotated[date, AfterValidator(_sane)]
SaneDatetime = Annotated[datetime, AfterValidator(_sane)]
SaneAwareDatetime = Annotated[AwareDatetime, AfterValidator(_sane)]


# ---- outgoing messages (channel-neutral) ---------------------------------------------------------


class Priority(IntEnum):
    """Lower sends first: a reply to a tap is never stuck behind a notice to ten thousand people."""

    INTERACTIVE = 0
    NORMAL = 1
    BULK = 2


class Button(Frozen):
    """One button. `action` is what comes back when it is pressed (inline buttons only);
    `request` asks the channel for something of the person's own (their phone number)."""

    label: str
    action: str | None = None
    request: Literal["contact"] | None = None


class Keyboard(Frozen):
    """`choices`: big buttons under the input field that send their label (the main menu);
    `inline`: buttons attached to the message that send their action;
    `remove`: take the big buttons away."""

    kind: Literal["choices", "inline", "remove"]
    rows: tuple[tuple[Button, ...], ...] = ()

    @classmethod
    def choices(cls, *rows: list[str] | tuple[str, ...]) -> Keyboard:
        return cls(kind="choices", rows=tuple(tuple(Button(label=label) for label in row) for row in rows))

    @classmethod
    def inline(cls, *rows: list[Button] | tuple[Button, ...]) -> Keyboard:
        return cls(kind="inline", rows=tuple(tuple(row) for row in rows))

    @classmethod
    def remove(cls) -> Keyboard:
        return cls(kind="remove")


class MediaRef(Frozen):
    kind: Literal["photo", "voice", "document"]
    file_id: str | None = None  # the channel's id of a file it already has
    path: str | None = None  # a local file to upload


class OutgoingMessage(Frozen):
    chat_id: int
    text: str
    retiree_id: int | None = None
    keyboard: Keyboard | None = None
    media: MediaRef | None = None
    priority: Priority = Priority.NORMAL
    source: str | None = None


class QueuedMessage(Frozen):
    """An outbox row as the sender sees it."""

    id: int
    chat_id: int
    retiree_id: int | None
    text: str
    keyboard: Keyboard | None
    media: MediaRef | None
    priority: Priority
    attempts: int
    source: str | None


# ---- people ----------------------------------------------------------------------------------------

StaffRole = Literal["admin", "liaison", "viewer"]


class Staff(Frozen):
    id: int
    username: str
    display_name: str
    role: StaffRole
    phone: str | None = None
    active: bool = True
    telegram_user_id: int | None = None  # linked (yinling staff link): may act and be told in Telegram


class Retiree(Frozen):
    """A retiree as the chat needs them (the whole file is RetireeRecord)."""

    id: int
    name: str
    birth_date: date | None = None
    party_join_date: date | None = None
    liaison_id: int | None = None
    telegram_user_id: int | None = None
    telegram_chat_id: int | None = None
    reachable: bool = True

    @property
    def bound(self) -> bool:
        return self.telegram_user_id is not None

    @property
    def polite_name(self) -> str:
        """How the bot addresses a retiree: full name + 同志, the form these offices use in writing
        (a surname + 老 would break on two-character surnames such as 欧阳)."""
        return f"{self.name}同志"


class Dialog(Frozen):
    chat_id: int
    state: str = "idle"
    data: dict = Field(default_factory=dict)


class PendingRegistration(Frozen):
    id: int
    telegram_user_id: int
    telegram_chat_id: int
    phone: str
    telegram_name: str
    reason: Literal["unknown_phone", "bound_elsewhere", "shared_phone"]
    status: Literal["pending", "approved", "rejected"]
    created_at: datetime


# ---- what a chat face hands to the core -----------------------------------------------------------


class Contact(Frozen):
    phone: str
    user_id: int | None  # whose contact card it is, when the channel knows


class Inbound(Frozen):
    """Something a person sent that is not a button: text, or a voice note / photo / document."""

    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None


class ChatEvent(Frozen):
    """One thing that happened in a chat. `event_id` is the channel's id for it (Telegram's
    update_id): an event seen twice has one effect."""

    event_id: int
    user_id: int
    chat_id: int
    display_name: str = ""


# ---- the roster (台账 / 一人一档) -------------------------------------------------------------------

RETIREE_TAGS: tuple[str, ...] = ("独居", "丧偶", "患病", "失能", "空巢", "异地居住", "特殊困难")
AGED_TAG = "高龄"  # never stored: computed from the birth date (80 or older)
AGED_FROM = 80
Gender = Literal["男", "女"]
RetirementType = Literal["离休", "退休"]


class FamilyContact(Frozen):
    name: str
    relation: str | None = None
    phone: str | None = None


class RetireeFields(Frozen):
    """What staff may write about a retiree (create, edit, import)."""

    name: str
    gender: Gender | None = None
    birth_date: date | None = None
    phones: tuple[str, ...] = ()
    address: str | None = None
    former_unit: str | None = None
    former_post: str | None = None
    retirement_type: RetirementType | None = None
    party_member: bool = False
    party_join_date: date | None = None
    liaison_id: int | None = None
    tags: tuple[str, ...] = ()
    hobbies: str | None = None
    health_notes: str | None = None
    family: FamilyContact | None = None
    sensitive_consent: bool = False
    notes: str | None = None


class RetireeRecord(RetireeFields):
    """One retiree's whole file (一人一档), as staff with full access see it."""

    id: int
    liaison_name: str | None = None
    telegram_bound: bool = False
    reachable: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def is_aged(birth_date: date | None, today: date) -> bool:
    age = age_on(birth_date, today)
    return age is not None and age >= AGED_FROM


class RosterFilter(Frozen):
    liaison_id: int | None = None
    tag: str | None = None
    q: str | None = None
    q_phones: bool = True  # q also matches phone numbers (only for those who may see them)
    bound: bool | None = None
    reachable: bool | None = None


class AuditEntry(Frozen):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    ip: str | None
    action: str
    target_type: str | None
    target_id: int | None
    result: str
    detail: dict


class Actor(Frozen):
    """Who is acting through the staff API, and from where."""

    staff: Staff
    ip: str | None = None

    @property
    def role(self) -> StaffRole:
        return self.staff.role

    @property
    def scope_liaison_id(self) -> int | None:
        """A liaison sees only their own retirees; admins and viewers see the whole roster."""
        return self.staff.id if self.staff.role == "liaison" else None

    @property
    def sees_sensitive(self) -> bool:
        return self.staff.role in ("admin", "liaison")


# ---- help requests (我要求助) ----------------------------------------------------------------------

HELP_CATEGORIES: tuple[str, ...] = ("生活照料", "医疗健康", "住院看病", "房屋维修", "心理关怀", "政策咨询", "其他")
MEDICAL_CATEGORIES = frozenset({"医疗健康", "住院看病"})  # 患病必访、住院必访: they open a visit task
HelpStatus = Literal["new", "open", "pending", "resolved", "closed"]
HelpPriority = Literal["low", "normal", "high", "urgent"]
Satisfaction = Literal["满意", "基本满意", "不满意"]


class HelpRequest(Frozen):
    id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    category: str
    priority: HelpPriority
    status: HelpStatus
    assignee_id: int | None = None
    assignee_name: str | None = None
    summary: str = ""
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    first_response_due: datetime
    resolution_due: datetime
    remind_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    satisfaction_comment: str | None = None
    merged_into: int | None = None


class HelpMessage(Frozen):
    id: int
    request_id: int
    author: Literal["retiree", "staff", "note"]
    staff_id: int | None = None
    staff_name: str | None = None
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    created_at: datetime


class HelpEvent(Frozen):
    id: int
    request_id: int
    at: datetime
    staff_id: int | None = None
    kind: str
    detail: dict = Field(default_factory=dict)


class HelpFilter(Frozen):
    status: HelpStatus | None = None
    category: str | None = None
    priority: HelpPriority | None = None
    assignee: Literal["me", "unassigned"] | int | None = None
    retiree_id: int | None = None
    overdue: bool | None = None
    q: str | None = None


# ---- audiences: who a notice or an activity is for ---------------------------------------------------

AudienceKind = Literal["everyone", "tags", "party_members", "liaisons"]
AUDIENCE_TAGS: tuple[str, ...] = (*RETIREE_TAGS, AGED_TAG)


def audience_problem(kind: str, tags: tuple[str, ...] | list[str],
                     liaison_ids: tuple[int, ...] | list[int]) -> str | None:
    """What is missing or contradictory in an audience, if anything."""
    if kind == "tags" and not tags:
        return "audience kind 'tags' needs tags"
    if unknown := [t for t in tags if t not in AUDIENCE_TAGS]:
        return f"unknown tags: {', '.join(unknown)} (known: {', '.join(AUDIENCE_TAGS)})"
    if kind == "liaisons" and not liaison_ids:
        return "audience kind 'liaisons' needs liaison_ids"
    if (kind != "tags" and tags) or (kind != "liaisons" and liaison_ids):
        return f"audience kind '{kind}' takes no tags or liaison_ids"
    return None


class Audience(Frozen):
    """everyone; retirees with any of `tags` (高龄 included, computed); party members; or the
    retirees of the liaisons in `liaison_ids`."""

    kind: AudienceKind = "everyone"
    tags: tuple[str, ...] = ()
    liaison_ids: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> Audience:
        if problem := audience_problem(self.kind, self.tags, self.liaison_ids):
            raise ValueError(problem)
        return self

    def includes(self, record: RetireeRecord, today: date) -> bool:
        """The same rule as the SQL in yinling.store.audiences, for one retiree in hand."""
        if self.kind == "party_members":
            return record.party_member
        if self.kind == "liaisons":
            return record.liaison_id in self.liaison_ids
        if self.kind == "tags":
            return any(t in record.tags or (t == AGED_TAG and is_aged(record.birth_date, today)) for t in self.tags)
        return True


# ---- activities (活动报名) ---------------------------------------------------------------------------

ACTIVITY_KINDS: tuple[str, ...] = ("主题党日", "老年大学", "文体比赛", "体检", "参观学习", "座谈会", "志愿服务", "其他")
ActivityKind = Literal["主题党日", "老年大学", "文体比赛", "体检", "参观学习", "座谈会", "志愿服务", "其他"]
RegistrationStatus = Literal["confirmed", "waiting", "cancelled"]


class ActivityFields(Frozen):
    title: str
    kind: ActivityKind
    description: str = ""
    place: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    capacity: int
    audience: Audience = Audience()
    companion_allowed: bool = False
    ask_transport: bool = False


class Activity(ActivityFields):
    id: int
    status: Literal["published", "cancelled"]
    cancel_reason: str | None = None
    cancelled_at: datetime | None = None
    created_by: int | None = None
    created_by_liaison: int | None = Field(
        None, description="set when a liaison published it: it is for that liaison's retirees only")
    created_at: datetime
    updated_at: datetime
    confirmed: int = 0
    waiting: int = 0
    companions: int = 0

    @property
    def open_seats(self) -> int:
        return max(0, self.capacity - self.confirmed)

    def offered_to(self, record: RetireeRecord, today: date) -> bool:
        """Its audience, within its liaison's own retirees when a liaison published it (the same rule
        as yinling.store.audiences.where with `liaison`)."""
        if self.created_by_liaison is not None and record.liaison_id != self.created_by_liaison:
            return False
        return self.audience.includes(record, today)


class ActivityRegistration(Frozen):
    id: int
    activity_id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    status: RegistrationStatus
    seq: int
    code: str
    companion: bool = False
    needs_transport: bool = False
    attendance: Literal["attended", "no_show"] | None = None
    checked_in_at: datetime | None = None
    created_at: datetime
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: Literal["retiree", "staff"] | None = None


# ---- daily study (每日学习) ----
STUDY_TOPICS = ("政策解读", "党史", "时事", "健康养生", "防诈骗", "智能手机")
StudyTopic = Literal["政策解读", "党史", "时事", "健康养生", "防诈骗", "智能手机"]
PUSH_TIMES = ("07:00", "08:30", "12:00", "19:00")  # the choices offered in the chat
DEFAULT_PUSH_TIME = "08:30"
OPTION_LETTERS = "ABCD"


class Quiz(Frozen):
    question: str
    options: tuple[str, ...]
    answer: int  # index into options (0-based); people see and type letters A-D
    explanation: str = ""

    @property
    def answer_letter(self) -> str:
        return OPTION_LETTERS[self.answer]


class StudyPieceFields(Frozen):
    """A piece is either dated (publish_on, one per day) or queued (queue_position): the day's piece is
    the dated one, else the next never-shown piece of the queue."""

    title: str
    body: str
    source: str = ""
    topic: StudyTopic
    quiz: Quiz | None = None
    publish_on: date | None = None
    queue_position: int | None = None


class StudyPiece(StudyPieceFields):
    id: int
    shown_on: date | None = None  # the day it was (or is) the day's piece
    withdrawn_at: datetime | None = None
    created_by: int | None = None
    created_at: datetime
    updated_at: datetime


class StudySubscription(Frozen):
    retiree_id: int
    active: bool = False
    push_time: str = DEFAULT_PUSH_TIME
    starts_on: date | None = None
    on_leaderboard: bool = False


class StudyRead(Frozen):
    piece_id: int
    read_on: date
    choice: int | None = None
    correct: bool | None = None


class StudyProgress(Frozen):
    """我的学习: what a retiree sees about themself."""

    streak: int  # consecutive days with a read, up to today (or yesterday, if today is still open)
    points: int
    days_this_month: int
    points_this_month: int
    read_today: bool


# ---- 金点子 (ideas to the government) ------------------------------------------------------------

IDEA_FIELDS: tuple[str, ...] = ("城市建设", "公共服务", "乡村振兴", "社会治理", "关心下一代", "文明创建", "其他")
IdeaField = Literal["城市建设", "公共服务", "乡村振兴", "社会治理", "关心下一代", "文明创建", "其他"]
IdeaStatus = Literal["submitted", "reviewing", "adopted", "noted", "implemented", "merged"]
IDEA_STATUSES: tuple[str, ...] = ("submitted", "reviewing", "adopted", "noted", "implemented", "merged")


class Idea(Frozen):
    id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    field: IdeaField
    status: IdeaStatus
    summary: str = ""
    reply: str | None = None
    merged_into: int | None = None
    duplicates: int = 0  # ideas merged into this one
    created_at: datetime
    updated_at: datetime
    reviewed_at: datetime | None = None
    adopted_at: datetime | None = None
    noted_at: datetime | None = None
    implemented_at: datetime | None = None
    merged_at: datetime | None = None


class IdeaPart(Frozen):
    id: int
    idea_id: int
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    created_at: datetime


class IdeaNote(Frozen):
    id: int
    idea_id: int
    staff_id: int | None = None
    staff_name: str | None = None
    text: str
    created_at: datetime


class IdeaEvent(Frozen):
    id: int
    idea_id: int
    at: datetime
    staff_id: int | None = None
    staff_name: str | None = None
    kind: Literal["submitted", "review", "merged", "merged_in"]
    from_status: IdeaStatus | None = None
    to_status: IdeaStatus | None = None
    reply: str | None = None
    other_id: int | None = None


class IdeaFilter(Frozen):
    status: IdeaStatus | None = None
    field: IdeaField | None = None
    retiree_id: int | None = None
    q: str | None = None
    received_from: datetime | None = None  # created_at in [received_from, received_to)
    received_to: datetime | None = None


# ---- broadcast notices (通知公告) ----
BroadcastAudienceKind = Literal["everyone", "tags", "party_members", "liaisons", "activity", "retirees"]
BroadcastStatus = Literal["scheduled", "sending", "done", "cancelled"]
MAX_LISTED_RETIREES = 10_000


class BroadcastAudience(Frozen):
    """An activity audience's kinds, plus an activity's registrants (confirmed and waiting) and a
    list of retirees."""

    kind: BroadcastAudienceKind = "everyone"
    tags: tuple[str, ...] = ()
    liaison_ids: tuple[int, ...] = ()
    activity_id: int | None = None
    retiree_ids: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> BroadcastAudience:
        if self.kind in ("everyone", "tags", "party_members", "liaisons"):
            if problem := audience_problem(self.kind, self.tags, self.liaison_ids):
                raise ValueError(problem)
        elif self.tags or self.liaison_ids:
            raise ValueError(f"audience kind '{self.kind}' takes no tags or liaison_ids")
        if (self.kind == "activity") != (self.activity_id is not None):
            raise ValueError("audience kind 'activity' needs activity_id (and only it takes one)")
        if (self.kind == "retirees") != bool(self.retiree_ids):
            raise ValueError("audience kind 'retirees' needs retiree_ids (and only it takes them)")
        return self

    def basic(self) -> Audience | None:
        """The same audience as an activity's, when it is one of those kinds."""
        if self.kind in ("activity", "retirees"):
            return None
        return Audience(kind=self.kind, tags=self.tags, liaison_ids=self.liaison_ids)  # type: ignore[arg-type]


class BroadcastDraft(Frozen):
    text: str
    audience: BroadcastAudience = BroadcastAudience()
    require_ack: bool = False
    schedule_at: datetime | None = None
    attachment_id: int | None = None


class Broadcast(BroadcastDraft):
    id: int
    status: BroadcastStatus
    recipients: int = 0  # fixed when it is sent (a scheduled one: 0 until then)
    started_at: datetime | None = None
    cancelled_at: datetime | None = None
    reminders: int = 0
    created_by: int | None = None
    created_by_liaison: int | None = None  # a liaison's broadcast stays theirs to read
    created_at: datetime
    updated_at: datetime


class Attachment(Frozen):
    id: int
    kind: Literal["photo", "document"]
    filename: str
    size: int
    path: str
    created_at: datetime


# ---- the staff inbox (收件箱) and a retiree's conversation ------------------------------------------

InboxFilter = Literal["all", "mine", "unassigned", "urgent", "overdue"]
MessageOrigin = Literal["unprompted", "human", "left", "kept", "reply", "emergency", "unverified"]


class InboxMessage(Frozen):
    """Something a person said outside a help request, waiting for (or answered by) staff."""

    id: int
    retiree_id: int | None = None
    chat_id: int | None = None
    retiree_name: str | None = None
    liaison_id: int | None = None
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    origin: str
    urgent: bool = False
    assignee_id: int | None = None
    handled_at: datetime | None = None
    handled_by: int | None = None
    created_at: datetime


class InboxItem(Frozen):
    """One line of the inbox: an open help request or an unanswered message."""

    kind: Literal["help", "message"]
    id: int
    retiree_id: int | None = None
    retiree_name: str | None = None
    liaison_id: int | None = None
    assignee_id: int | None = None
    urgent: bool
    overdue: bool
    status: str
    origin: str | None = None
    preview: str
    created_at: datetime


class ConversationEntry(Frozen):
    """One thing said in a retiree's chat: by them (in) or to them (out), in order."""

    direction: Literal["in", "out"]
    at: datetime
    kind: str
    text: str | None = None
    file_id: str | None = None
    ref: int = Field(description="the update id (in) or the outbox id (out)")
    status: str | None = None  # out: queued, claimed, sent, failed, cancelled
    source: str | None = None  # out: what caused it (chat, help:12, broadcast:3, staff-message:5 ...)


# ---- the intake: every update as received, before and after it is processed ------------------------

InboundKind = Literal["text", "voice", "photo", "document", "contact", "press", "command", "other", "unparseable"]


class InboundRecord(Frozen):
    """One update as the intake stores it: the channel-neutral columns a face read from it, and its
    JSON as received. `error` is set for an update that cannot be processed at all (unparseable): it
    is stored already processed, so nothing retries it forever."""

    update_id: int
    chat_id: int | None = None
    user_id: int | None = None
    kind: InboundKind
    text: str | None = None  # message text or caption; for a press, the button's label (else its data)
    file_id: str | None = None
    raw: str
    error: str | None = None


class StoredUpdate(Frozen):
    """An intake row. `raw` is read only where asked for (a restart re-reads it; a conversation does not)."""

    update_id: int
    chat_id: int | None = None
    user_id: int | None = None
    kind: InboundKind
    text: str | None = None
    file_id: str | None = None
    raw: str | None = None
    received_at: datetime
    processed_at: datetime | None = None
    error: str | None = None


# ---- the office calendar (working days for SLAs) --------------------------------------------------

CalendarDayKind = Literal["holiday", "workday"]


class CalendarDay(Frozen):
    """A day the office calendar sets: an official holiday, or a make-up workday (调休) on a weekend.
    `updated_by` is the staff username (None when given by a file before it was stored)."""

    day: date
    kind: CalendarDayKind
    name: str = ""
    updated_at: datetime | None = None
    updated_by: str | None = None


# ---- privacy (PIPL): sensitive tags, and requests to delete what the office keeps ---------------------

# Tags that reveal health or vulnerability (困难 is 特殊困难): stored only with the retiree's separate
# consent (sensitive_consent), never shown per person to viewers. YINLING_SENSITIVE_TAGS adds an
# office's own (Settings.sensitive_tag_set is the whole set).
DEFAULT_SENSITIVE_TAGS: tuple[str, ...] = ("独居", "丧偶", "患病", "失能", "特殊困难")
PrivacyRequestStatus = Literal["pending", "completed", "rejected"]


class PrivacyRequest(Frozen):
    """A retiree's request, from the chat, to have what the office keeps about them deleted."""

    id: int
    retiree_id: int
    retiree_name: str | None = None  # 已删除 once completed
    liaison_id: int | None = None
    status: PrivacyRequestStatus
    reason: str | None = Field(None, description="rejected: why, as the retiree was told")
    message_id: int | None = Field(None, description="the inbox message it was kept as")
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = None
