"""The roster API: what each role sees and may change, PIPL rules, and the audit trail."""
from __future__ import annotations

import io

import openpyxl

from yinling.store import retirees as retiree_store

VIEWER_HIDDEN = {"phones", "address", "health_notes", "family"}


async def test_a_liaison_lists_only_their_own_retirees(as_wang, office):
    body = await (await as_wang.get("/api/v1/retirees")).json()
    assert [r["id"] for r in body["items"]] == [office.wang_retiree]
    assert body["total"] == 1 and body["page"] == 1


async def test_a_liaison_gets_404_for_another_liaisons_retiree_on_every_route(as_wang, office, db):
    other = f"/api/v1/retirees/{office.li_retiree}"
    assert (await as_wang.get(other)).status == 404
    assert (await as_wang.patch(other, json={"notes": "x"})).status == 404
    assert (await as_wang.delete(other)).status == 404
    assert (await retiree_store.get_record(db, office.li_retiree)).notes is None
    export = await as_wang.get("/api/v1/retirees/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(await export.read())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["张建国"]


async def test_a_viewer_never_receives_contact_or_sensitive_fields(as_viewer, office):
    listed = await (await as_viewer.get("/api/v1/retirees")).json()
    assert listed["total"] == 2
    for item in listed["items"]:
        assert not VIEWER_HIDDEN & set(item)
    detail = await (await as_viewer.get(f"/api/v1/retirees/{office.wang_retiree}")).json()
    assert not VIEWER_HIDDEN & set(detail) and detail["name"] == "张建国"
    export = await as_viewer.get("/api/v1/retirees/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(await export.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert "健康状况" not in headers
    for row in rows[1:]:
        record = dict(zip(headers, row, strict=False))
        assert not record.get("手机号") and not record.get("住址")


async def test_an_admin_sees_everything_and_the_sensitive_read_is_audited(as_admin, office):
    detail = await (await as_admin.get(f"/api/v1/retirees/{office.wang_retiree}")).json()
    assert detail["phones"] == ["13800000001"] and detail["health_notes"] == "高血压"
    assert detail["tags"] == ["独居", "高龄"]  # born 1942: 高龄 is computed
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "retiree.read_sensitive"})).json()
    assert audit["items"][0]["target_id"] == office.wang_retiree
    assert "高血压" not in str(audit)  # which fields were read, never their values


async def test_reassigning_a_retiree_moves_access_at_once(as_admin, as_wang, as_li, office):
    path = f"/api/v1/retirees/{office.wang_retiree}"
    resp = await as_admin.patch(path, json={"liaison_id": office.li})
    assert resp.status == 200 and (await resp.json())["liaison_name"] == "李强"
    assert (await as_wang.get(path)).status == 404
    assert (await as_li.get(path)).status == 200
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "retiree.reassign"})).json()
    assert audit["items"][0]["detail"] == {"fields": ["liaison_id"], "from": office.wang, "to": office.li}


async def test_a_liaison_may_not_reassign_or_set_fields_they_do_not_own(as_wang, office):
    path = f"/api/v1/retirees/{office.wang_retiree}"
    resp = await as_wang.patch(path, json={"liaison_id": office.li})
    assert resp.status == 403 and "liaison_id" in (await resp.json())["error"]["fields"]
    for field in ("id", "role", "telegram_bound", "created_at"):
        resp = await as_wang.patch(path, json={field: 1})
        assert resp.status == 422 and field in (await resp.json())["error"]["fields"]
    created = await as_wang.post("/api/v1/retirees", json={"name": "新同志", "liaison_id": office.li})
    assert created.status == 403


async def test_a_liaison_adds_retirees_to_their_own_list(as_wang, office):
    resp = await as_wang.post("/api/v1/retirees", json={"name": "孙丽华", "phones": ["+86 139-0000-0012"]})
    body = await resp.json()
    assert resp.status == 201 and body["liaison_id"] == office.wang and body["phones"] == ["13900000012"]


async def test_health_notes_without_separate_consent_are_refused_with_the_field_named(as_admin):
    resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "health_notes": "糖尿病"})
    assert resp.status == 422 and "health_notes" in (await resp.json())["error"]["fields"]
    resp = await as_admin.post("/api/v1/retirees",
                               json={"name": "钱老", "family": {"name": "钱小", "relation": "女儿"}})
    assert resp.status == 422 and "family" in (await resp.json())["error"]["fields"]
    ok = await as_admin.post("/api/v1/retirees", json={
        "name": "钱老", "sensitive_consent": True, "health_notes": "糖尿病",
        "family": {"name": "钱小", "relation": "女儿", "phone": "13911112222"}})
    assert ok.status == 201


