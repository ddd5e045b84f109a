"""One module or package per capability (a package is split by job: chat.py, staff.py, jobs.py,
behind a facade class); `build_services` wires them once."""
from __future__ import annotations

from dataclasses import dataclass

from yinling import texts
from yinling.clock import Clock
from yinling.config import Settings
from yinling.outbox import Outbox
from yinling.services.activities import ActivityService
from yinling.services.audit import AuditService
from yinling.services.broadcasts import BroadcastService
from yinling.services.calendar import CalendarService
from yinling.services.conversation import ConversationService
from yinling.services.core import Core
from yinling.services.delivery import DeliveryService
from yinling.services.help import HelpService, HelpStatsService
from yinling.services.human import HumanService
from yinling.services.ideas import IdeaService
from yinling.services.inbox import InboxService
from yinling.services.maintenance import MaintenanceService
from yinling.services.people import PeopleService
from yinling.services.privacy import PrivacyService
from yinling.services.registrations import RegistrationService
from yinling.services.roster import RosterService
from yinling.services.staff import StaffService
from yinling.services.staff_group import StaffGroupService
from yinling.services.study import StudyService
from yinling.store.database import Database


@dataclass(frozen=True)
class Services:
    core: Core
    people: PeopleService
    human: HumanService
    inbox: InboxService
    conversation: ConversationService
    help: HelpService
    help_stats: HelpStatsService
    activities: ActivityService
    study: StudyService
    broadcasts: BroadcastService
    staff_group: StaffGroupService
    delivery: DeliveryService
    maintenance: MaintenanceService
    staff: StaffService
    roster: RosterService
    registrations: RegistrationService
    audit: AuditService
    ideas: IdeaService
    calendar: CalendarService  # the office calendar; its in-memory copy serves the SLAs
    privacy: PrivacyService  # PIPL: 我的信息 in the chat, deletion requests for admins


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    core = Core(settings=settings, db=db, clock=clock, outbox=Outbox(clock))
    calendar = CalendarService(core)  # first: it registers the calendar the SLAs read
    people = PeopleService(core)
    inbox = InboxService(core)
    inbox.add_warnings(calendar.warnings)
    human = HumanService(core, inbox)
    roster = RosterService(core)
    help_service = HelpService(core, human)
    conversation = ConversationService(core, people, human, inbox)
    conversation.on_menu("help", help_service.on_menu)
    conversation.on_state("help", help_service.on_message)
    conversation.on_press("help", help_service.on_press)
    conversation.on_mine(texts.MINE_HELP_BUTTON, help_service.show_mine)
    conversation.on_leave(help_service.on_leave)
    conversation.before_keeping(help_service.reopen_if_recent)
    activities = ActivityService(core, human)
    conversation.on_menu("activities", activities.on_menu)
    conversation.on_state("act", activities.on_message)
    conversation.on_press("act", activities.on_press)
    conversation.on_mine(texts.MINE_ACTIVITIES_BUTTON, activities.show_mine)
    study = StudyService(core, human)
    broadcasts = BroadcastService(core)
    conversation.on_press("bc", broadcasts.on_press)
    conversation.on_menu("study", study.on_menu)
    conversation.on_state("study", study.on_message)
    conversation.on_press("study", study.on_press)
    ideas = IdeaService(core)
    conversation.on_menu("ideas", ideas.on_menu)
    conversation.on_state("idea", ideas.on_message)
    conversation.on_press("idea", ideas.on_press)
    conversation.on_mine(texts.MINE_IDEAS_BUTTON, ideas.show_mine)
    conversation.on_leave(ideas.on_leave)
    privacy = PrivacyService(core, inbox, roster)
    conversation.on_mine(texts.MINE_PRIVACY_BUTTON, privacy.show_mine)
    conversation.on_state("privacy", privacy.on_message)
    return Services(
        core=core,
        people=people,
        human=human,
        inbox=inbox,
        conversation=conversation,
        help=help_service,
        help_stats=HelpStatsService(core),
        activities=activities,
        study=study,
        broadcasts=broadcasts,
        staff_group=StaffGroupService(core, help_service),
        delivery=DeliveryService(core),
        maintenance=MaintenanceService(core),
        staff=StaffService(core),
        roster=roster,
        registrations=RegistrationService(core, roster),
        audit=AuditService(core),
        ideas=ideas,
        calendar=calendar,
        privacy=privacy,
    )
