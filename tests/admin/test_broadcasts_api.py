"""The broadcasts API: bad fields named, roles and scope, dry run, report, cancel, remind, attachments."""
from __future__ import annotations

import pytest
from aiohttp import FormData

from tests.factories import add_bound_retiree

NOTICE = {"text": "本周五上午九点召开座谈会。"}


@pytest.fixture
async def recipients(db, clock, office):
    """Each liaison's retirees in the chat: 王芳 (wang) has two, 李强 (li) one; the office's two others
    are on the roster but not in the chat."""
    wang, li = office.wang, office.li
    return {
        "wang": [await add_bound_retiree(db, clock, 8301, liaison_id=wang),
                 await add_bound_retiree(db, clock, 8302, liaison_id=wang)],
        "li": [await add_bound_retiree(db, clock, 8303, liaison_id=li)],
    }


async def send(client, **changes):
    return await client.post("/api/v1/broadcasts", json={**NOTICE, **changes})


@pytest.mark.parametrize(("changes", "field"), [
    ({"text": "  "}, "text"),
    ({"text": "字" * 4001}, "text"),
    ({"audience": {"kind": "tags"}}, "audience"),
    ({"audience": {"kind": "activity"}}, "audience"),
    ({"audience": {"kind": "retirees", "retiree_ids": []}}, "audience"),
    ({"audience": {"kind": "everyone", "retiree_ids": [1]}}, "audience"),
    ({"audience": {"kind": "activity", "activity_id": 999}}, "audience.activity_id"),
    ({"schedule_at": "2026-11-23T09:00:00"}, "schedule_at"),  # no timezone
    ({"schedule_at": "2020-01-01T09:00:00+08:00"}, "schedule_at"),
    ({"audience": {"kind": "tags", "tags": ["失能"]}}, "audience"),  # nobody in it
    ({"urgent": True}, "urgent"),
])
async def test_a_bad_field_is_named(as_admin, recipients, changes, field):
    resp = await send(as_admin, **changes)
    assert resp.status == 422, await resp.text()
    assert field in (await resp.json())["error"]["fields"]


async def test_sending_answers_with_the_report_and_a_dry_run_writes_nothing(as_admin, recipients, db):
    dry = await send(as_admin, dry_run=True, require_ack=True)
    assert dry.status == 200
    assert ((await dry.json())["recipients"], (await dry.json())["reachable"]) == (5, 3)
    assert (await dry.json())["buttons"] == ["✅ 已阅"]
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0
    resp = await send(as_admin)
    assert resp.status == 201
    body = await resp.json()
    assert body["broadcast"]["status"] == "sending" and body["report"]["queued"] == 3
    listed = await (await as_admin.get("/api/v1/broadcasts")).json()
    assert [b["id"] for b in listed["items"]] == [body["broadcast"]["id"]]


async def test_a_liaison_sends_to_their_own_and_reads_only_their_own(as_wang, as_li, as_viewer, recipients):
    resp = await send(as_wang)
    assert resp.status == 201 and (await resp.json())["report"]["recipients"] == 3  # everyone = their own
    mine = (await resp.json())["broadcast"]["id"]
    others = await send(as_wang, audience={"kind": "retirees", "retiree_ids": recipients["li"]})
    assert others.status == 403 and "audience.retiree_ids" in (await others.json())["error"]["fields"]
    assert (await as_li.get(f"/api/v1/broadcasts/{mine}")).status == 404
    assert (await as_li.post(f"/api/v1/broadcasts/{mine}/cancel")).status == 404
    assert (await as_viewer.get(f"/api/v1/broadcasts/{mine}")).status == 200
    assert (await send(as_viewer)).status == 403
    assert (await as_viewer.post(f"/api/v1/broadcasts/{mine}/remind")).status == 403


async def test_cancel_then_again_is_409_and_remind_needs_ack(as_admin, recipients):
    plain = (await (await send(as_admin)).json())["broadcast"]["id"]
    resp = await as_admin.post(f"/api/v1/broadcasts/{plain}/remind")
    assert resp.status == 409 and "require_ack" in (await resp.json())["error"]["fields"]
    resp = await as_admin.post(f"/api/v1/broadcasts/{plain}/cancel")
    assert resp.status == 200 and (await resp.json())["stopped"] == 3
    assert (await as_admin.post(f"/api/v1/broadcasts/{plain}/cancel")).status == 409
    report = await (await as_admin.get(f"/api/v1/broadcasts/{plain}")).json()
    assert report["broadcast"]["status"] == "cancelled" and report["report"]["cancelled"] == 3


async def test_an_attachment_upload_then_a_notice_with_it(as_admin, recipients, db):
    form = FormData()
    form.add_field("file", b"\x89PNG\r\n\x1a\n....", filename="通知.png")
    resp = await as_admin.post("/api/v1/broadcasts/attachments", data=form)
    assert resp.status == 201, await resp.text()
    attachment = await resp.json()
    assert (attachment["kind"], attachment["filename"]) == ("photo", "通知.png")
    assert (await send(as_admin, attachment_id=attachment["id"])).status == 201
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE media LIKE '%photo%'") == 3
    bad = FormData()
    bad.add_field("file", b"MZ", filename="run.exe")
    resp = await as_admin.post("/api/v1/broadcasts/attachments", data=bad)
    assert resp.status == 422 and "file" in (await resp.json())["error"]["fields"]


async def attach(client) -> int:
    form = FormData()
    form.add_field("file", b"%PDF-1.4 ...", filename="通知.pdf")
    resp = await client.post("/api/v1/broadcasts/attachments", data=form)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["id"]


async def test_a_liaison_sends_only_attachments_they_uploaded_and_another_is_as_if_missing(
        as_admin, as_wang, as_li, recipients, db):
    wangs = await attach(as_wang)
    missing = await send(as_li, attachment_id=wangs + 100)
    for body in ({"attachment_id": wangs}, {"attachment_id": wangs, "dry_run": True}):
        resp = await send(as_li, **body)
        assert resp.status == 404, await resp.text()
        assert await resp.json() == await missing.json()  # the same answer: nothing says that it exists
        assert (await resp.json())["error"]["fields"] == {"attachment_id": "找不到您上传的这个附件"}
    assert await db.fetch_value("SELECT count(*) FROM broadcasts") == 0
    assert (await send(as_wang, attachment_id=wangs)).status == 201  # their own
    assert (await send(as_admin, attachment_id=wangs)).status == 201  # an admin may use anyone's
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE media LIKE '%document%'") == 2 + 3
