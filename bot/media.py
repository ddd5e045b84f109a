"""Fetching a file a person sent, through the Bot API's getFile and file download."""
from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from yinling.media import MediaUnavailable

MAX_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB


class TelegramMediaSource:
    def __init__(self, bot: Bot, *, owns_bot: bool = False) -> None:
        self.bot = bot
        self.owns_bot = owns_bot  # a Bot made just for this (the staff API running alone)

    async def fetch(self, file_id: str) -> bytes:
        try:
            await self.bot.initialize()  # once; later calls return at once
            file = await self.bot.get_file(file_id)
            if file.file_size and file.file_size > MAX_BYTES:
                raise MediaUnavailable("这个文件太大，Telegram 不提供下载")
            return bytes(await file.download_as_bytearray())
        except TelegramError:
            raise MediaUnavailable("暂时从 Telegram 取不到这个文件，请稍后再试") from None

    async def close(self) -> None:
        if self.owns_bot:
            await self.bot.shutdown()
