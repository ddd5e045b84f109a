"""Server-side render time of every console page, with 100,000 retirees and 1,000,000 help requests
(issue 15's target: p95 <= 100 ms per page), beside a bare aiohttp endpoint serving a page of the
same size, timed the same way in the same run.

Each page is asked for one request at a time (no queueing), as an admin and as a liaison; the time is
taken inside the server, around the handler (a middleware), so it is what rendering costs.

    python -m bench console
    YINLING_BENCH_CONSOLE_DB=/tmp/console.db python -m bench console   # seeds that file once, then reuses it
"""
from __future__ import annotations

import os
import random
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from admin.app import create_app
from bench.common import free_port, percentile
from bench.help_queue import insert_requests
from bench.roster import PASSWORD
from bench.roster import seed as seed_roster
from console.app import mount_console
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.passwords import hash_password
from yinling.services import build_services
from yinling.store.database import Database
from yinling.store.migrate import migrate

ROUNDS = 40  # requests per page and role
LIAISON = "liaison0"
PAGES = (
    "/console/", "/console/inbox", "/console/inbox?filter=urgent", "/console/inbox/help/{help}",
    "/console/roster", "/console/roster?q=王", "/console/roster?tag=独居", "/console/roster/{retiree}",
    "/console/activities", "/console/notices", "/console/ideas", "/console/study", "/console/stats",
    "/console/accounts", "/console/accounts/audit",
)
_CSRF = re.compile(r'name="login_csrf" value="([0-9a-f]+)"')


async def seed(path: Path, retirees: int, requests: int) -> None:
    await seed_roster(path, retirees)  # the roster, 50 liaisons and the admin
    db = await Database.connect(path)
    await migrate(db)
    rng = random.Random(5)
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        await tx.execute("UPDATE staff SET password_hash = ? WHERE username = ?", (hash_password(PASSWORD), LIAISON))
        rows = await tx.fetch_all("SELECT id, liaison_id FROM retirees")
        people = [row["id"] for row in rows]
        liaisons = sorted({row["liaison_id"] for row in rows if row["liaison_id"]})
        await insert_requests(tx, rng, now, requests, people, liaisons)
    await db.close()


def timed_app(app: web.Application, took: dict[str, list[float]]) -> web.Application:
    @web.middleware
    async def timing(request: web.Request, handler):
        started = time.perf_counter()
        response = await handler(request)
        took.setdefault(request.headers.get("X-Bench-Page", request.path), []).append(time.perf_counter() - started)
        return response

    app.middlewares.insert(0, timing)
    return app


async def sign_in(http: aiohttp.ClientSession, base: str, username: str) -> None:
    page = await (await http.get(f"{base}/console/login")).text()
    match = _CSRF.search(page)
    assert match, "no sign-in form"
    async with http.post(f"{base}/console/login", allow_redirects=False,
                         data={"username": username, "password": PASSWORD, "login_csrf": match.group(1)}) as resp:
        assert resp.status == 303, f"sign-in as {username} failed: {resp.status}"


async def ids(db: Database, liaison: str) -> dict[str, int]:
    """An open request and a retiree of the liaison's, so both roles may open them."""
    staff_id = await db.fetch_value("SELECT id FROM staff WHERE username = ?", (liaison,))
    retiree = await db.fetch_value("SELECT id FROM retirees WHERE liaison_id = ? ORDER BY id LIMIT 1", (staff_id,))
    request = await db.fetch_value("SELECT id FROM help_requests WHERE retiree_id = ? ORDER BY id DESC LIMIT 1",
                                   (retiree,))
    return {"retiree": retiree, "help": request or 1}


async def measure(path: Path) -> tuple[list[str], float]:
    settings = Settings(_env_file=None, db=path, admin_port=0)
    db = await Database.connect(path)
    await migrate(db)  # a file seeded before a new migration gets it
    services = build_services(settings, db, SystemClock(settings.tz))
    took: dict[str, list[float]] = {}
    app = create_app(settings, services)
    mount_console(app)
    timed_app(app, took)
    sample_size = 0
    bare_took: dict[str, list[float]] = {}

    async def bare(request: web.Request) -> web.Response:
        return web.Response(text="x" * sample_size, content_type="text/html")

    bare_app = web.Application()
    bare_app.router.add_get("/bare", bare)
    timed_app(bare_app, bare_took)
    runners = []
    ports = (free_port(), free_port())
    for one, port in ((app, ports[0]), (bare_app, ports[1])):
        runner = web.AppRunner(one, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
    base = f"http://127.0.0.1:{ports[0]}"
    lines = []
    try:
        found = await ids(db, LIAISON)
        for username in ("admin", LIAISON):
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                await sign_in(http, base, username)
                for page in PAGES:
                    url = page.format(**found)
                    label = f"{username:8} {url.split('/console', 1)[1] or '/'}"
                    status = 0
                    for _ in range(ROUNDS):
                        async with http.get(base + url, headers={"X-Bench-Page": label},
                                            allow_redirects=False) as resp:
                            body = await resp.read()
                            status = resp.status
                    sample_size = max(sample_size, len(body))
                    times = took.get(label, [])
                    lines.append(f"  {label:40} status {status}  p50 {percentile(times, 50) * 1000:6.1f} ms"
                                 f"  p95 {percentile(times, 95) * 1000:6.1f} ms  {len(body) // 1024:4} KB")
        async with aiohttp.ClientSession() as http:
            for _ in range(ROUNDS * 5):
                async with http.get(f"http://127.0.0.1:{ports[1]}/bare") as resp:
                    await resp.read()
        bare_p95 = percentile(bare_took.get("/bare", []), 95) * 1000
    finally:
        for runner in runners:
            await runner.cleanup()
        await db.close()
    return lines, bare_p95


async def main(retirees: int = 100_000, requests: int = 1_000_000) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        kept = os.environ.get("YINLING_BENCH_CONSOLE_DB")
        path = Path(kept) if kept else Path(folder) / "console.db"
        how = "reused"
        if not path.exists():
            started = time.perf_counter()
            await seed(path, retirees, requests)
            how = f"seeded in {time.perf_counter() - started:.0f} s"
        lines, bare_p95 = await measure(path)
    text = "\n".join([
        f"console pages: {retirees} retirees, {requests} help requests ({how}); {ROUNDS} requests per page"
        f" and role, one at a time; time inside the server (target p95 <= 100 ms)",
        *lines,
        f"  bare aiohttp endpoint (a page of the largest size)  p95 {bare_p95:6.2f} ms",
    ])
    print(text, flush=True)
    return [text]
