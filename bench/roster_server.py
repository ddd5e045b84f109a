"""The server side of the roster benchmark, in its own process: the staff API and, on a second
port, a bare aiohttp JSON endpoint returning a page of the same size.

    python -m bench.roster_server DB API_PORT BARE_PORT [nocache]

`nocache` turns the staff API's one-second page cache off, to measure what a page costs uncached.
YINLING_BENCH_PROFILE=FILE profiles the server process (cProfile) and writes its stats to FILE on exit."""
from __future__ import annotations

import asyncio
import cProfile
import json
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from admin.app import create_app
from admin.keys import PAGE_CACHE
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.services import build_services
from yinling.store.database import Database


def bare_app() -> web.Application:
    """GET /bare returns whatever was PUT there: the benchmark puts a real page of the roster, so
    both endpoints move the same bytes."""
    body = {"text": "{}"}

    async def get(request: web.Request) -> web.Response:
        return web.Response(text=body["text"], content_type="application/json")

    async def put(request: web.Request) -> web.Response:
        body["text"] = json.dumps(await request.json(), ensure_ascii=False)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_get("/bare", get)
    app.router.add_put("/bare", put)
    return app


async def serve(db_path: str, api_port: int, bare_port: int, page_cache: bool = True) -> None:
    settings = Settings(_env_file=None, db=Path(db_path), admin_port=api_port)
    db = await Database.connect(settings.db)
    services = build_services(settings, db, SystemClock(settings.tz))
    api = create_app(settings, services)
    if not page_cache:
        api[PAGE_CACHE].ttl = -1.0  # nothing is ever fresh
    runners = []
    for app, port in ((api, api_port), (bare_app(), bare_port)):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for runner in runners:
            await runner.cleanup()
        await db.close()


def main() -> None:
    run = serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), page_cache="nocache" not in sys.argv[4:])
    profile_to = os.environ.get("YINLING_BENCH_PROFILE")
    if not profile_to:
        asyncio.run(run)
        return
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))  # stop, keep the stats
    profiler = cProfile.Profile()
    try:
        profiler.runcall(asyncio.run, run)
    except KeyboardInterrupt:
        pass
    finally:
        profiler.dump_stats(profile_to)


if __name__ == "__main__":
    main()
