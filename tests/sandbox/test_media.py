"""Files: uploads, file_id reuse, getFile and downloads."""

from __future__ import annotations

import io
import warnings

import aiohttp
import pytest
import telegram
from telegram.error import BadRequest
from telegram.warnings import PTBDeprecationWarning

from sandbox import RunningSandbox
from sandbox.client import SandboxClient
from sandbox.media import tiny_png

from .conftest import seconds


async def test_voice_upload_roundtrip(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("冯")
    await user.send_text("hi")
    payload = b"OggS-fake-voice-bytes" * 100
    sent = await bot.send_voice(user.id, io.BytesIO(payload), duration=4, caption="<b>语音</b>", parse_mode="HTML")
    assert sent.voice is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        assert seconds(sent.voice.duration) == 4
    assert sent.voice.mime_type == "audio/ogg" and sent.voice.file_size == len(payload)
    assert sent.caption == "语音" and sent.caption_entities[0].type == "bold"
    file = await bot.get_file(sent.voice.file_id)
    # PTB prefixes file_path with base_file_url + token.
    assert file.file_path is not None and "/voice/file_" in file.file_path and file.file_path.endswith(".oga")
    assert bytes(await file.download_as_bytearray()) == payload
    again = await bot.send_voice(user.id, sent.voice.file_id)
    assert again.voice.file_id == sent.voice.file_id


async def test_user_media_download(bot: telegram.Bot, client: SandboxClient, sandbox: RunningSandbox) -> None:
    user = await client.create_user("蒋")
    voice = await user.send_voice(duration=7, data=b"my voice")
    photo = await user.send_photo(caption="看看")
    updates = await bot.get_updates()
    msg = updates[0].message
    assert msg.voice is not None and msg.voice.file_id == voice["voice"]["file_id"]
    assert bytes(await (await bot.get_file(msg.voice.file_id)).download_as_bytearray()) == b"my voice"
    pmsg = updates[1].message
    assert pmsg.caption == "看看" and len(pmsg.photo) >= 2
    assert pmsg.photo[-1].width == photo["photo"][-1]["width"]
    data = await (await bot.get_file(pmsg.photo[-1].file_id)).download_as_bytearray()
    assert bytes(data) == tiny_png()
    async with (aiohttp.ClientSession() as http,
                http.get(f"{sandbox.url}/sandbox/files/{msg.voice.file_id}") as resp):
        assert await resp.read() == b"my voice"


async def test_photo_and_document(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("韩")
    await user.send_text("hi")
    sent = await bot.send_photo(user.id, tiny_png())
    assert sent.photo and sent.photo[-1].width == 2
    resent = await bot.send_photo(user.id, sent.photo[-1].file_id)
    assert [p.file_id for p in resent.photo] == [p.file_id for p in sent.photo]
    doc = await bot.send_document(user.id, io.BytesIO(b"a,b\n1,2\n"), filename="名单.csv")
    assert doc.document.file_name == "名单.csv" and doc.document.mime_type == "text/csv"
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(user.id, "AgACnotreal")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(user.id, "https://example.org/a.jpg")
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_voice(user.id, doc.document.file_id)
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, sent.photo[-1].file_id, caption="长" * 1025)
