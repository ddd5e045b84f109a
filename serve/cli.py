"""The `yinling` command.

    yinling serve [--only bot|admin]   run the bot and the staff API (one process by default)
    yinling demo [--fresh]             a demo office on loopback, with the local Telegram sandbox
    yinling migrate                    apply pending database migrations
    yinling staff create USERNAME --role ROLE [--display-name N] [--phone P] [--password-stdin]
    yinling staff list | set-role USERNAME ROLE | reset-password USERNAME [--password-stdin]
    yinling staff link USERNAME TELEGRAM_USER_ID   act from the staff group (接单, replying to cards)
    yinling roster import FILE         import the roster (台账) from .xlsx or .csv, all or nothing
    yinling calendar import FILE       import holidays and make-up workdays (.csv or .json), all or nothing
    yinling calendar show [YEAR]       the office calendar of a year, and whether the year is known
    yinling backup [--to DIR] [--keep N]   a checked copy of the database, safe while the service runs
    yinling restore FILE [--yes]       put a backup in place (service stopped; the current one is kept)

This is the composition root's front door, so it lives in serve/ beside what it starts (the core,
yinling/, never imports serve/). The faces (bot, admin, sandbox) are imported inside the commands that
run them, so `yinling staff ...` and `yinling migrate` do not load telegram and aiohttp.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys

from pydantic import ValidationError

from yinling.config import Settings

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")  # postgresql://... (a Path keeps one slash of the two)


def _settings(*, url_allowed: bool = False) -> Settings:
    """The settings, or one line naming the variable that is wrong. A database URL is refused here
    (PostgreSQL is issue 16): taken as a path, it would quietly make a SQLite file in a folder named
    "postgresql:". `yinling backup`/`restore` take it, to point to PostgreSQL's own tools."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "YINLING_" + str(first["loc"][0]).upper() if first["loc"] else "a YINLING_ variable"
        _fail(f"{name}: {first['msg']}")
        raise  # unreachable
    if not url_allowed and _URL.match(str(settings.db)):
        _fail("YINLING_DB: a database URL (postgresql://...) is not supported yet; "
              "give the path of the SQLite file, e.g. /var/lib/yinling/yinling.db")
    return settings


def _fail(message: str) -> None:
    print(f"yinling: {message}", file=sys.stderr)
    sys.exit(2)


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request URL, and Telegram URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # python-telegram-bot logs each Bot API call's parameters and answer (names, message text) and
    # its URL (the token) at DEBUG: held to INFO, or to the level asked for when that is higher.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level.upper())))


def cmd_serve(args: argparse.Namespace) -> None:
    from serve.process import MissingSetting, PortBusy, check_settings, serve

    settings = _settings()
    try:
        check_settings(settings, args.only)
    except MissingSetting as exc:
        _fail(str(exc))
    _logging(settings.log_level)
    try:
        asyncio.run(serve(settings, args.only))
    except PortBusy as exc:  # one line naming the port and its setting, not a traceback
        _fail(str(exc))


def cmd_demo(args: argparse.Namespace) -> None:
    from serve.demo import demo
    from serve.process import PortBusy

    _logging("WARNING")
    try:
        asyncio.run(demo(sandbox_port=args.sandbox_port, admin_port=args.admin_port, fresh=args.fresh))
    except PortBusy as exc:
        _fail(str(exc))


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


def _with_services(work):
    """Run `work(services)` against YINLING_DB (migrated first); DomainErrors become one line."""
    from yinling.clock import SystemClock
    from yinling.errors import DomainError
    from yinling.services import build_services
    from yinling.store.database import Database
    from yinling.store.migrate import migrate

    settings = _settings()

    async def run():
        db = await Database.connect(settings.db)
        try:
            await migrate(db)
            return await work(build_services(settings, db, SystemClock(settings.tz)))
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        _fail(exc.message + (f" ({detail})" if detail and detail not in exc.message else ""))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        _fail("the passwords differ")
    return first


def cmd_staff(args: argparse.Namespace) -> None:
    if args.action == "create":
        password = _read_password(args)
        staff = _with_services(lambda s: s.staff.do_create_staff(
            args.username, args.role, password, display_name=args.display_name, phone=args.phone))
        print(f"created {staff.username} ({staff.role}), id {staff.id}")
    elif args.action == "list":
        for staff in _with_services(lambda s: s.staff.list_staff()):
            print(f"{staff.id:>5}  {staff.username:<20} {staff.role:<8} {staff.display_name}"
                  + ("" if staff.active else "  (inactive)"))
    elif args.action == "set-role":
        staff = _with_services(lambda s: s.staff.do_set_role(args.username, args.role))
        print(f"{staff.username} is now {staff.role}; their logins were ended")
    elif args.action == "link":
        staff = _with_services(lambda s: s.staff_group.do_link(args.username, args.telegram_user_id))
        print(f"{staff.username} acts in the staff group as Telegram user {args.telegram_user_id}")
    elif args.action == "reset-password":
        password = _read_password(args)
        _with_services(lambda s: s.staff.do_reset_password(args.username, password))
        print(f"password of {args.username} reset; their logins were ended")


