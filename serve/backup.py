"""`yinling backup` and `yinling restore` for a SQLite YINLING_DB: the steps, and what the operator is told.

A backup runs beside the live service (VACUUM INTO reads a consistent snapshot), is checked before it
gets its final name, and so a file named yinling-YYYYMMDD-HHMMSS.db is always a checked backup: that
is also the only name `--keep` ever deletes.

A restore replaces the database only while no one else has it open, keeps the current one beside it
first, and migrates the restored copy up to this version. The SQL lives in yinling/store/backup.py.
Output names paths, sizes and migration numbers only: never a row's contents, never a PostgreSQL URL
(it may carry a password).
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from yinling.clock import Clock, SystemClock
from yinling.config import Settings
from yinling.store import backup as store
from yinling.store.database import Database
from yinling.store.migrate import discover, migrate

BACKUP_NAME = re.compile(r"^yinling-\d{8}-\d{6}\.db$")
STAMP = "%Y%m%d-%H%M%S"  # office time: the name says when the office would say the backup was made
LOCK_WAIT_S = 1.0  # rides over a checkpoint or a closing connection; a running service never lets go
_POSTGRES = re.compile(r"^postgres(ql)?:", re.IGNORECASE)
PG_DUMP = (
    "YINLING_DB is a PostgreSQL URL, and `yinling backup` copies SQLite databases only:"
    " back PostgreSQL up with pg_dump, for example\n"
    '  pg_dump --format=custom --file="yinling-$(date +%Y%m%d-%H%M%S).dump" "$YINLING_DB"'
)
PG_RESTORE = (
    "YINLING_DB is a PostgreSQL URL, and `yinling restore` restores SQLite databases only:"
    " with the service stopped, restore a pg_dump file with pg_restore, for example\n"
    '  pg_restore --clean --if-exists --no-owner --dbname="$YINLING_DB" yinling-20250101-020000.dump'
)

Say = Callable[[str], None]
Confirm = Callable[[str], bool]


class Refused(Exception):
    """Why nothing (more) was done, in words for the operator."""


def sqlite_path(settings: Settings, postgres_advice: str) -> Path:
    """YINLING_DB as a file path; a PostgreSQL URL is refused with `postgres_advice` (the URL is not shown)."""
    if _POSTGRES.match(str(settings.db)):
        raise Refused(postgres_advice)
    return Path(settings.db)


# --- backup ------------------------------------------------------------------------------------------


async def run_backup(settings: Settings, *, to: Path | None = None, keep: int | None = None,
                     clock: Clock | None = None, say: Say = print) -> Path:
    """Back YINLING_DB up into `to` (default: backups/ beside it); returns the new file."""
    source = sqlite_path(settings, PG_DUMP)
    if keep is not None and keep < 1:
        raise Refused("--keep must be at least 1")
    if not source.is_file():
        raise Refused(f"no database at {source} (YINLING_DB)")
    folder = writable_folder(to if to is not None else source.parent / "backups")
    stamp = (clock or SystemClock(settings.tz)).local_now().strftime(STAMP)
    target = folder / f"yinling-{stamp}.db"
    if target.exists():
        raise Refused(f"{target} already exists and is not overwritten: run again in a second")
    partial = target.with_name(target.name + ".partial")  # not a backup's name until it is checked
    version = await copy_database(source, partial)
    check_copy(partial, version)
    partial.rename(target)
    say(f"backed up to {target} ({human_size(target.stat().st_size)}, migration {version:04d}, integrity ok)")
    if keep is not None:
        say(prune(folder, keep))
    return target


def writable_folder(folder: Path) -> Path:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # backups hold everyone's personal data
    except OSError as exc:
        raise Refused(f"cannot use {folder} as the backup folder: {exc.strerror}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Refused(f"the backup folder {folder} is not writable by this user")
    return folder


async def copy_database(source: Path, partial: Path) -> int:
    """VACUUM INTO `partial` through the store's Database; returns the source's migration version."""
    try:
        db = await Database.connect(source, readers=1)
    except sqlite3.DatabaseError as exc:
        raise Refused(f"{source} cannot be read as an SQLite database ({exc})") from exc
    try:
        version = await store.schema_version(db)
        if version is None:
            raise Refused(f"{source} has no tables yet (run `yinling migrate`): nothing to back up")
        create_private(partial, like=source)
        try:
            await store.vacuum_into(db, partial)
        except sqlite3.Error as exc:
            partial.unlink(missing_ok=True)
            raise Refused(f"the backup could not be written ({exc}); nothing was kept") from exc
    finally:
        await db.close()
    return version


def create_private(path: Path, *, like: Path) -> None:
    """Create `path` empty, readable by whoever may read `like` and no one else, before any data is in it
    (VACUUM INTO fills an empty file; left to SQLite, the file would be created world-readable)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, like.stat().st_mode & 0o666)
    except OSError as exc:
        raise Refused(f"cannot write {path}: {exc.strerror}") from exc
    os.close(fd)


def check_copy(partial: Path, version: int) -> None:
    """The copy must pass integrity_check and be at the source's migration version, or it is removed."""
    problem = copy_problem(partial, version)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise Refused(f"the backup failed its check ({problem}) and was removed")


def copy_problem(partial: Path, version: int) -> str | None:
    try:
        facts = store.inspect_file(partial)
    except store.NotADatabase as exc:
        return str(exc)
    if not facts.sound:
        return first_finding(facts)
    if facts.version != version:
        return f"migration {facts.version:04d}, not {version:04d}"
    return None


