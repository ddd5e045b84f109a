"""One module per capability; `build_services` wires them once."""
from __future__ import annotations

from dataclasses import dataclass

from yinling.clock import Clock
from yinling.config import Settings
from yinling.outbox import Outbox
from yinling.services.conversation import ConversationService
from yinling.services.core import Core
from yinling.services.delivery import DeliveryService
from yinling.services.human import HumanService
from yinling.services.maintenance import MaintenanceService
from yinling.services.audit import AuditService
from yinling.services.registrations import RegistrationService
from yinling.services.roster import RosterService
from yinling.services.staff import StaffService
from yinling.services.people import PeopleService
from yinling.store.database import Database


@dataclass(frozen=True)
class Services:
    core: Core
    people: PeopleService
    human: HumanService
    conversation: ConversationService
    delivery: DeliveryService
    maintenance: MaintenanceService
    staff: StaffService
    roster: RosterService
    registrations: RegistrationService
    audit: AuditService


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    core = Core(settings=settings, db=db, clock=clock, outbox=Outbox(clock))
    people = PeopleService(core)
    human = HumanService(core)
    roster = RosterService(core)
    return Services(
        core=core,
        people=people,
        human=human,
        conversation=ConversationService(core, people, human),
        delivery=DeliveryService(core),
        maintenance=MaintenanceService(core),
        staff=StaffService(core),
        roster=roster,
        registrations=RegistrationService(core, roster),
        audit=AuditService(core),
    )