async def test_withdrawing_consent_erases_health_and_family(as_admin, office):
    path = f"/api/v1/retirees/{office.wang_retiree}"
    body = await (await as_admin.patch(path, json={"sensitive_consent": False})).json()
    assert body["health_notes"] is None and body["family"] is None and body["sensitive_consent"] is False


async def test_invalid_values_name_every_wrong_field(as_admin):
    resp = await as_admin.post("/api/v1/retirees", json={
        "name": "钱老", "phones": ["12"], "tags": ["独居", "不存在"], "birth_date": "2999-01-01", "gender": "x"})
    fields = (await resp.json())["error"]["fields"]
    assert resp.status == 422 and {"gender", "tags.1"} <= set(fields)  # the schema's own checks, all at once
    # a future day within the schema's window (1900-2100): the service's own checks, all at once
    resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "phones": ["12"], "birth_date": "2099-01-01"})
    assert resp.status == 422 and {"phones", "birth_date"} <= set((await resp.json())["error"]["fields"])


async def test_json_types_are_strict_no_zero_for_false_or_a_number_for_a_date(as_admin):
    for field, value in (("sensitive_consent", 0), ("party_member", 1), ("birth_date", 0), ("liaison_id", "1")):
        resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", field: value})
        assert resp.status == 422 and field in (await resp.json())["error"]["fields"], field
    resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "liaison_id": 2**63})
    assert resp.status == 422


async def test_wrong_methods_and_huge_ids_are_4xx_not_5xx(as_admin):
    resp = await as_admin.put("/api/v1/me")
    assert resp.status == 405 and "GET" in resp.headers["Allow"]
    assert (await as_admin.patch("/api/v1/retirees/export.xlsx", json={})).status == 405
    assert (await as_admin.get("/api/v1/retirees/import")).status == 405
    assert (await as_admin.get(f"/api/v1/retirees/{2**64}")).status == 422
    assert (await as_admin.get("/api/v1/retirees", params={"liaison_id": str(2**63)})).status == 422
    bad = await as_admin.post("/api/v1/retirees/import", data=b"--b\r\nNone--b--\r\n",
                              headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert bad.status == 422
    no_boundary = {"Content-Type": "multipart/form-data"}
    assert (await as_admin.post("/api/v1/retirees/import", headers=no_boundary)).status == 422


async def test_filters_paging_and_the_per_page_cap(as_admin, office, db, clock):
    from tests.factories import add_retiree

    for i in range(25):
        await add_retiree(db, clock, name=f"测试{i:02d}", phone=f"1370000{i:04d}", liaison_id=office.li)
    body = await (await as_admin.get("/api/v1/retirees", params={"per_page": "10", "page": "2"})).json()
    assert body["total"] == 27 and len(body["items"]) == 10 and body["page"] == 2
    assert (await (await as_admin.get("/api/v1/retirees", params={"per_page": "500"})).json())["per_page"] == 100
    assert (await (await as_admin.get("/api/v1/retirees", params={"tag": "独居"})).json())["total"] == 1
    assert (await (await as_admin.get("/api/v1/retirees", params={"q": "0000001"})).json())["total"] >= 1
    assert (await (await as_admin.get("/api/v1/retirees", params={"q": "张建"})).json())["total"] == 1
    by_liaison = await as_admin.get("/api/v1/retirees", params={"liaison_id": str(office.wang)})
    assert (await by_liaison.json())["total"] == 1
    assert (await (await as_admin.get("/api/v1/retirees", params={"bound": "true"})).json())["total"] == 0
    bad = await as_admin.get("/api/v1/retirees", params={"page": "0", "bound": "maybe"})
    assert bad.status == 422 and {"page", "bound"} <= set((await bad.json())["error"]["fields"])


async def test_pipl_deletion_erases_the_person_and_keeps_an_audit_row(as_admin, office, db):
    assert (await as_admin.delete(f"/api/v1/retirees/{office.wang_retiree}")).status == 204
    assert (await as_admin.get(f"/api/v1/retirees/{office.wang_retiree}")).status == 404
    row = await db.fetch_one("SELECT name, address, health_notes, deleted_at FROM retirees WHERE id = ?",
                             (office.wang_retiree,))
    assert (row["name"], row["address"], row["health_notes"]) == ("已删除", None, None) and row["deleted_at"]
    assert await db.fetch_value("SELECT count(*) FROM retiree_phones WHERE retiree_id = ?", (office.wang_retiree,)) == 0
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "retiree.delete"})).json()
    assert audit["items"][0]["target_id"] == office.wang_retiree


