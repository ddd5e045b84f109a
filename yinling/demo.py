"""The demo office: a fictional roster of twenty retirees, four staff accounts (yinling/demo_roster.py),
a month of daily study pieces (`demo_study.json`: original text written for the demo), and two weeks
of the office's work played through the services (yinling/demo_story.py): help requests in every
state, messages, activities, 金点子 and notices.

`DEMO_CHAT_PEOPLE` are people the demo's web chat offers who have not verified yet (one whose phone is
not on the roster, to show a pending registration); `DEMO_CHAT_USERS` are retirees already verified,
whose history the story made. `DEMO_STAFF_GROUP` is the staff group, whose members are staff accounts
linked to their (sandbox) Telegram ids, so they can act there. The Telegram ids are fixed, so a demo
restarted over its database finds the same people again.
"""
from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from pathlib import Path

from yinling.clock import Clock
from yinling.config import Settings
from yinling.demo_roster import DEMO_CHAT_PEOPLE, DEMO_CHAT_USERS, DEMO_RETIREES, DEMO_STAFF, DemoStaff
from yinling.demo_story import OFFICE_SINCE, play_story
from yinling.passwords import hash_off_loop
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store import study as study_store
from yinling.store.database import Database
from yinling.study_io import parse_pieces

__all__ = ["DEMO_CHAT_PEOPLE", "DEMO_CHAT_USERS", "DEMO_STAFF", "DEMO_STAFF_GROUP", "DEMO_STAFF_GROUP_MEMBERS",
           "DEMO_STUDY", "DemoStaff", "link_staff_group", "seed"]

DEMO_STUDY = Path(__file__).with_name("demo_study.json")

# The staff group: its title and members (name shown, staff username, Telegram user id). The admin
# first: they may answer any card (a liaison only their own retirees').
DEMO_STAFF_GROUP = "工作人员群"
DEMO_STAFF_GROUP_MEMBERS = (
    ("刘主任", "admin", 100000101),
    ("王芳", "wangfang", 100000102),
)


async def seed(db: Database, clock: Clock, settings: Settings) -> dict[str, str]:
    """Fill an empty database with the demo office: its people and study pieces, then two weeks of
    its work up to `clock`'s now. Returns {username: password} to print.

    The passwords are hashed on worker threads while the story plays (argon2 is slow on purpose, and
    most of the time a new office takes), and set once both are done."""
    now = clock.now()
    passwords = {s.username: secrets.token_urlsafe(9) for s in DEMO_STAFF}
    hashing = asyncio.gather(*(hash_off_loop(pw) for pw in passwords.values()))
    try:
        staff_ids = await _people_and_pieces(db, now - OFFICE_SINCE)
        await play_story(db, settings, now)
    finally:
        hashes = dict(zip(passwords, await hashing, strict=True))
    async with db.transaction() as tx:
        for username, password_hash in hashes.items():
            await staff_store.set_password_hash(tx, staff_ids[username], password_hash)
    return passwords


async def _people_and_pieces(db: Database, now: datetime) -> dict[str, int]:
    """The starting point the story begins from, written as an import would (one transaction): the
    staff (their passwords come later), the roster, the study pieces. Returns the staff ids."""
    async with db.transaction() as tx:
        staff_ids = {}
        for s in DEMO_STAFF:
            staff_ids[s.username] = await staff_store.insert(
                tx, username=s.username, display_name=s.display_name, role=s.role,  # type: ignore[arg-type]
                phone=s.phone, now=now,
            )
        await retiree_store.insert_records(tx, [r.fields(staff_ids) for r in DEMO_RETIREES], now=now)
        for position, (_, piece) in enumerate(parse_pieces(DEMO_STUDY.name, DEMO_STUDY.read_bytes()).pieces, start=1):
            await study_store.insert_piece(tx, piece.fields(queue_position=position), created_by=None, now=now)
        for _, username, telegram_user_id in DEMO_STAFF_GROUP_MEMBERS:
            await staff_store.link_telegram(tx, staff_ids[username], telegram_user_id)
    return staff_ids


async def link_staff_group(db: Database) -> None:
    """Link the staff group's members who are not linked: a demo office kept from a version that did
    not link them can act in the group too."""
    async with db.transaction() as tx:
        for _, username, telegram_user_id in DEMO_STAFF_GROUP_MEMBERS:
            staff = await staff_store.get_by_username(tx, username)
            if staff is not None and staff.telegram_user_id is None:
                await staff_store.link_telegram(tx, staff.id, telegram_user_id)
