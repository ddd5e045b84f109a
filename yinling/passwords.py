"""Staff passwords: argon2id (argon2-cffi), never stored or logged in clear.

argon2 is slow on purpose (tens of milliseconds and tens of megabytes a check). Run on the event
loop, a burst of logins would stop the bot and the API for seconds, so the async helpers below run
it on a small pool of worker threads (argon2-cffi releases the GIL while it hashes): at most
`WORKERS` checks at once, the rest wait their turn while the loop keeps answering."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
WORKERS = 2  # two of the machine's cores at most, whatever the number of logins waiting
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_off_loop(password_hash: str | None, password: str) -> bool:
    # Looked up at call time (not bound at import), so a test can count or slow the checks.
    return await asyncio.get_running_loop().run_in_executor(_pool, lambda: verify_password(password_hash, password))


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of passwords people choose most (yinling/data/common_passwords.txt),
    lower-cased; a password on it is refused whatever its length."""
    text = resources.files("yinling").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()
