"""`yinling backup` and `yinling restore` (SQLite), run as an operator runs them."""
from __future__ import annotations

import asyncio
import io
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from serve.backup import Refused, run_backup
from serve.cli import main
from tests.factories import add_retiree, make_settings
from yinling.store.database import Database
from yinling.store.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
PASSWORD_IN_URL = "s3cret-pw"


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """YINLING_DB for the command; returns the database's path (it does not exist yet)."""
    path = tmp_path / "data" / "yinling.db"
    monkeypatch.setenv("YINLING_DB", str(path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, as under cron
    return path


def seed(path: Path, clock, *names: str) -> None:
    async def work() -> None:
        db = await Database.connect(path)
        try:
            await migrate(db)
            for name in names:
                await add_retiree(db, clock, name=name, phone=None)
        finally:
            await db.close()

    asyncio.run(work())


def retirees(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM retirees ORDER BY id").fetchall()
    finally:
        conn.close()


def change(path: Path, clock) -> None:
    """The office goes on working after the backup: a new retiree, a renamed one, a removed one."""
    seed(path, clock, "王秀英")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE retirees SET name = '张建华' WHERE name = '张建国'")
        conn.execute("DELETE FROM retirees WHERE name = '赵淑芬'")
    conn.close()


def backup(capsys) -> Path:
    main(["backup"])
    out = capsys.readouterr().out
    match = re.fullmatch(r"backed up to (\S+) \(\d+\.\d [KM]B, migration \d{4}, integrity ok\)\n", out)
    assert match, out
    return Path(match[1])


def refused(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_restore_over_a_changed_database_gives_back_exactly_the_backed_up_rows(env, clock, capsys):
    seed(env, clock, "张建国", "赵淑芬")
    backed_up = retirees(env)
    file = backup(capsys)
    assert file.parent == env.parent / "backups" and re.fullmatch(r"yinling-\d{8}-\d{6}\.db", file.name)
    change(env, clock)
    changed = retirees(env)
    assert changed != backed_up

    main(["restore", str(file), "--yes"])
    out = capsys.readouterr().out
    assert retirees(env) == backed_up
    kept_line = re.search(r"kept the current database as (\S+)", out)
    assert kept_line, out
    kept = Path(kept_line[1])
    assert kept.name.startswith("yinling.db.before-restore-") and retirees(kept) == changed
    assert f"restored {env} from {file} (migration " in out
    assert not any(name in out for name in ("张建国", "赵淑芬", "王秀英", "张建华"))  # no personal data
    conn = sqlite3.connect(env)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # the service's mode again
    conn.close()


async def test_a_backup_is_taken_while_the_service_writes(db, db_path, clock):
    await add_retiree(db, clock, name="张建国", phone=None)
    said: list[str] = []
    file, _ = await asyncio.gather(
        run_backup(make_settings(db_path), clock=clock, say=said.append),
        add_retiree(db, clock, name="赵淑芬", phone=None),
    )
    names = [row[1] for row in retirees(file)]
    assert names in (["张建国"], ["张建国", "赵淑芬"])  # one consistent moment, whichever it was
    assert len(said) == 1 and said[0].startswith(f"backed up to {file} (") and said[0].endswith("integrity ok)")


async def test_keep_deletes_only_the_oldest_backups_beyond_n(db, db_path, clock):
    folder = db_path.parent / "backups"
    folder.mkdir()
    strays = [folder / "yinling-notes.txt", folder / "other.db", folder / "yinling-2025.db"]
    for stray in strays:
        stray.write_text("not a backup")
    settings = make_settings(db_path)
    made = []
    for _ in range(4):
        said: list[str] = []
        made.append(await run_backup(settings, keep=2, clock=clock, say=said.append))
        clock.advance(timedelta(days=1))
    assert said[-1] == f"removed 1 older backup(s); 2 kept in {folder}"
    assert sorted(folder.iterdir()) == sorted([*made[2:], *strays])


async def test_a_backup_never_overwrites_and_says_why_it_cannot_write(db, db_path, clock, tmp_path):
    settings = make_settings(db_path)
    await run_backup(settings, clock=clock, say=lambda _: None)
    with pytest.raises(Refused, match="already exists and is not overwritten"):
        await run_backup(settings, clock=clock, say=lambda _: None)
    (tmp_path / "a-file").write_text("")
    with pytest.raises(Refused, match=r"cannot use .*a-file/backups as the backup folder"):
        await run_backup(settings, to=tmp_path / "a-file" / "backups", clock=clock)
    with pytest.raises(Refused, match="--keep must be at least 1"):
        await run_backup(settings, keep=0, clock=clock)


def damaged(first_page: int, last_page: int):
    def damage(file: Path) -> None:
        data = bytearray(file.read_bytes())
        pages = len(data) // 4096
        start, end = (first_page % pages) * 4096, (last_page % pages) * 4096
        data[start:end] = b"\xa5" * (end - start)
        file.write_bytes(bytes(data))

    return damage


def foreign(file: Path) -> None:
    file.unlink()
    conn = sqlite3.connect(file)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def edit_migrations(sql: str):
    def edit(file: Path) -> None:
        conn = sqlite3.connect(file)
        conn.execute(sql)
        conn.commit()
        conn.close()

    return edit


@pytest.mark.parametrize(
    "spoil, says",
    [
        (lambda file: file.write_text("姓名,手机号\n"), r"is not a sound SQLite database \(file is not a database\)"),
        (damaged(3, 30), r"is not a sound SQLite database \(database disk image is malformed\)"),
        (damaged(-40, -20), r"failed its integrity check \(Page \d+: .*, and \d+ more\)"),
        (foreign, "is not a Yinling database"),
        (edit_migrations("UPDATE schema_migrations SET name = 'theirs' WHERE version = 1"),
         "is not a Yinling database"),
        (edit_migrations("INSERT INTO schema_migrations VALUES (9999, 'future', '')"), "made by a newer Yinling"),
    ],
    ids=["text", "damaged-schema", "damaged-rows", "foreign", "renamed-migration", "newer"],
)
def test_a_file_that_is_not_a_sound_yinling_backup_is_refused(env, clock, capsys, spoil, says):
    seed(env, clock, "张建国", "赵淑芬")
    file = backup(capsys)
    change(env, clock)
    changed = retirees(env)
    spoil(file)
    err = refused(capsys, "restore", str(file), "--yes")
    assert re.search(says, err) and "nothing was changed" in err and err.count("\n") == 1, err
    assert retirees(env) == changed and not list(env.parent.glob("*.before-restore-*"))


HOLD_IN_ANOTHER_PROCESS = """
import asyncio, sys
from yinling.store.database import Database

async def main():
    db = await Database.connect(sys.argv[1])  # open and idle, as a running service between requests
    print("open", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await db.close()

asyncio.run(main())
"""


class Holder:
    """Something with the database open while a restore is tried."""

    def __init__(self, path: Path, how: str) -> None:
        self.how = how
        if how == "service process":
            self.process = subprocess.Popen([sys.executable, "-c", HOLD_IN_ANOTHER_PROCESS, str(path)], cwd=ROOT,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert self.process.stdout is not None and self.process.stdout.readline() == "open\n"
            return
        self.conn = sqlite3.connect(path, isolation_level=None)
        if how == "transaction":
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE retirees SET name = name")
        else:
            self.conn.execute("SELECT count(*) FROM retirees").fetchone()

    def release(self) -> None:
        if self.how == "service process":
            self.process.communicate("\n", timeout=10)
        else:
            self.conn.close()


@pytest.mark.parametrize("how", ["transaction", "idle connection", "service process"])
def test_a_restore_is_refused_while_the_database_is_in_use(env, clock, capsys, how):
    seed(env, clock, "张建国", "赵淑芬")
    backed_up = retirees(env)
    file = backup(capsys)
    change(env, clock)
    changed = retirees(env)
    holder = Holder(env, how)
    try:
        err = refused(capsys, "restore", str(file), "--yes")
    finally:
        holder.release()
    assert "is in use (is `yinling serve` running on it?): stop the service" in err
    assert retirees(env) == changed and not list(env.parent.glob("*.before-restore-*"))
    main(["restore", str(file), "--yes"])  # once it is stopped
    assert retirees(env) == backed_up


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer, restored", [("y\n", True), ("n\n", False), ("", False)])
def test_without_yes_a_restore_asks_on_a_terminal(env, clock, capsys, monkeypatch, answer, restored):
    seed(env, clock, "张建国")
    backed_up = retirees(env)
    file = backup(capsys)
    change(env, clock)
    changed = retirees(env)
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    if restored:
        main(["restore", str(file)])
        assert f"Replace {env} with {file}" in capsys.readouterr().out
    else:
        assert "not confirmed" in refused(capsys, "restore", str(file))
    assert retirees(env) == (backed_up if restored else changed)


def test_without_yes_and_without_a_terminal_a_restore_is_refused(env, clock, capsys):
    seed(env, clock, "张建国")
    file = backup(capsys)
    change(env, clock)
    changed = retirees(env)
    assert "add --yes" in refused(capsys, "restore", str(file))
    assert retirees(env) == changed


def test_a_backup_restores_onto_a_new_machine(env, clock, capsys, tmp_path, monkeypatch):
    seed(env, clock, "张建国")
    backed_up = retirees(env)
    file = backup(capsys)
    elsewhere = tmp_path / "new" / "yinling.db"
    monkeypatch.setenv("YINLING_DB", str(elsewhere))
    main(["restore", str(file), "--yes"])
    assert retirees(elsewhere) == backed_up and "kept" not in capsys.readouterr().out


def test_a_backup_from_an_older_version_is_migrated_once_restored(env, clock, capsys):
    seed(env, clock, "张建国")
    file = backup(capsys)
    conn = sqlite3.connect(file)  # as if made before migration 0018 existed
    with conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 18")
        conn.execute("DROP INDEX help_requests_created")
    conn.close()
    main(["restore", str(file), "--yes"])
    out = capsys.readouterr().out
    assert "(migration 0017)" in out and "applied 1 migration(s) to the restored database\n  0018_" in out
    assert [row[1] for row in retirees(env)] == ["张建国"]


@pytest.mark.parametrize("argv, tool", [(["backup"], "pg_dump"), (["restore", "x.dump", "--yes"], "pg_restore")])
def test_a_postgresql_url_is_told_to_use_the_postgresql_tools(env, capsys, monkeypatch, argv, tool):
    monkeypatch.setenv("YINLING_DB", f"postgresql://yinling:{PASSWORD_IN_URL}@db.example:5432/yinling")
    err = refused(capsys, *argv)
    assert "YINLING_DB is a PostgreSQL URL" in err and f'{tool} --' in err and '"$YINLING_DB"' in err
    assert PASSWORD_IN_URL not in err and "db.example" not in err
