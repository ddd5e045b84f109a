"""活动: an activity 李强 published (so it is for his retirees only, and 王芳 cannot see it), with his
retiree 赵淑芬 signed up through the chat (so a viewer's page would show her phone if it leaked)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.factories import Events
from yinling.models import ActivityFields, Actor, Contact, Staff

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZHAO_USER = 777000222  # 赵淑芬's Telegram user


def li_actor(office) -> Actor:
    return Actor(staff=Staff(id=office.li, username="liqiang", display_name="李强", role="liaison"))


async def li_activity(office, services, *, title: str = "李强组的书法课") -> int:
    fields = ActivityFields(
        title=title, kind="老年大学", place="老年大学二楼", capacity=10,
        starts_at=datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI), ends_at=datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI),
        signup_deadline=datetime(2026, 11, 29, 18, 0, tzinfo=SHANGHAI))
    activity, _ = await services.activities.do_create(li_actor(office), fields, notify=False)
    return activity.id


async def signs_up(services, phone: str, user_id: int, activity_id: int) -> None:
    """A retiree verifies in the chat and signs up (alone, no transport)."""
    events = Events(user_id=user_id, start=user_id * 10)
    await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    await services.conversation.do_press(events.next(), f"act:join:{activity_id}:0:0")


async def foreign(office, services, clock) -> dict[str, int]:
    activity_id = await li_activity(office, services)
    await signs_up(services, "13800000002", ZHAO_USER, activity_id)
    paths = ("/activities/{id}", "/activities/{id}/edit", "/activities/{id}/cancel", "/activities/{id}/checkin",
             "/activities/{id}/sheet", "/activities/{id}/registrations.xlsx")
    return dict.fromkeys(paths, activity_id)
