"""The demo office: a fictional roster (about 20 retirees), three staff accounts, two coming
activities, and a month of daily study pieces (`demo_study.json`: original text written for the demo).

Every name and number here is invented; phones use the 139-0000-xxxx block so none is a real
person's. `DEMO_CHAT_PEOPLE` are the people the demo's web chat offers, including one whose phone
is not on the roster (to show onboarding's pending registration); `DEMO_STAFF_GROUP` is the staff
group, whose members are staff accounts linked to their (sandbox) Telegram ids, so they can act there.
The Telegram ids are fixed, so a demo restarted over its database finds the same people again.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from yinling.clock import Clock
from yinling.models import ActivityFields, Audience, RetireeFields
from yinling.passwords import hash_password
from yinling.store import activities as activity_store
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store import study as study_store
from yinling.store.database import Database
from yinling.study_io import parse_pieces

DEMO_STUDY = Path(__file__).with_name("demo_study.json")


@dataclass(frozen=True)
class DemoStaff:
    username: str
    display_name: str
    role: str
    phone: str


@dataclass(frozen=True)
class DemoRetiree:
    name: str
    phone: str
    birth: date
    party: date | None
    liaison: str | None


DEMO_STAFF = (
    DemoStaff("admin", "刘主任", "admin", "0931-0000001"),
    DemoStaff("wangfang", "王芳", "liaison", "13900001001"),
    DemoStaff("lileader", "李局长", "viewer", "0931-0000002"),
)

DEMO_RETIREES = (
    DemoRetiree("张建国", "13900000001", date(1942, 3, 12), date(1963, 7, 1), "wangfang"),
    DemoRetiree("李秀英", "13900000002", date(1945, 8, 20), date(1968, 5, 4), "wangfang"),
    DemoRetiree("王德明", "13900000003", date(1938, 11, 2), date(1958, 10, 1), "wangfang"),
    DemoRetiree("赵淑芬", "13900000004", date(1950, 1, 15), None, "wangfang"),
    DemoRetiree("陈志强", "13900000005", date(1947, 6, 30), date(1970, 7, 1), "wangfang"),
    DemoRetiree("刘桂兰", "13900000006", date(1944, 9, 9), date(1965, 3, 8), "wangfang"),
    DemoRetiree("杨振华", "13900000007", date(1940, 12, 25), date(1960, 6, 1), "wangfang"),
    DemoRetiree("黄玉梅", "13900000008", date(1952, 4, 18), None, "wangfang"),
    DemoRetiree("周国庆", "13900000009", date(1949, 10, 1), date(1972, 10, 1), "wangfang"),
    DemoRetiree("吴秀兰", "13900000010", date(1946, 2, 14), date(1969, 12, 26), "wangfang"),
    DemoRetiree("徐长林", "13900000011", date(1941, 7, 7), date(1961, 7, 1), None),
    DemoRetiree("孙丽华", "13900000012", date(1953, 5, 5), None, None),
    DemoRetiree("马守仁", "13900000013", date(1939, 8, 1), date(1959, 8, 1), None),
    DemoRetiree("朱春梅", "13900000014", date(1948, 3, 21), date(1975, 5, 4), None),
    DemoRetiree("胡建华", "13900000015", date(1951, 11, 11), None, None),
    DemoRetiree("郭玉珍", "13900000016", date(1943, 4, 4), date(1966, 2, 1), None),
    DemoRetiree("林海涛", "13900000017", date(1950, 9, 28), date(1978, 12, 18), None),
    DemoRetiree("何淑珍", "13900000018", date(1945, 12, 12), None, None),
    DemoRetiree("高文彬", "13900000019", date(1937, 1, 1), date(1956, 1, 1), None),
    DemoRetiree("欧阳明", "13900000020", date(1949, 6, 6), date(1971, 7, 1), None),
)

# (first name shown in the web chat, phone, Telegram user id): the first five are on the roster.
DEMO_CHAT_PEOPLE = (
    ("张建国", "13900000001", 100000001),
    ("李秀英", "13900000002", 100000002),
    ("王德明", "13900000003", 100000003),
    ("徐长林", "13900000011", 100000004),
    ("欧阳明", "13900000020", 100000005),
    ("新来的老同志", "13900009999", 100000006),
)

# The staff group: its title and members (name shown, staff username, Telegram user id). The admin
# first: they may answer any card (a liaison only their own retirees').
DEMO_STAFF_GROUP = "工作人员群"
DEMO_STAFF_GROUP_MEMBERS = (
    ("刘主任", "admin", 100000101),
    ("王芳", "wangfang", 100000102),
)


def demo_activities(clock: Clock) -> tuple[ActivityFields, ...]:
    """Two activities in the coming days (times in the office's timezone), one for everyone and one
    for party members, with companions and transport asked."""
    today = clock.today()

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=clock.tz)

    return (
        ActivityFields(
            title="老年大学：智能手机课（第一讲 微信视频通话）", kind="老年大学",
            description="手把手教您用微信和子女视频通话。请带上自己的手机，有志愿者一对一帮忙。",
            place="市老干部活动中心二楼教室", starts_at=at(3, 9, 30), ends_at=at(3, 11),
            signup_deadline=at(2, 18), capacity=30,
        ),
        ActivityFields(
            title="主题党日：参观革命纪念馆", kind="主题党日",
            description="集体参观，重温入党誓词。中心统一安排车辆，可带一名家属陪同。",
            place="八路军兰州办事处纪念馆（中心门口集合）", starts_at=at(8, 9), ends_at=at(8, 11, 30),
            signup_deadline=at(6, 18), capacity=20, audience=Audience(kind="party_members"),
            companion_allowed=True, ask_transport=True,
        ),
    )


async def seed(db: Database, clock: Clock) -> dict[str, str]:
    """Fill an empty database with the demo office. Returns {username: password} to print."""
    now = clock.now()
    passwords = {s.username: secrets.token_urlsafe(9) for s in DEMO_STAFF}
    hashes = {username: hash_password(pw) for username, pw in passwords.items()}
    async with db.transaction() as tx:
        staff_ids = {}
        for s in DEMO_STAFF:
            staff_ids[s.username] = await staff_store.insert(
                tx, username=s.username, display_name=s.display_name, role=s.role,  # type: ignore[arg-type]
                phone=s.phone, password_hash=hashes[s.username], now=now,
            )
        for r in DEMO_RETIREES:
            fields = RetireeFields(
                name=r.name, phones=(r.phone,), birth_date=r.birth, party_member=r.party is not None,
                party_join_date=r.party, liaison_id=staff_ids[r.liaison] if r.liaison else None,
            )
            await retiree_store.insert_record(tx, fields, now=now)
        for position, (_, piece) in enumerate(parse_pieces(DEMO_STUDY.name, DEMO_STUDY.read_bytes()).pieces, start=1):
            await study_store.insert_piece(tx, piece.fields(queue_position=position), created_by=None, now=now)
        for activity in demo_activities(clock):
            await activity_store.insert(tx, activity, created_by=staff_ids["admin"], now=now)
        for _, username, telegram_user_id in DEMO_STAFF_GROUP_MEMBERS:
            await staff_store.link_telegram(tx, staff_ids[username], telegram_user_id)
    return passwords


async def link_staff_group(db: Database) -> None:
    """Link the staff group's members who are not linked: a demo office kept from a version that did
    not link them can act in the group too."""
    async with db.transaction() as tx:
        for _, username, telegram_user_id in DEMO_STAFF_GROUP_MEMBERS:
            staff = await staff_store.get_by_username(tx, username)
            if staff is not None and staff.telegram_user_id is None:
                await staff_store.link_telegram(tx, staff.id, telegram_user_id)
