"""收件箱's voice notes and photos: playable and viewable on the thread pages, through the same
service calls as the API's media routes (scoped: another liaison's are 404)."""
from __future__ import annotations

import re

import pytest

from admin.app import create_app
from console.app import mount_console
from tests.console.conftest import sign_in
from tests.console.test_inbox import latest, zhang, zhao
from yinling.models import Inbound


class FakeMedia:
    """The channel's files, as the bot's media source would fetch them."""

    async def fetch(self, file_id: str) -> bytes:
        return f"bytes-of-{file_id}".encode()


@pytest.fixture
async def console(aiohttp_client, settings, services, office):
    """The console with a media source (the shared fixture runs without a bot token)."""
    app = create_app(settings, services, media=FakeMedia())
    mount_console(app)
    return await aiohttp_client(app)


VOICE = Inbound(kind="voice", file_id="voice-of-zhang")
PHOTO = Inbound(kind="photo", file_id="photo-of-zhang")


async def test_a_help_requests_voice_note_plays_and_its_photo_shows(console, services, clock):
    await (await zhang(services, clock)).say("🙋 我要求助", "房屋维修", "水龙头坏了", VOICE, PHOTO, "✅ 说完了", "不急",
                                             "✅ 确认提交")
    request_id = await latest(services.core.db, "help_requests")
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get(f"/console/inbox/help/{request_id}")).text()
    audio = re.findall(r'<audio controls preload="none" src="([^"]+)"', page)
    photos = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', page)
    assert audio and photos and "照片" in photos[0][1]
    help_audio = next(src for src in audio if "/inbox/help/" in src)
    voice = await signed.get(help_audio.replace("&amp;", "&"))
    assert voice.status == 200 and voice.content_type == "audio/ogg"
    assert await voice.read() == b"bytes-of-voice-of-zhang"
    chat_photo = next(src for src, _ in photos if "/inbox/retirees/" in src)  # the same photo, in his chat
    photo = await signed.get(chat_photo.replace("&amp;", "&"))
    assert photo.status == 200 and photo.content_type == "image/jpeg"
    assert await photo.read() == b"bytes-of-photo-of-zhang"
    listing = await (await signed.get(f"/console/inbox/help/{request_id}/media")).text()
    assert "语音" in listing and "照片" in listing and "<audio" in listing


async def test_a_messages_voice_note_plays_and_another_liaison_gets_404(console, services, clock):
    await (await zhao(services, clock)).say(Inbound(kind="voice", file_id="voice-of-zhao"))
    message_id = await latest(services.core.db, "inbound_messages")
    li = await sign_in(console, "liqiang")
    page = await (await li.get(f"/console/inbox/messages/{message_id}")).text()
    assert f'src="/console/inbox/messages/{message_id}/media?file=1"' in page
    voice = await li.get(f"/console/inbox/messages/{message_id}/media?file=1")
    assert voice.status == 200 and await voice.read() == b"bytes-of-voice-of-zhao"
    update_id = await services.core.db.fetch_value("SELECT max(update_id) FROM inbound_updates")
    zhao_id = await services.core.db.fetch_value("SELECT id FROM retirees WHERE name = '赵淑芬'")
    assert (await li.get(f"/console/inbox/retirees/{zhao_id}/media?update_id={update_id}")).status == 200
    wang = await sign_in(console, "wangfang")  # the same client, now signed in as 王芳
    for path in (f"/console/inbox/messages/{message_id}/media?file=1", f"/console/inbox/messages/{message_id}/media"):
        assert (await wang.get(path)).status == 404, path
    assert (await wang.get(f"/console/inbox/retirees/{zhao_id}/media?update_id={update_id}")).status == 404
