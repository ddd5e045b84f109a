"""Staff accounts: creation and roles (from the shell), login, sessions, throttling.

Tokens are opaque (256 random bits) and only their SHA-256 is stored: a stolen database holds no
usable token, and a fast hash suffices because the token itself cannot be guessed."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from yinling.clock import from_iso
from yinling.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from yinling.models import Actor, Staff, StaffRole
from yinling.passwords import hash_password, verify_password
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
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


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

    # ---- login ----
    async def do_login(self, username: str, password: str, ip: str) -> Login:
        now = self.core.clock.now()
        await self._refuse_if_throttled(username, ip, now)
        staff = await staff_store.get_by_username(self.core.db, username)
        stored = await staff_store.password_hash(self.core.db, staff.id) if staff else None
        ok = verify_password(stored or _DUMMY_HASH, password) and staff is not None and staff.active
        async with self.core.db.transaction() as tx:
            if not ok:
                await session_store.record_failure(tx, username=username, ip=ip, now=now)
                await audit(self.core, tx, None, "login", target_type="staff",
                            target_id=staff.id if staff else None, result="failed", ip=ip, actor_name=username)
        if not ok:
            raise Unauthorized("wrong username or password")
        settings = self.core.settings
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=settings.session_max_hours)
        async with self.core.db.transaction() as tx:
            await session_store.create(tx, staff_id=staff.id, token_hash=token_hash(token), now=now,
                                       expires_at=expires_at, ip=ip)
            await session_store.clear_failures(tx, username=username)
            await audit(self.core, tx, Actor(staff=staff, ip=ip), "login", target_type="staff", target_id=staff.id)
        return Login(token=token, expires_at=min(expires_at, now + timedelta(minutes=settings.session_idle_minutes)),
                     staff=staff)

    async def _refuse_if_throttled(self, username: str, ip: str, now: datetime) -> None:
        by_user, by_ip = await session_store.recent_failures(
            self.core.db, username=username, ip=ip, since=now - FAILURE_WINDOW
        )
        blocking = [times for times in (by_user, by_ip) if len(times) >= MAX_FAILURES]
        if not blocking:
            return
        # Allowed again when enough of the failures have left the window.
        until = max(from_iso(times[-MAX_FAILURES]) + FAILURE_WINDOW for times in blocking)
        retry_after = max(1, math.ceil((until - now).total_seconds()))
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, None, "login", target_type="staff", result="throttled", ip=ip,
                        actor_name=username)
        raise RateLimited("too many failed logins; try again later", retry_after=retry_after)

    async def authenticate(self, token: str, ip: str | None) -> Actor | None:
        """The staff member behind a bearer token, or None when it is unknown, revoked or expired."""
        hashed = token_hash(token)
        staff = self._recent.get(hashed)
        if staff is None:
            now = self.core.clock.now()
            idle = timedelta(minutes=self.core.settings.session_idle_minutes)
            found = await session_store.find_live(self.core.db, hashed, now=now, idle_since=now - idle)
            if found is None:
                return None
            session_id, last_used, staff = found
            if now - from_iso(last_used) >= TOUCH_EVERY:
                await session_store.touch(self.core.db, session_id, now=now)
            self._recent.put(hashed, staff)
        return Actor(staff=staff, ip=ip)

    async def do_logout(self, token: str, actor: Actor) -> None:
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._recent.clear)
            await session_store.revoke_token(tx, token_hash(token), now=self.core.clock.now())
            await audit(self.core, tx, actor, "logout", target_type="staff", target_id=actor.staff.id)

    # ---- accounts (the `yinling staff` commands) ----
    async def do_create_staff(self, username: str, role: str, password: str, *, display_name: str | None = None,
                              phone: str | None = None) -> Staff:
        self._check_role(role)
        self._check_password(password)
        if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
            raise InvalidInput("username: letters, digits, '.', '-' and '_' only", fields={"username": "invalid"})
        if await staff_store.get_by_username(self.core.db, username):
            raise Conflict(f"staff {username!r} exists", fields={"username": "taken"})
        async with self.core.db.transaction() as tx:
            staff_id = await staff_store.insert(
                tx, username=username, display_name=display_name or username, role=role,  # type: ignore[arg-type]
                phone=phone, password_hash=hash_password(password), now=self.core.clock.now(),
            )
            await audit(self.core, tx, None, "staff.create", target_type="staff", target_id=staff_id,
                        detail={"role": role}, actor_name="cli")
        staff = await staff_store.get(self.core.db, staff_id)
        assert staff is not None
        return staff

    async def list_staff(self) -> list[Staff]:
        return await staff_store.list_all(self.core.db)

    async def do_set_role(self, username: str, role: str) -> Staff:
        self._check_role(role)
        staff = await self._existing(username)
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._recent.clear)
            await staff_store.set_role(tx, staff.id, role)  # type: ignore[arg-type]
            await session_store.revoke_all_for(tx, staff.id, now=self.core.clock.now())  # new role, new login
            await audit(self.core, tx, None, "staff.set_role", target_type="staff", target_id=staff.id,
                        detail={"from": staff.role, "to": role}, actor_name="cli")
        return staff.model_copy(update={"role": role})

    async def do_reset_password(self, username: str, password: str) -> None:
        self._check_password(password)
        staff = await self._existing(username)
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._recent.clear)
            await staff_store.set_password_hash(tx, staff.id, hash_password(password))
            await session_store.revoke_all_for(tx, staff.id, now=self.core.clock.now())
            await audit(self.core, tx, None, "staff.reset_password", target_type="staff", target_id=staff.id,
                        actor_name="cli")

    async def _existing(self, username: str) -> Staff:
        staff = await staff_store.get_by_username(self.core.db, username)
        if staff is None:
            raise NotFound(f"no staff named {username!r}")
        return staff

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}", fields={"role": "unknown role"})

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"password needs at least {MIN_PASSWORD} characters",
                               fields={"password": "too short"})
