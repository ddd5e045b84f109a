"""Real headless Chromium for the browser tests: Playwright for Python driving Debian's
/usr/bin/chromium (no browser download). `make test` installs chromium when it runs as root;
without it these tests skip, saying why in one line."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--lang=zh-CN", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 10_000


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (make test does it when run as root)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    playwright = await async_playwright().start()
    try:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:
        await playwright.stop()
        pytest.skip(f"Playwright cannot launch {CHROMIUM}: {str(exc).strip().splitlines()[0]}")
    try:
        yield chromium
    finally:
        await chromium.close()
        await playwright.stop()
