"""The `yinling` command.

    yinling serve [--only bot|admin]   run the bot and the staff API (one process by default)
    yinling demo                       a demo office on loopback, with the local Telegram sandbox
    yinling migrate                    apply pending database migrations

This is the composition root's front door: the faces (bot, admin, sandbox) are imported inside the
commands that run them, so the core stays free of telegram and aiohttp.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from yinling.config import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "YINLING_" + str(first["loc"][0]).upper() if first["loc"] else "a YINLING_ variable"
        _fail(f"{name}: {first['msg']}")
        raise  # unreachable


def _fail(message: str) -> None:
    print(f"yinling: {message}", file=sys.stderr)
    sys.exit(2)


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request URL, and Telegram URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def cmd_serve(args: argparse.Namespace) -> None:
    from serve.process import MissingSetting, check_settings, serve

    settings = _settings()
    try:
        check_settings(settings, args.only)
    except MissingSetting as exc:
        _fail(str(exc))
    _logging(settings.log_level)
    asyncio.run(serve(settings, args.only))


def cmd_demo(args: argparse.Namespace) -> None:
    from serve.demo import demo

    _logging("WARNING")
    asyncio.run(demo(sandbox_port=args.sandbox_port, admin_port=args.admin_port))


def cmd_migrate(args: argparse.Namespace) -> None:
    from yinling.store.database import Database
    from yinling.store.migrate import migrate

    settings = _settings()

    async def run() -> None:
        db = await Database.connect(settings.db)
        try:
            applied = await migrate(db)
        finally:
            await db.close()
        print(f"applied {len(applied)} migration(s)" + "".join(f"\n  {m.version:04d}_{m.name}" for m in applied))

    asyncio.run(run())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yinling", description="银龄助手 Yinling")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot and the staff API")
    serve.add_argument("--only", choices=["bot", "admin"], help="run one face (same database)")
    serve.set_defaults(func=cmd_serve)
    demo = sub.add_parser("demo", help="run a demo office against the local Telegram sandbox")
    demo.add_argument("--sandbox-port", type=int, default=8081)
    demo.add_argument("--admin-port", type=int, default=8080)
    demo.set_defaults(func=cmd_demo)
    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
