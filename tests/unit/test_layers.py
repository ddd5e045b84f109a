"""The house plan's boundaries (DESIGN.md), read from the source: the core (yinling/) never imports
the composition root or a face, nor the libraries the faces are made of; the sender reaches the
outbox through a service, not the store."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_THE_CORE = ("serve", "bot", "admin", "console", "sandbox", "telegram", "aiohttp")


def imported(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (inside functions too), by its full dotted name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offending(path: Path, roots: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imported(path) if name.split(".")[0] in roots)


def test_the_core_imports_no_face_no_composition_root_and_no_web_or_telegram_library():
    files = sorted((ROOT / "yinling").rglob("*.py"))
    assert len(files) > 50  # the walk found the core
    found = {str(path.relative_to(ROOT)): bad for path in files if (bad := offending(path, NOT_IN_THE_CORE))}
    assert found == {}


def test_the_yinling_command_lives_in_the_composition_root():
    assert not (ROOT / "yinling" / "cli.py").exists()
    assert "main" in {node.name for node in ast.parse((ROOT / "serve" / "cli.py").read_text()).body
                      if isinstance(node, ast.FunctionDef)}


def test_the_sender_reaches_the_outbox_through_a_service():
    assert [name for name in imported(ROOT / "bot" / "sender.py") if name.startswith("yinling.store")] == []
