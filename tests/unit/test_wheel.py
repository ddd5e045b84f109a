"""`pip wheel .` carries everything a running install reads: the code, the migrations, the demo's
study pieces, the sandbox's web chat, the common-passwords list. An install runs from the wheel's
files alone, so nothing may be found through the source tree (as migrations once were)."""
from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from yinling.store.migrate import discover

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = ("*.pyc", "*.md")  # bytecode is made on the spot; a package's README is for readers


def packaged_dirs() -> list[Path]:
    """The top-level packages pyproject.toml's packages.find includes."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(p for p in ROOT.iterdir()
                  if (p / "__init__.py").is_file() and any(fnmatch.fnmatch(p.name, pat) for pat in patterns))


def source_files() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for folder in packaged_dirs() for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
            and not any(fnmatch.fnmatch(path.name, pat) for pat in NOT_SHIPPED)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the sources, so the build's own files (build/, *.egg-info) stay out of the
    work tree; --no-build-isolation: offline, with the venv's setuptools (see pyproject's dev extra)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    for folder in packaged_dirs():
        shutil.copytree(folder, src / folder.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "--no-cache-dir",
         "--disable-pip-version-check", "-q", "-w", str(work / "dist")],
        cwd=src, capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel_file] = (work / "dist").glob("yinling-*.whl")
    return wheel_file


def test_the_wheel_holds_every_file_of_the_packages(wheel):
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    expected = source_files()
    assert {"yinling/migrations/0001_init.sql", "yinling/data/common_passwords.txt", "yinling/demo_study.json",
            "sandbox/webchat/index.html", "serve/cli.py"} <= expected  # the kinds of file this is about
    assert sorted(expected - inside) == []
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(next(n for n in inside if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "yinling = serve.cli:main" in entry_points


RUN_FROM_WHEEL = """
import asyncio, json, sys, tempfile
from pathlib import Path

import yinling
from sandbox.control import WEBCHAT_DIR
from yinling.demo import DEMO_STUDY
from yinling.passwords import common_passwords
from yinling.store.database import Database
from yinling.store.migrate import applied_versions, discover, migrate


async def fresh_database() -> list[int]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.connect(Path(folder) / "fresh.db")
        try:
            await migrate(db)
            return sorted(await applied_versions(db))
        finally:
            await db.close()

print(json.dumps({
    "yinling": yinling.__file__, "found": [m.version for m in discover()], "applied": asyncio.run(fresh_database()),
    "passwords": len(common_passwords()), "study": DEMO_STUDY.is_file(),
    "webchat": (WEBCHAT_DIR / "index.html").is_file(),
}))
"""


def test_an_unpacked_wheel_migrates_a_fresh_database_from_its_own_files(wheel, tmp_path):
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"  # no source tree in sight of the working directory
    elsewhere.mkdir()
    ran = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(unpacked)!r})\n{RUN_FROM_WHEEL}"],
                         cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["yinling"].startswith(str(unpacked))  # the wheel's copy, not the work tree's
    source_versions = [m.version for m in discover()]  # as the work tree finds them
    assert len(source_versions) >= 13 and seen["found"] == seen["applied"] == source_versions
    assert seen["passwords"] > 100 and seen["study"] and seen["webchat"]