def first_finding(facts: store.Facts) -> str:
    """integrity_check's findings, on one line: the first, and how many more."""
    lines = [line for finding in facts.integrity for line in finding.splitlines() if not line.startswith("***")]
    return (lines[0] if lines else "no detail") + (f", and {len(lines) - 1} more" if len(lines) > 1 else "")


def prune(folder: Path, keep: int) -> str:
    """Delete the backups in `folder` older than the newest `keep` (only files named like a backup)."""
    backups = sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name) and p.is_file())
    old = backups[:-keep]  # names sort by time: the stamp is zero-padded, biggest unit first
    for path in old:
        path.unlink()
    return f"removed {len(old)} older backup(s); {len(backups) - len(old)} kept in {folder}"


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


# --- restore -----------------------------------------------------------------------------------------


async def run_restore(settings: Settings, file: Path, *, confirm: Confirm, clock: Clock | None = None,
                      say: Say = print) -> None:
    """Put the backup `file` in place of YINLING_DB and migrate it; `confirm` is asked first."""
    target = sqlite_path(settings, PG_RESTORE)
    if not file.is_file():
        raise Refused(f"no such file: {file}")
    if target.exists() and file.samefile(target):
        raise Refused(f"{file} is YINLING_DB itself: nothing to restore")
    source = store.open_read_only(file)
    try:
        version = restorable_version(file, source)
        replace_database(target, source, file, version, confirm, clock or SystemClock(settings.tz), say)
    finally:
        source.close()
    await migrate_restored(target, say)


def restorable_version(file: Path, source: sqlite3.Connection) -> int:
    """Refuse anything but a sound Yinling database this version can migrate; returns its version."""
    try:
        facts = store.inspect(source)
    except store.NotADatabase as exc:
        raise Refused(f"{file} is not a sound SQLite database ({exc}): nothing was changed") from exc
    if not facts.sound:
        raise Refused(f"{file} failed its integrity check ({first_finding(facts)}): nothing was changed")
    if not facts.migrations:
        raise Refused(f"{file} is not a Yinling database (it has no migrations recorded): nothing was changed")
    known = {m.version: m.name for m in discover()}
    if facts.version > max(known):
        raise Refused(f"{file} was made by a newer Yinling (migration {facts.version:04d}; this one knows up to"
                      f" {max(known):04d}): upgrade Yinling first; nothing was changed")
    foreign = sorted(v for v, name in facts.migrations.items() if known.get(v) != name)
    if foreign:
        raise Refused(f"{file} is not a Yinling database (its migration {foreign[0]:04d} is not one of"
                      " Yinling's): nothing was changed")
    return facts.version


def replace_database(target: Path, source: sqlite3.Connection, file: Path, version: int, confirm: Confirm,
                     clock: Clock, say: Say) -> None:
    existed = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        held = store.hold_alone(target, LOCK_WAIT_S)
    except store.InUse:
        raise Refused(f"{target} is in use (is `yinling serve` running on it?): stop the service, then restore"
                      " again. Nothing was changed") from None
    except sqlite3.DatabaseError as exc:
        raise Refused(f"{target} (YINLING_DB) cannot be opened as an SQLite database ({exc}):"
                      " nothing was changed") from exc
    done = False
    try:
        kept = target.with_name(f"{target.name}.before-restore-{clock.local_now().strftime(STAMP)}")
        question = f"Replace {target} with {file} (migration {version:04d})?" + (
            f" The current database is kept as {kept}." if existed else "")
        if not confirm(question):
            raise Refused("not restored (not confirmed): nothing was changed")
        if existed:
            keep_current(target, held, kept)
            say(f"kept the current database as {kept}")
        try:
            store.replace_content(source, held)
        except sqlite3.Error as exc:
            raise Refused(f"the restore failed ({exc}); {target} was not changed") from exc
        done = True
    finally:
        held.close()
        if not existed and not done:
            target.unlink(missing_ok=True)  # hold_alone created it empty
    say(f"restored {target} from {file} (migration {version:04d})")


def keep_current(target: Path, held: sqlite3.Connection, kept: Path) -> None:
    """Copy the current database to `kept`: WAL checkpointed into the main file first, so that file
    alone is all of it, and no -wal or -shm of the old database is left to be read with the new one."""
    if kept.exists():
        raise Refused(f"{kept} already exists and is not overwritten: nothing was changed")
    try:
        store.leave_wal(held)
        shutil.copy2(target, kept)  # the lock is held: nothing writes meanwhile
    except (sqlite3.Error, OSError) as exc:
        kept.unlink(missing_ok=True)
        raise Refused(f"could not keep the current database ({exc}): nothing was changed") from exc


async def migrate_restored(target: Path, say: Say) -> None:
    db = await Database.connect(target)  # back in WAL mode, as the service expects
    try:
        applied = await migrate(db)
    finally:
        await db.close()
    say(f"applied {len(applied)} migration(s) to the restored database"
        + "".join(f"\n  {m.version:04d}_{m.name}" for m in applied) if applied
        else "the restored database needed no migration")


def ask_on_terminal(question: str) -> bool:
    """Ask on the terminal; with no terminal (cron, a pipe) refuse rather than guess."""
    if not sys.stdin.isatty():
        raise Refused("not restored: there is no terminal to ask on; add --yes to restore without asking")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
