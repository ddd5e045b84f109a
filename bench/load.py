"""A load generator in its own process: people pressing buttons through the sandbox.

    python -m bench.load URL BOT_ID IDS_FILE ROUNDS TEXT
Sends ROUNDS messages from every user, round-robin (so one person presses about once per round),
as fast as the sandbox accepts them, and prints the seconds it took. A TEXT of the form
`data=CALLBACK_DATA` presses the inline button with that callback data instead."""
from __future__ import annotations

import asyncio
import sys
import time

import aiohttp


async def main(url: str, bot_id: int, ids: list[int], rounds: int, text: str) -> None:
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as http:
        queue: asyncio.Queue = asyncio.Queue()
        for _ in range(rounds):
            for uid in ids:
                queue.put_nowait(uid)

        if text.startswith("data="):
            path, body = "press", {"data": text.removeprefix("data=")}
        else:
            path, body = "send", {"text": text}

        async def worker() -> None:
            while not queue.empty():
                uid = queue.get_nowait()
                async with http.post(f"{url}/sandbox/bots/{bot_id}/{path}", json={"from_id": uid, **body}) as resp:
                    await resp.read()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(32)))
        print(f"{time.perf_counter() - started:.3f}", flush=True)


if __name__ == "__main__":
    url, bot_id, ids_file, rounds, text = sys.argv[1:6]
    with open(ids_file) as f:
        user_ids = [int(line) for line in f if line.strip()]
    asyncio.run(main(url, int(bot_id), user_ids, int(rounds), text))
