"""The roster (台账 / 一人一档): who may see and change which retiree, and the rules a file obeys.

Scope: a liaison sees and changes only the retirees assigned to them (anything else is NotFound,
exactly as if it did not exist); admins and viewers see everyone, viewers without sensitive fields
(the faces strip those). PIPL: health notes and family details need the retiree's separate consent,
and withdrawing consent erases them. Reads of sensitive fields, edits, exports, imports and
deletions are audited (which fields, never their values).
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date
from typing import Any

from yinling.errors import Forbidden, InvalidInput, NotFound
from yinling.models import (
    AGED_FROM,
    AGED_TAG,
    RETIREE_TAGS,
    Actor,
    FamilyContact,
    Frozen,
    RetireeFields,
    RetireeRecord,
    RosterFilter,
    age_on,
    is_aged,
)
from yinling.phones import normalize_phone
from yinling.roster_export import export_roster
from yinling.roster_import import ImportRow, RosterFileError, parse_roster
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.store import erasure as erasure_store
from yinling.store import retirees as retiree_store
from yinling.store import roster_search
from yinling.store import staff as staff_store
from yinling.store.database import Transaction
from yinling.store.rows import Reader

SENSITIVE_FIELDS = frozenset({"health_notes", "family"})
TEXT_LIMITS = {"name": 50, "address": 200, "former_unit": 100, "former_post": 100, "hobbies": 500,
               "health_notes": 2000, "notes": 2000}
# Field names as the spreadsheet's columns say them, for row errors staff can act on.
_HEADERS = {"name": "姓名", "phones": "手机号", "tags": "标签", "birth_date": "出生日期",
            "party_join_date": "入党时间", "liaison_id": "联系干部", "health_notes": "健康状况",
            "family": "家属电话", "address": "住址", "notes": "备注", "hobbies": "兴趣特长"}
CONSENT_NEEDED = "需要本人单独同意存储敏感信息（sensitive_consent）才能录入"


class Reach(Frozen):
    """How to reach a retiree, for a page that names who sent something: no sensitive field."""

    name: str
    phones: tuple[str, ...] = ()  # empty for those who may not see phone numbers (viewers)
    in_chat: bool = False  # bound in the chat: what the office sends them arrives there


def aged_cutoff(today: date) -> date:
    """Born on or before this day: 80 or older today."""
    try:
        return today.replace(year=today.year - AGED_FROM)
    except ValueError:  # 29 February
        return today.replace(year=today.year - AGED_FROM, day=28)


class RosterService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # ---- reading ----
    async def list_retirees(
        self, actor: Actor, filters: RosterFilter, *, page: int, per_page: int, fields: tuple[str, ...]
    ) -> tuple[list[roster_search.Listed], int]:
        """One page of the retirees `actor` may see, each as JSON of `fields` (yinling/store/
        roster_search.py FIELDS), and how many match. A viewer's items leave out sensitive tags.
        created_at and updated_at come in the office's offset where it has held steady (else as stored)."""
        if filters.tag is not None and filters.tag not in (*RETIREE_TAGS, AGED_TAG):
            raise InvalidInput("不认识这个标签", fields={"tag": f"只能是 {'、'.join((*RETIREE_TAGS, AGED_TAG))}"})
        if filters.tag in self.sensitive_tags and not actor.sees_sensitive:  # who has it is what is hidden
            raise Forbidden("只读账号不能按敏感标签查找",
                            fields={"tag": f"敏感标签「{filters.tag}」只有管理员和联系干部能按它查找"})
        if not actor.sees_sensitive:  # who may not see phone numbers may not search by them (digit by digit)
            filters = filters.model_copy(update={"q_phones": False})
        today = self.core.clock.today()
        return await roster_search.page(
            self.core.db, filters, scope_liaison_id=actor.scope_liaison_id, aged_cutoff=aged_cutoff(today),
            today=today, limit=per_page, offset=(page - 1) * per_page, fields=fields,
            hidden_tags=() if actor.sees_sensitive else tuple(sorted(self.sensitive_tags)),
            steady=roster_search.steady_offset(self.core.settings.tz),
        )

    async def get_retiree(self, actor: Actor, retiree_id: int) -> RetireeRecord:
        record = await self._visible(actor, retiree_id)
        if actor.sees_sensitive and (record.health_notes or record.family):
            async with self.core.db.transaction() as tx:
                await audit(self.core, tx, actor, "retiree.read_sensitive", target_type="retiree",
                            target_id=retiree_id, detail={"fields": sorted(self._sensitive_present(record))})
        return self.for_actor(actor, record)

    async def reach(self, actor: Actor, retiree_id: int) -> Reach:
        """Name, phones and whether they are in the chat, scoped as get_retiree. It reads no sensitive
        field for anyone, so it writes no retiree.read_sensitive audit row (a page that only wants a
        phone number must not look, in the audit, as if it had read someone's health notes)."""
        record = await self._visible(actor, retiree_id)
        return Reach(name=record.name, phones=record.phones if actor.sees_sensitive else (),
                     in_chat=record.telegram_bound)

    @property
    def sensitive_tags(self) -> frozenset[str]:
        """Tags that reveal health or vulnerability (YINLING_SENSITIVE_TAGS adds to the defaults)."""
        return self.core.settings.sensitive_tag_set

    def for_actor(self, actor: Actor, record: RetireeRecord) -> RetireeRecord:
        """A viewer's copy leaves out sensitive tags: viewers keep aggregate figures only. (Tags stored
        before consent was asked for stay in the file, and are hidden from viewers the same way.)"""
        if actor.sees_sensitive:
            return record
        return record.model_copy(update={"tags": tuple(t for t in record.tags if t not in self.sensitive_tags)})

    async def _visible(self, actor: Actor, retiree_id: int, conn: Reader | None = None) -> RetireeRecord:
        record = await retiree_store.get_record(conn or self.core.db, retiree_id)
        if record is None or (actor.scope_liaison_id is not None and record.liaison_id != actor.scope_liaison_id):
            raise NotFound("没有这位老同志")
        return record

    def age_and_tags(self, record: RetireeRecord) -> tuple[int | None, list[str]]:
        """Age today, and the stored tags plus the computed 高龄 when 80 or older."""
        today = self.core.clock.today()
        aged = [AGED_TAG] if is_aged(record.birth_date, today) else []
        return age_on(record.birth_date, today), [*record.tags, *aged]

    # ---- writing ----
    async def do_create(self, actor: Actor, values: Mapping[str, Any]) -> RetireeRecord:
        if actor.role == "liaison":
            if values.get("liaison_id") not in (None, actor.staff.id):
                raise Forbidden("联系干部只能把老同志加到自己名下",
                                fields={"liaison_id": "联系干部不能填这一项"})
            values = {**values, "liaison_id": actor.staff.id}
        async with self.core.db.transaction() as tx:
            fields = await self.check_fields(dict(values), tx)  # the liaison must be active as it is written
            retiree_id = await retiree_store.insert_record(tx, fields, now=self.core.clock.now())
            await audit(self.core, tx, actor, "retiree.create", target_type="retiree", target_id=retiree_id,
                        detail={"fields": sorted(k for k, v in values.items() if v not in (None, "", [], ()))})
        return await self._reload(retiree_id)

    async def do_update(self, actor: Actor, retiree_id: int, changes: Mapping[str, Any]) -> RetireeRecord:
        """Changes only what was sent, to the file as it is inside this transaction: the whole record
        is written back, so merging into a copy read before the write lock would undo another staff
        member's change made meanwhile (and judge scope and reassignment on a stale liaison)."""
        async with self.core.db.transaction() as tx:
            current = await self._visible(actor, retiree_id, tx)
            if "liaison_id" in changes and actor.role != "admin" and changes["liaison_id"] != current.liaison_id:
                raise Forbidden("只有管理员才能更换联系干部", fields={"liaison_id": "不能修改"})
            merged = {**_fields_of(current), **changes}
            if changes.get("sensitive_consent") is False and "health_notes" not in changes and "family" not in changes:
                merged["health_notes"], merged["family"] = None, None  # withdrawing consent erases them
            withdrawn = changes.get("sensitive_consent") is False
            if withdrawn and "tags" not in changes:
                merged["tags"] = tuple(t for t in current.tags if t not in self.sensitive_tags)
            fields = await self.check_fields(merged, tx, kept_tags=() if withdrawn else current.tags)
            await retiree_store.update_record(tx, retiree_id, fields, now=self.core.clock.now())
            action = "retiree.reassign" if fields.liaison_id != current.liaison_id else "retiree.update"
            detail: dict[str, Any] = {"fields": sorted(changes)}
            if action == "retiree.reassign":
                detail.update({"from": current.liaison_id, "to": fields.liaison_id})
            await audit(self.core, tx, actor, action, target_type="retiree", target_id=retiree_id, detail=detail)
        return await self._reload(retiree_id)

    async def do_delete(self, actor: Actor, retiree_id: int) -> None:
        async with self.core.db.transaction() as tx:
            await self._visible(actor, retiree_id, tx)  # scope as it is now (a reassignment moves it)
            await self.erase_in(tx, actor, retiree_id)

    async def erase_in(self, tx: Transaction, actor: Actor, retiree_id: int, **detail: Any) -> None:
        """PIPL erasure inside the caller's transaction (DELETE, and a completed privacy request): the
        file's personal fields and everything the retiree said or was sent (yinling/store/erasure.py),
        audited with how many rows of each kind were emptied, never what they held."""
        now = self.core.clock.now()
        erased = await erasure_store.erase_traces(tx, retiree_id, now=now)
        await retiree_store.erase(tx, retiree_id, now=now)
        await audit(self.core, tx, actor, "retiree.delete", target_type="retiree", target_id=retiree_id,
                    detail={"pipl_erasure": True, "erased": erased, **detail})

    async def _reload(self, retiree_id: int) -> RetireeRecord:
        record = await retiree_store.get_record(self.core.db, retiree_id)
        assert record is not None
        return record

    # ---- the rules a retiree's file obeys ----
    async def check_fields(self, values: dict[str, Any], tx: Transaction | None = None, *,
                           kept_tags: tuple[str, ...] = ()) -> RetireeFields:
        """Validate and normalise; InvalidInput names every field that is wrong. Sensitive tags need
        consent, as health notes do, unless already stored (`kept_tags`: kept, hidden from viewers)."""
        problems: dict[str, str] = {}
        name = " ".join(str(values.get("name") or "").split())
        if not name:
            problems["name"] = "必填"
        for field, limit in TEXT_LIMITS.items():
            text = values.get(field)
            if isinstance(text, str):
                values[field] = text.strip() or None
                if len(text.strip()) > limit:
                    problems[field] = f"最多 {limit} 个字"
        phones = []
        for raw in values.get("phones") or ():
            phone = normalize_phone(raw)
            if phone is None:
                problems["phones"] = f"不是有效的手机号：{raw}"
            elif phone not in phones:
                phones.append(phone)
        tags = []
        for tag in values.get("tags") or ():
            if tag == AGED_TAG:
                problems["tags"] = "高龄按出生日期自动算出，不能手填"
            elif tag not in RETIREE_TAGS:
                problems["tags"] = f"不认识标签「{tag}」，只能是 {'、'.join(RETIREE_TAGS)}"
            elif tag not in tags:
                tags.append(tag)
        today = self.core.clock.today()
        for field in ("birth_date", "party_join_date"):
            day = values.get(field)
            if day is not None and not (date(1900, 1, 1) <= day <= today):
                problems[field] = "应在 1900-01-01 到今天之间"
        family = values.get("family")
        if isinstance(family, Mapping):
            family = FamilyContact(**family)
        if family is not None and family.phone:
            family_phone = normalize_phone(family.phone)
            if family_phone is None:
                problems["family"] = f"不是有效的手机号：{family.phone}"
            else:
                family = family.model_copy(update={"phone": family_phone})
        consent = bool(values.get("sensitive_consent"))
        if not consent:
            for field in SENSITIVE_FIELDS:
                if values.get(field):
                    problems[field] = CONSENT_NEEDED
            if unconsented := [t for t in tags if t in self.sensitive_tags and t not in kept_tags]:
                problems.setdefault("tags", f"敏感标签「{'、'.join(unconsented)}」{CONSENT_NEEDED}")
        liaison_id = values.get("liaison_id")
        if liaison_id is not None:
            liaison = await staff_store.get(tx or self.core.db, liaison_id)
            if liaison is None or not liaison.active or liaison.role == "viewer":
                problems["liaison_id"] = "没有这位联系干部（应是在岗的管理员或联系干部）"
        if problems:
            raise InvalidInput(f"这些字段需要改正：{'、'.join(problems)}", fields=problems)
        return RetireeFields(
            name=name, gender=values.get("gender"), birth_date=values.get("birth_date"), phones=tuple(phones),
            address=values.get("address"), former_unit=values.get("former_unit"),
            former_post=values.get("former_post"), retirement_type=values.get("retirement_type"),
            party_member=bool(values.get("party_member")) or values.get("party_join_date") is not None,
            party_join_date=values.get("party_join_date"), liaison_id=liaison_id, tags=tuple(tags),
            hobbies=values.get("hobbies"), health_notes=values.get("health_notes") if consent else None,
            family=family if consent else None, sensitive_consent=consent, notes=values.get("notes"),
        )

    # ---- the spreadsheet (台账 in Excel) ----
    async def do_import(self, actor: Actor, filename: str, data: bytes) -> dict[str, Any]:
        """All or nothing: every bad row is reported and nothing changes; a good file creates new
        retirees and updates known ones (by 编号, else by name and birth date), never duplicating."""
        try:
            # openpyxl takes seconds on a big sheet: keep the event loop free meanwhile.
            parsed = await asyncio.to_thread(parse_roster, filename, data, today=self.core.clock.today())
        except RosterFileError as exc:
            raise InvalidInput(str(exc), fields={"file": str(exc)}) from None
        errors = [e.model_dump() for e in parsed.errors]
        plan: list[tuple[int | None, RetireeFields]] = []
        for row in parsed.rows:
            try:
                plan.append(await self._plan_row(actor, row))
            except InvalidInput as exc:
                errors += [{"line": row.line, "column": field, "message": reason}
                           for field, reason in (exc.fields or {"row": exc.message}).items()]
        if errors:
            errors.sort(key=lambda e: e["line"])
            async with self.core.db.transaction() as tx:
                await audit(self.core, tx, actor, "retiree.import", result="failed",
                            detail={"rows": len(parsed.rows) + len(parsed.errors), "bad_rows": len(errors)})
            raise InvalidInput(f"有 {len({e['line'] for e in errors})} 行需要改正，什么都没有导入",
                               fields={"file": "有需要改正的行"}, extra={"rows": errors})
        created = updated = 0
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            for retiree_id, fields in plan:
                if retiree_id is None:
                    await retiree_store.insert_record(tx, fields, now=now)
                    created += 1
                else:
                    await retiree_store.update_record(tx, retiree_id, fields, now=now)
                    updated += 1
            await audit(self.core, tx, actor, "retiree.import", detail={"created": created, "updated": updated})
        return {"created": created, "updated": updated, "warnings": parsed.warnings}

    async def _plan_row(self, actor: Actor, row: ImportRow) -> tuple[int | None, RetireeFields]:
        liaison_id = await self._liaison_named(row.liaison) if "liaison" in row.present else None
        if row.id is not None:
            current = await retiree_store.get_record(self.core.db, row.id)
            if current is None or (actor.scope_liaison_id is not None and current.liaison_id != actor.scope_liaison_id):
                raise InvalidInput("没有这个编号", fields={"编号": f"没有编号为 {row.id} 的老同志"})
        else:
            found = await retiree_store.find_id_by_name_and_birth(self.core.db, row.name, row.birth_date)
            current = await retiree_store.get_record(self.core.db, found) if found else None
        values = {**(_fields_of(current) if current else {}), **_row_values(row, liaison_id)}
        try:
            return (current.id if current else None), await self.check_fields(
                values, kept_tags=current.tags if current else ())
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={_HEADERS.get(k, k): v for k, v in exc.fields.items()}) from None

    async def _liaison_named(self, name: str | None) -> int | None:
        if not name:
            return None
        matches = [s for s in await staff_store.find_by_name(self.core.db, name) if s.active and s.role != "viewer"]
        if len(matches) != 1:
            why = "找不到这位联系干部" if not matches else "有重名的联系干部，请写用户名"
            raise InvalidInput(why, fields={"联系干部": f"{why}：{name}"})
        return matches[0].id

    async def export(self, actor: Actor) -> bytes:
        records = await retiree_store.list_records(self.core.db, scope_liaison_id=actor.scope_liaison_id)
        if not actor.sees_sensitive:  # a viewer's copy holds no contact details or sensitive tags either
            records = [self.for_actor(actor, r).model_copy(update={"phones": (), "address": None}) for r in records]
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, actor, "retiree.export",
                        detail={"rows": len(records), "sensitive": actor.sees_sensitive})
        return await asyncio.to_thread(
            export_roster, records, include_sensitive=actor.sees_sensitive, today=self.core.clock.today()
        )

    @staticmethod
    def _sensitive_present(record: RetireeRecord) -> set[str]:
        return {f for f in SENSITIVE_FIELDS if getattr(record, f)}


def _row_values(row: ImportRow, liaison_id: int | None) -> dict[str, Any]:
    """The fields a spreadsheet row sets, named as RetireeFields names them."""
    values: dict[str, Any] = {}
    for name in row.present:
        if name == "liaison":
            values["liaison_id"] = liaison_id
        elif name in ("family_name", "family_relation", "family_phone"):
            if row.family_name or row.family_relation or row.family_phone:
                values["family"] = {"name": row.family_name or "", "relation": row.family_relation,
                                    "phone": row.family_phone}
            else:
                values["family"] = None
        elif name in RetireeFields.model_fields:
            value = getattr(row, name)
            if name in ("party_member", "sensitive_consent") and value is None:
                continue  # a blank cell does not change a yes/no
            values[name] = value
    return values


def _fields_of(record: RetireeRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RetireeFields.model_fields}
