"""Pydantic models that cross layers, one module per capability. Frozen: they are values, not records
to mutate. Every name is also importable from here, as when this was one module; new code may import
from the capability module itself."""
# ruff: noqa: F401  (the imports below are this package's interface)
from __future__ import annotations

from yinling.models.activities import (
    ACTIVITY_KINDS,
    Activity,
    ActivityFields,
    ActivityKind,
    ActivityRegistration,
    DueReminder,
    RegistrationStatus,
)
from yinling.models.audiences import (
    AUDIENCE_TAGS,
    Audience,
    AudienceKind,
    audience_problem,
)
from yinling.models.broadcasts import (
    MAX_LISTED_RETIREES,
    Attachment,
    Broadcast,
    BroadcastAudience,
    BroadcastAudienceKind,
    BroadcastDraft,
    BroadcastStatus,
    FailedNotice,
    UnacknowledgedRecipient,
    UnreachableRecipient,
)
from yinling.models.calendar import (
    CalendarDay,
    CalendarDayKind,
)
from yinling.models.chat import (
    ChatEvent,
    Contact,
    Inbound,
    InboundKind,
    InboundRecord,
    StoredUpdate,
)
from yinling.models.common import (
    Frozen,
)
from yinling.models.help import (
    HELP_CATEGORIES,
    MEDICAL_CATEGORIES,
    HelpEvent,
    HelpFilter,
    HelpMessage,
    HelpPriority,
    HelpRequest,
    HelpStatsRow,
    HelpStatus,
    Satisfaction,
    VisitTask,
)
from yinling.models.ideas import (
    IDEA_FIELDS,
    IDEA_STATUSES,
    Idea,
    IdeaEvent,
    IdeaField,
    IdeaFilter,
    IdeaNote,
    IdeaPart,
    IdeaStatus,
    ReceivedIdea,
)
from yinling.models.inbox import (
    ConversationEntry,
    InboxFilter,
    InboxItem,
    InboxMessage,
    MessageOrigin,
)
from yinling.models.messages import (
    Button,
    Keyboard,
    MediaRef,
    OutgoingMessage,
    Priority,
    QueuedMessage,
)
from yinling.models.moments import (
    FIRST_DAY,
    LAST_DAY,
    OFFICE_TZ,
    OUTSIDE_WINDOW,
    OUTSIDE_WINDOW_ZH,
    OfficeDatetime,
    SaneAwareDatetime,
    SaneDate,
    SaneDatetime,
    in_window,
    office_context,
    window_problems,
)
from yinling.models.people import (
    Actor,
    AuditEntry,
    Dialog,
    PendingRegistration,
    Retiree,
    Staff,
    StaffRole,
)
from yinling.models.privacy import (
    DEFAULT_SENSITIVE_TAGS,
    PrivacyRequest,
    PrivacyRequestStatus,
)
from yinling.models.roster import (
    AGED_FROM,
    AGED_TAG,
    RETIREE_TAGS,
    FamilyContact,
    Gender,
    RetireeFields,
    RetireeRecord,
    RetirementType,
    RosterFilter,
    age_on,
    is_aged,
)
from yinling.models.study import (
    DEFAULT_PUSH_TIME,
    OPTION_LETTERS,
    PUSH_TIMES,
    STUDY_TOPICS,
    Quiz,
    StudyDayCounts,
    StudyPiece,
    StudyPieceCounts,
    StudyPieceFields,
    StudyProgress,
    StudyRead,
    StudySubscription,
    StudyTopic,
)
