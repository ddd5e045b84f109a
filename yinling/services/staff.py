"""Staff accounts: creation and roles (from the shell), login, sessions, throttling.

Tokens are opaque (256 random bits) and only their SHA-256 is stored: a stolen database holds no
usable token, and a fast hash suffices because the token itself cannot be guessed.

Throttling, two ways:
- an ACCOUNT is locked after MAX_FAILURES failed logins within FAILURE_WINDOW. The count is decided
  atomically: each attempt is recorded as a failure in the same write transaction that counts the
  earlier ones, before its password is checked, and deleted when the password proves right. So a
  burst of concurrent guesses gets exactly MAX_FAILURES password checks, never more;
- an ADDRESS gets a token bucket of `login_attempts_per_minute` attempts (per process): it slows a
  guesser spreading over many accounts, but never shuts an office behind one NAT address out for
  15 minutes because one colleague mistyped.
Passwords are checked off the event loop (yinling.passwords), so a burst never stalls the bot."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from yinling import passwords, texts
from yinling.clock import from_iso
from yinling.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from yinling.models import Actor, Staff, StaffRole
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.memo import ShortMemo
from yinling.store import sessions as session_store
from yinling.store import staff as staff_store

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)  # last-used is written at most this often per session
ROLES: tuple[StaffRole, ...] = ("admin", "liaison", "viewer")
MIN_PASSWORD = 8
MIN_ADMIN_PASSWORD = 10  # an admin reaches every retiree's file
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = passwords.hash_password(secrets.token_urlsafe(16))


class AddressBuckets:
    """A token bucket per client address: `per_minute` attempts at once, refilled at `per_minute` a
    minute; a login that succeeds gives its token back, so only guesses use the allowance up. Kept
    in memory: it only has to slow a guesser down, not survive a restart."""

    LIMIT = 10_000  # addresses remembered; past that the full buckets are forgotten

    def __init__(self, per_minute: int, now) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self._now = now
        self._buckets: dict[str, tuple[float, float, bool]] = {}  # ip -> (tokens, at, refusal audited)

    def take(self, ip: str) -> tuple[float, bool]:
        """(0, _) when an attempt may go ahead; else (seconds until it may, first refusal since the
        bucket ran dry)."""
        now = self._now()
        tokens, at, told = self._buckets.get(ip, (self.capacity, now, False))
        tokens = min(self.capacity, tokens + max(0.0, now - at) * self.rate)
        if tokens >= 1:
            self._remember(ip, (tokens - 1, now, False))
            return 0.0, False
        self._remember(ip, (tokens, now, True))
        return (1 - tokens) / self.rate, not told

    def give_back(self, ip: str) -> None:
        if (bucket := self._buckets.get(ip)) is not None:
            self._buckets[ip] = (min(self.capacity, bucket[0] + 1), bucket[1], bucket[2])

    def _remember(self, ip: str, bucket: tuple[float, float, bool]) -> None:
        if len(self._buckets) >= self.LIMIT and ip not in self._buckets:
            now = self._now()
            self._buckets = {k: v for k, v in self._buckets.items()
                             if v[0] + (now - v[1]) * self.rate < self.capacity}
        self._buckets[ip] = bucket


@dataclass(frozen=True)
class Login:
    token: str
    expires_at: datetime
    staff: Staff


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffService:
    def __init__(self, core: Core) -> None:
        self.core = core
        # Token -> staff for one second of the service clock: a busy screen costs one session
        # lookup a second, not one per request. Logout, role changes and password resets here clear
        # it at once; a revocation made by another process takes effect within that second.
        self._recent = ShortMemo(ttl=1.0, now=core.clock.timestamp)
        self._addresses = AddressBuckets(core.settings.login_attempts_per_minute, core.clock.timestamp)
        # Session id -> the last use not yet written (see authenticate): an idle check must count it.
        self._unwritten_use: dict[int, datetime] = {}

    # ---- login ----
    async def do_login(self, username: str, password: str, ip: str) -> Login:
        now = self.core.clock.now()
        await self._refuse_if_address_too_fast(username, ip)
        async with self.core.db.transaction() as tx:
            # Counted and recorded in one write transaction: no other attempt can slip in between.
            failures = await session_store.failures_since(tx, username=username, since=now - FAILURE_WINDOW)
            locked = len(failures) >= MAX_FAILURES
            if locked:
                await audit(self.core, tx, None, "login", target_type="staff", result="throttled", ip=ip,
                            actor_name=username)
            else:
                await session_store.record_failure(tx, username=username, ip=ip, now=now)
                staff = await staff_store.get_by_username(tx, username)
                stored = await staff_store.password_hash(tx, staff.id) if staff else None
        if locked:
            until = from_iso(failures[-MAX_FAILURES]) + FAILURE_WINDOW  # enough failures have left the window
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            raise RateLimited(texts.LOGIN_ACCOUNT_LOCKED.format(minutes=minutes),
                              retry_after=max(1, math.ceil((until - now).total_seconds())))
        ok = await passwords.verify_off_loop(stored or _DUMMY_HASH, password) and staff is not None and staff.active
        if not ok:
            async with self.core.db.transaction() as tx:  # the attempt stays recorded as a failure
                await audit(self.core, tx, None, "login", target_type="staff",
                            target_id=staff.id if staff else None, result="failed", ip=ip, actor_name=username)
            raise Unauthorized("用户名或密码不对")
        assert staff is not None  # ok implies it
        settings = self.core.settings
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=settings.session_max_hours)
        async with self.core.db.transaction() as tx:
            await session_store.create(tx, staff_id=staff.id, token_hash=token_hash(token), now=now,
                                       expires_at=expires_at, ip=ip)
            await session_store.clear_failures(tx, username=username)
            await audit(self.core, tx, Actor(staff=staff, ip=ip), "login", target_type="staff", target_id=staff.id)
        self._addresses.give_back(ip)
        return Login(token=token, expires_at=min(expires_at, now + timedelta(minutes=settings.session_idle_minutes)),
                     staff=staff)

    async def _refuse_if_address_too_fast(self, username: str, ip: str) -> None:
        wait, first = self._addresses.take(ip)
        if not wait:
            return
        if first:  # one audit row per dry spell, not one per request of a flood
            async with self.core.db.transaction() as tx:
                await audit(self.core, tx, None, "login", target_type="staff", result="throttled", ip=ip,
                            actor_name=username, detail={"by": "address"})
        seconds = max(1, math.ceil(wait))
        raise RateLimited(texts.LOGIN_ADDRESS_TOO_FAST.format(seconds=seconds), retry_after=seconds)

    async def authenticate(self, token: str, ip: str | None) -> Actor | None:
        """The staff member behind a bearer token, or None when it is unknown, revoked or expired.

        Last use is written at most every TOUCH_EVERY, so the stored value may lag the real last use
        by that much. The idle check counts the use this process remembers but has not written, so
        a session used within the idle limit is never ended early. (A use served by another process
        over the same database is seen once that process writes it: within TOUCH_EVERY.)"""
        hashed = token_hash(token)
        now = self.core.clock.now()
        idle = timedelta(minutes=self.core.settings.session_idle_minutes)
        remembered = self._recent.get(hashed)
        # Served from memory only while no write is due, so an unwritten use is always less than
        # TOUCH_EVERY after the stored one.
        if remembered is not None and now - remembered[1] < TOUCH_EVERY:
            session_id, _, staff = remembered
            self._note_use(session_id, now, idle)
            return Actor(staff=staff, ip=ip)
        # Ask the store with room for that lag; the exact idle check follows below.
        found = await session_store.find_live(self.core.db, hashed, now=now, idle_since=now - idle - TOUCH_EVERY)
        if found is None:
            return None
        session_id, last_used, staff = found
        stored = from_iso(last_used)
        if now - max(stored, self._unwritten_use.get(session_id, stored)) >= idle:
            self._unwritten_use.pop(session_id, None)
            return None
        if now - stored >= TOUCH_EVERY:
            await session_store.touch(self.core.db, session_id, now=now)
            self._unwritten_use.pop(session_id, None)
            stored = now
        else:
            self._note_use(session_id, now, idle)
        self._recent.put(hashed, (session_id, stored, staff))
        return Actor(staff=staff, ip=ip)

    def _note_use(self, session_id: int, now: datetime, idle: timedelta) -> None:
        if len(self._unwritten_use) >= 10_000 and session_id not in self._unwritten_use:
            # A use older than the idle limit no longer keeps anything alive.
            self._unwritten_use = {k: v for k, v in self._unwritten_use.items() if now - v < idle}
        self._unwritten_use[session_id] = now

    async def do_logout(self, token: str, actor: Actor) -> None:
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._recent.clear)
            await session_store.revoke_token(tx, token_hash(token), now=self.core.clock.now())
            await audit(self.core, tx, actor, "logout", target_type="staff", target_id=actor.staff.id)

    # ---- accounts (the `yinling staff` commands) ----
    # The account commands below are audited under `actor` (an admin in the console), or as "cli"
    # when they come from the `yinling staff` commands.
    async def do_create_staff(self, username: str, role: str, password: str, *, display_name: str | None = None,
                              phone: str | None = None, actor: Actor | None = None) -> Staff:
        self._check_role(role)
        self._check_password(password, role)
        plain_name = username.replace("_", "").replace(".", "").replace("-", "")
        if not username or len(username) > 64 or not plain_name.isalnum():
            raise InvalidInput("用户名（username）只能用字母、汉字、数字和 . - _，最多 64 个字符",
                               fields={"username": "只能用字母、汉字、数字和 . - _，最多 64 个字符"})
        if await staff_store.get_by_username(self.core.db, username):
            raise Conflict(f"用户名「{username}」已经有人用了", fields={"username": "已经有人用了"})
        password_hash = await passwords.hash_off_loop(password)
        async with self.core.db.transaction() as tx:
            staff_id = await staff_store.insert(
                tx, username=username, display_name=display_name or username, role=role,  # type: ignore[arg-type]
                phone=phone, password_hash=password_hash, now=self.core.clock.now(),
            )
            await audit(self.core, tx, actor, "staff.create", target_type="staff", target_id=staff_id,
                        detail={"role": role}, actor_name="cli")
        staff = await staff_store.get(self.core.db, staff_id)
        assert staff is not None
        return staff

    async def list_staff(self) -> list[Staff]:
        return await staff_store.list_all(self.core.db)

    async def do_set_role(self, username: str, role: str, *, actor: Actor | None = None) -> Staff:
        self._check_role(role)
        staff = await self._existing(username)
        async with self.core.db.transaction() as tx:
            # Read in this transaction: two admins demoting each other at once cannot leave none.
            if staff.role == "admin" and role != "admin" and await staff_store.count_active_admins(tx) <= 1:
                raise Conflict("这是最后一位管理员，不能改成别的角色；请先给另一位工作人员设为管理员",
                               fields={"role": "至少要留一位管理员"})
            tx.after_commit(self._recent.clear)
            await staff_store.set_role(tx, staff.id, role)  # type: ignore[arg-type]
            await session_store.revoke_all_for(tx, staff.id, now=self.core.clock.now())  # new role, new login
            await audit(self.core, tx, actor, "staff.set_role", target_type="staff", target_id=staff.id,
                        detail={"from": staff.role, "to": role}, actor_name="cli")
        return staff.model_copy(update={"role": role})

    async def do_reset_password(self, username: str, password: str, *, actor: Actor | None = None) -> None:
        staff = await self._existing(username)
        self._check_password(password, staff.role)
        password_hash = await passwords.hash_off_loop(password)
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._recent.clear)
            await staff_store.set_password_hash(tx, staff.id, password_hash)
            await session_store.revoke_all_for(tx, staff.id, now=self.core.clock.now())
            await audit(self.core, tx, actor, "staff.reset_password", target_type="staff", target_id=staff.id,
                        actor_name="cli")

    async def _existing(self, username: str) -> Staff:
        staff = await staff_store.get_by_username(self.core.db, username)
        if staff is None:
            raise NotFound(f"没有用户名为「{username}」的工作人员")
        return staff

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise InvalidInput(f"角色（role）只能是 {'、'.join(ROLES)}", fields={"role": "不认识这个角色"})

    @staticmethod
    def _check_password(password: str, role: str) -> None:
        """Every face that sets a password comes through here (the `yinling staff` commands today)."""
        least = MIN_ADMIN_PASSWORD if role == "admin" else MIN_PASSWORD
        if not password.strip():
            raise InvalidInput(texts.PASSWORD_BLANK, fields={"password": "不能只有空格"})
        if len(password) < least:
            raise InvalidInput(texts.PASSWORD_TOO_SHORT.format(least=least),
                               fields={"password": f"至少要 {least} 个字符"})
        if passwords.is_common(password):
            raise InvalidInput(texts.PASSWORD_COMMON, fields={"password": "太常见，请换一个"})