async def test_the_audit_log_cannot_be_changed(db):
    import sqlite3

    import pytest

    async with db.transaction() as tx:
        await tx.execute("INSERT INTO audit_log (at, action, result) VALUES ('x', 'test', 'ok')")
    for statement in ("UPDATE audit_log SET result = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as tx:
                await tx.execute(statement)


# ---- the spreadsheet ----

def sheet(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(client, data: bytes, name: str = "台账.xlsx"):
    from aiohttp import FormData

    form = FormData()
    form.add_field("file", data, filename=name)
    return await client.post("/api/v1/retirees/import", data=form)


async def test_import_creates_then_reimport_updates_without_duplicates(as_admin):
    data = sheet(("姓名", "出生日期", "手机号", "联系干部", "标签", "入党时间", "同意存储敏感信息"),  # 独居 needs it
                 ("周国庆", "1949-10-01", "13900000009", "王芳", "独居、空巢", "1972-10-01", "是"),
                 ("吴秀兰", "1946/2/14", "+86 139 0000 0010", "liqiang", "", "", ""))
    first = await upload(as_admin, data)
    assert first.status == 200 and (await first.json())["created"] == 2
    second = await upload(as_admin, data)
    assert (await second.json()) == {"created": 0, "updated": 2, "warnings": []}
    body = await (await as_admin.get("/api/v1/retirees", params={"q": "周国庆"})).json()
    assert body["total"] == 1 and body["items"][0]["party_member"] and body["items"][0]["liaison_name"] == "王芳"


async def test_a_file_with_bad_rows_changes_nothing_and_lists_every_bad_row(as_admin, db):
    before = await db.fetch_value("SELECT count(*) FROM retirees")
    data = sheet(("姓名", "出生日期", "手机号", "联系干部", "标签"),
                 ("好人", "1949-10-01", "13900000009", "王芳", ""),
                 ("坏号码", "1949-10-01", "138-abc", "王芳", ""),
                 ("没这人", "1950-01-01", "13900000011", "不存在的干部", ""),
                 ("坏标签", "1950-01-01", "", "", "独居、富翁"))
    resp = await upload(as_admin, data)
    body = await resp.json()
    assert resp.status == 422
    assert sorted({r["line"] for r in body["error"]["rows"]}) == [3, 4, 5]
    assert await db.fetch_value("SELECT count(*) FROM retirees") == before


async def test_export_then_import_round_trips(as_admin, db):
    export = await as_admin.get("/api/v1/retirees/export.xlsx")
    assert export.status == 200 and export.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    before = await db.fetch_all("SELECT * FROM retirees ORDER BY id")
    resp = await upload(as_admin, await export.read())
    assert (await resp.json())["updated"] == 2
    after = await db.fetch_all("SELECT name FROM retirees ORDER BY id")
    assert [r["name"] for r in after] == [r["name"] for r in before]


async def test_a_bad_upload_is_refused_clearly(as_admin):
    resp = await upload(as_admin, b"not a spreadsheet", name="roster.pdf")
    assert resp.status == 422 and "file" in (await resp.json())["error"]["fields"]
    resp = await as_admin.post("/api/v1/retirees/import", json={})
    assert resp.status == 422


# ---- registrations from the chat ----

async def pending(services, phone: str = "13766665555", user_id: int = 777001) -> int:
    from yinling.models import ChatEvent, Contact

    event = ChatEvent(event_id=user_id, user_id=user_id, chat_id=user_id, display_name="新人")
    await services.conversation.do_contact(event, Contact(phone=phone, user_id=user_id))
    registrations, _ = await services.registrations.list_pending()
    return next(r.id for r in registrations if r.telegram_user_id == user_id)


async def test_approving_a_registration_binds_and_greets_in_the_chat(as_admin, services, db):
    registration_id = await pending(services)
    listed = await (await as_admin.get("/api/v1/registrations")).json()
    assert listed["items"][0]["phone"] == "13766665555"
    resp = await as_admin.post(f"/api/v1/registrations/{registration_id}/approve",
                               json={"new_retiree": {"name": "新来的同志"}})
    retiree_id = (await resp.json())["retiree_id"]
    record = await retiree_store.get_record(db, retiree_id)
    assert record.telegram_bound and record.phones == ("13766665555",)
    last = await db.fetch_one("SELECT text, keyboard FROM outbox WHERE chat_id = 777001 ORDER BY id DESC")
    assert last["text"].startswith("新来的同志同志，您好！工作人员已经核对好") and "我要求助" in last["keyboard"]
    assert (await as_admin.get("/api/v1/registrations")).status == 200
    again = await as_admin.post(f"/api/v1/registrations/{registration_id}/approve", json={"retiree_id": retiree_id})
    assert again.status == 404


async def test_registrations_are_for_admins_only(as_admin, as_wang, as_li, as_viewer, services, office, db):
    """A pending registration shows the phone someone verified (a liaison once read a retiree's there),
    and approving it decides whom a chat speaks for."""
    registration_id = await pending(services)
    for client in (as_wang, as_li, as_viewer):
        assert (await client.get("/api/v1/registrations")).status == 403
        resp = await client.post(f"/api/v1/registrations/{registration_id}/approve",
                                 json={"retiree_id": office.wang_retiree})
        assert resp.status == 403
        assert (await client.post(f"/api/v1/registrations/{registration_id}/reject")).status == 403
    status = "SELECT status FROM pending_registrations WHERE id = ?"
    assert await db.fetch_value(status, (registration_id,)) == "pending"
    resp = await as_admin.post(f"/api/v1/registrations/{registration_id}/approve",
                               json={"retiree_id": office.wang_retiree})
    assert resp.status == 200 and (await resp.json())["retiree_id"] == office.wang_retiree


async def test_an_approval_cannot_give_a_phone_on_another_record_to_someone_else(as_admin, services, office, db, clock):
    """张建国 (13800000001) is in the chat already; someone else verifies with his number."""
    async with db.transaction() as tx:
        await retiree_store.bind_telegram(tx, office.wang_retiree, user_id=777100, chat_id=777100, now=clock.now())
    registration_id = await pending(services, phone="13800000001", user_id=777002)
    retirees = await db.fetch_value("SELECT count(*) FROM retirees")
    path = f"/api/v1/registrations/{registration_id}/approve"
    for body in ({"new_retiree": {"name": "冒名者"}},  # a new record with his phone
                 {"new_retiree": {"name": "冒名者", "phones": ["13800000001"]}},
                 {"retiree_id": office.li_retiree}):  # or a record without it
        resp = await as_admin.post(path, json=body)
        assert resp.status == 409, await resp.text()
        fields = (await resp.json())["error"]["fields"]
        assert list(fields) == ["phone"] and f"编号 {office.wang_retiree} " in fields["phone"]
        assert "13800000001" not in fields["phone"]  # masked
    assert await db.fetch_value("SELECT count(*) FROM retirees") == retirees  # nothing created
    assert await db.fetch_value("SELECT telegram_user_id FROM retirees WHERE id = ?", (office.li_retiree,)) is None
    status = "SELECT status FROM pending_registrations WHERE id = ?"
    assert await db.fetch_value(status, (registration_id,)) == "pending"
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE chat_id = 777002 AND source = 'registration'") == 0


async def test_an_approval_may_not_write_another_records_phone_but_may_bind_a_shared_ones_holder(
        as_admin, services, office, db, clock):
    registration_id = await pending(services, phone="13766665555")
    resp = await as_admin.post(f"/api/v1/registrations/{registration_id}/approve",
                               json={"new_retiree": {"name": "新来的同志", "phones": ["13766665555", "13800000002"]}})
    assert resp.status == 409 and list((await resp.json())["error"]["fields"]) == ["new_retiree.phones"]
    # a couple on one phone: the person is one of the records that has it
    from tests.factories import add_retiree

    husband = await add_retiree(db, clock, name="钱老", phone="13955550000")
    await add_retiree(db, clock, name="钱老伴", phone="13955550000")
    shared = await pending(services, phone="13955550000", user_id=777003)
    resp = await as_admin.post(f"/api/v1/registrations/{shared}/approve", json={"retiree_id": husband})
    assert resp.status == 200, await resp.text()


async def test_two_approvals_of_one_phone_at_once_create_one_record(as_admin, services, db):
    """The check is read inside the transaction that writes: the second sees the first's record."""
    import asyncio

    first = await pending(services, phone="13766665555", user_id=777004)
    second = await pending(services, phone="13766665555", user_id=777005)
    responses = await asyncio.gather(*(
        as_admin.post(f"/api/v1/registrations/{rid}/approve", json={"new_retiree": {"name": f"同志{rid}"}})
        for rid in (first, second)))
    assert sorted(r.status for r in responses) == [200, 409]
    assert await db.fetch_value("SELECT count(*) FROM retiree_phones WHERE phone = '13766665555'") == 1


async def test_rejecting_tells_the_person_kindly(as_admin, services, db):
    registration_id = await pending(services)
    assert (await as_admin.post(f"/api/v1/registrations/{registration_id}/reject")).status == 204
    last = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = 777001 ORDER BY id DESC")
    assert "暂时没能为您开通" in last and "0931-8888888" in last
    assert (await (await as_admin.get("/api/v1/registrations")).json())["total"] == 0