def _import_file(file: str, importer):
    """Import `file` as an admin through `importer(services)` (a do_import); every bad row is printed."""
    from pathlib import Path

    from yinling.errors import InvalidInput
    from yinling.models import Actor, Staff

    path = Path(file)
    if not path.is_file():
        _fail(f"no such file: {path}")
    operator = Actor(staff=Staff(id=0, username="cli", display_name="命令行", role="admin"), ip="cli")

    async def work(services):
        try:
            return await importer(services)(operator, path.name, path.read_bytes())
        except InvalidInput as exc:
            for row in exc.extra.get("rows", []):
                print(f"第 {row['line']} 行  {row.get('column') or ''}  {row['message']}", file=sys.stderr)
            raise

    return _with_services(work)


def cmd_roster(args: argparse.Namespace) -> None:
    result = _import_file(args.file, lambda services: services.roster.do_import)
    for warning in result["warnings"]:
        print(f"note: {warning}")
    print(f"imported: {result['created']} created, {result['updated']} updated")


def cmd_calendar(args: argparse.Namespace) -> None:
    from yinling.services.calendar import missing_warning

    if args.action == "show":
        if args.year is not None and not 1900 <= args.year <= 2200:
            _fail("YEAR must be from 1900 to 2200")

        async def show(services):
            return await services.calendar.year(args.year or services.core.clock.today().year)

        view = _with_services(show)
        for day in view.days:
            print(f"{day.day.isoformat()}  {'放假' if day.kind == 'holiday' else '上班'}  {day.name}")
        rest = "the holiday package" if view.package_knows else "Monday to Friday"
        print(f"{view.year}: {len(view.days)} day(s) set by the office; the other days follow {rest}")
        if view.guessed:
            print(f"warning: {missing_warning([view.year])}")
        return
    result = _import_file(args.file, lambda services: services.calendar.do_import)
    years = sorted({d.day.year for d in result.days})
    print(f"imported: {result.created} created, {result.updated} updated ({', '.join(map(str, years))})")


def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from serve.backup import Refused, run_backup

    settings = _settings(url_allowed=True)
    try:
        asyncio.run(run_backup(settings, to=Path(args.to) if args.to else None, keep=args.keep))
    except Refused as exc:
        _fail(str(exc))


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from serve.backup import Refused, ask_on_terminal, run_restore

    settings = _settings(url_allowed=True)
    try:
        asyncio.run(run_restore(settings, Path(args.file), confirm=(lambda _: True) if args.yes else ask_on_terminal))
    except Refused as exc:
        _fail(str(exc))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yinling", description="银龄助手 Yinling")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot and the staff API")
    serve.add_argument("--only", choices=["bot", "admin"], help="run one face (same database)")
    serve.set_defaults(func=cmd_serve)
    demo = sub.add_parser("demo", help="run a demo office against the local Telegram sandbox")
    demo.add_argument("--sandbox-port", type=int, default=8081)
    demo.add_argument("--admin-port", type=int, default=8080)
    demo.add_argument("--fresh", action="store_true",
                      help="start over: a new demo office and new passwords (otherwise ./data/demo.db is kept)")
    demo.set_defaults(func=cmd_demo)
    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)

    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(dest="action", required=True)
    create = staff.add_parser("create", help="add a staff account")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=["admin", "liaison", "viewer"])
    create.add_argument("--display-name", help="the name retirees and colleagues know (default: username)")
    create.add_argument("--phone", help="told to this liaison's retirees when they ask for a person")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    staff.add_parser("list", help="list staff accounts")
    set_role = staff.add_parser("set-role", help="change a staff member's role")
    set_role.add_argument("username")
    set_role.add_argument("role", choices=["admin", "liaison", "viewer"])
    reset = staff.add_parser("reset-password", help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    link = staff.add_parser("link", help="let a staff member act from the staff group (see /whoami there)")
    link.add_argument("username")
    link.add_argument("telegram_user_id", type=int)
    for sub_parser in (create, set_role, reset, link, staff.choices["list"]):
        sub_parser.set_defaults(func=cmd_staff)

    roster = sub.add_parser("roster", help="the roster (台账)").add_subparsers(dest="action", required=True)
    importer = roster.add_parser("import", help="import .xlsx or .csv (all or nothing)")
    importer.add_argument("file")
    importer.set_defaults(func=cmd_roster)

    calendar = sub.add_parser("calendar", help="the office calendar: holidays and make-up workdays (调休)")
    calendar_actions = calendar.add_subparsers(dest="action", required=True)
    calendar_import = calendar_actions.add_parser("import", help="import .csv or .json (date, kind, name)")
    calendar_import.add_argument("file")
    calendar_show = calendar_actions.add_parser("show", help="a year's days (default: this year)")
    calendar_show.add_argument("year", nargs="?", type=int)
    for sub_parser in (calendar_import, calendar_show):
        sub_parser.set_defaults(func=cmd_calendar)

    backup = sub.add_parser("backup", help="copy the database to a dated file (safe while the service runs)")
    backup.add_argument("--to", metavar="DIR", help="the folder (default: backups/ beside the database)")
    backup.add_argument("--keep", type=int, metavar="N", help="then delete that folder's backups beyond the newest N")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup (stop the service first)")
    restore.add_argument("file", help="a file made by `yinling backup`")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
