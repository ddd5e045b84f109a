"""`yinling` as an operator runs it: a real process, real signals."""
from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp

from tests.e2e.conftest import BOT_ID, TOKEN
from tests.e2e.helpers import eventually
from tests.e2e.test_resilience import free_port
from yinling import texts


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINLING_")}
    env.update(values)
    return env


async def spawn(*args: str, env: dict[str, str], cwd) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "serve.cli", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as http:
        async def healthy() -> bool:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    return resp.status == 200
            except aiohttp.ClientError:
                return False

        await eventually(healthy, timeout=20, what="the staff API to answer")


async def test_serve_without_a_token_says_which_variable_in_one_line(tmp_path):
    proc = await spawn("serve", env=clean_env(YINLING_DB=str(tmp_path / "y.db")), cwd=tmp_path)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "YINLING_TELEGRAM_TOKEN" in lines[0] and "Traceback" not in lines[0]


async def test_serve_answers_then_stops_cleanly_on_sigterm(tmp_path, sandbox, sb):
    port = free_port()
    env = clean_env(
        YINLING_DB=str(tmp_path / "y.db"), YINLING_TELEGRAM_TOKEN=TOKEN, YINLING_TELEGRAM_API_URL=sandbox.url,
        YINLING_ADMIN_PORT=str(port),
    )
    proc = await spawn("serve", env=env, cwd=tmp_path)
    try:
        await wait_healthy(port)
        person = await sb.create_user("测试", phone_number="13700000000", bot_id=BOT_ID)
        await person.send_text("/start")
        assert (await person.wait_for_bot_message("验证手机号", timeout=10))["text"] == texts.WELCOME_UNBOUND
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "13700000000" not in err.decode()  # no phone numbers in logs


async def test_demo_starts_everything_on_loopback_and_stops_on_sigterm(tmp_path):
    sandbox_port, admin_port = free_port(), free_port()
    proc = await spawn("demo", "--sandbox-port", str(sandbox_port), "--admin-port", str(admin_port),
                       env=clean_env(), cwd=tmp_path)
    try:
        banner = ""
        while "  Data:" not in banner:  # the banner's last line
            line = await asyncio.wait_for(proc.stdout.readline(), 30)
            assert line, "demo exited before printing its banner"
            banner += line.decode()
        print(banner)
        assert f"http://127.0.0.1:{sandbox_port}/" in banner and f"http://127.0.0.1:{admin_port}" in banner
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{admin_port}/healthz") as resp:
                assert resp.status == 200
            async with http.get(f"http://127.0.0.1:{sandbox_port}/sandbox/users") as resp:
                users = (await resp.json())["users"]
            async with http.get(f"http://127.0.0.1:{sandbox_port}/") as resp:
                page = await resp.text()
        assert {"张建国", "新来的老同志"} <= {u["first_name"] for u in users}
        assert "<html" in page.lower()
        assert (tmp_path / "data" / "demo.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0


async def test_serve_only_admin_needs_no_token(tmp_path):
    port = free_port()
    proc = await spawn("serve", "--only", "admin",
                       env=clean_env(YINLING_DB=str(tmp_path / "y.db"), YINLING_ADMIN_PORT=str(port)), cwd=tmp_path)
    try:
        await wait_healthy(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0
