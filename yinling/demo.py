"""The demo office: a fictional roster (about 20 retirees), three staff accounts, and a month of
daily study pieces (`demo_study.json`: original text written for the demo).

Every name and number here is invented; phones use the 139-0000-xxxx block so none is a real
person's. `DEMO_CHAT_PEOPLE` are the people the demo's web chat offers, including one whose phone
is not on the roster (to show onboarding's pending registration).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from yinling.clock import Clock
from yinling.models import RetireeFields
from yinling.passwords import hash_password
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store import study as study_store
from yinling.study_io import parse_pieces

DEMO_STUDY = Path(__file__).with_name("demo_study.json")
from yinling.store.database import Database


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

# (first name shown in the web chat, phone): the first five are on the roster.
DEMO_CHAT_PEOPLE = (
    ("张建国", "13900000001"),
    ("李秀英", "13900000002"),
    ("王德明", "13900000003"),
    ("徐长林", "13900000011"),
    ("欧阳明", "13900000020"),
    ("新来的老同志", "13900009999"),
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
    return passwords
