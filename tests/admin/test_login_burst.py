"""A burst of concurrent logins for one account: the lock is decided atomically (exactly five
password checks, the right password sent last is refused), and the password checks run off the
event loop, so the service keeps answering while they run."""
from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest

from tests.admin.conftest import PASSWORD
from tests.factories import make_settings
from yinling import passwords

LOGIN = "/api/v1/auth/login"
GUESSES = 99


@pytest.fixture
def settings(db_path):
    # An address allowance far above the burst, so what refuses the guesses is the account lock.
    return make_settings(db_path, login_attempts_per_minute=1000)


async def wait_until(condition, timeout: float = 20.0) -> None:
    """Wait for `condition`, at most `timeout` seconds; the assertions after it say what went wrong."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)


async def test_a_burst_of_guesses_gets_five_password_checks_and_the_right_password_last_is_refused(
    api, db, monkeypatch
):
    checks: list[str] = []
    release = threading.Event()  # password checks in progress hold here until the test lets them go
    real_verify = passwords.verify_password

    def slow_verify(password_hash, password):
        checks.append(password)
        if not release.wait(timeout=5):  # on the event loop this wait would stall everything
            release.set()
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)
    wrong = [asyncio.create_task(api.post(LOGIN, json={"username": "wangfang", "password": f"wrong-guess-{i}"}))
             for i in range(GUESSES)]
    # Everything beyond the five attempts under way is refused at once, without a password check.
    await wait_until(lambda: sum(task.done() for task in wrong) >= GUESSES - 5)
    answered = sum(task.done() for task in wrong)
    assert answered == GUESSES - 5, f"{answered} guesses answered at once; {len(checks)} password checks so far"
    right = await api.post(LOGIN, json={"username": "wangfang", "password": PASSWORD})
    # The service answers while the password checks are still running.
    health = await api.get("/healthz")
    burst_running = not all(task.done() for task in wrong)
    release.set()
    statuses = Counter(resp.status for resp in await asyncio.gather(*wrong))

    assert health.status == 200 and burst_running
    assert right.status == 429 and "Retry-After" in right.headers
    assert len(checks) == 5 and PASSWORD not in checks
    assert statuses == {401: 5, 429: GUESSES - 5}
    assert await db.fetch_value("SELECT count(*) FROM login_failures WHERE username = 'wangfang'") == 5
    again = await api.post(LOGIN, json={"username": "wangfang", "password": PASSWORD})
    assert again.status == 429


async def test_concurrent_right_logins_all_succeed_and_leave_no_failures(api, db):
    answers = await asyncio.gather(*(api.post(LOGIN, json={"username": "wangfang", "password": PASSWORD})
                                     for _ in range(3)))
    assert [a.status for a in answers] == [200, 200, 200]
    assert await db.fetch_value("SELECT count(*) FROM login_failures") == 0
