"""Broadcast notices: the notice, its recipients (fixed when sent), acknowledgements, and its report
read from the outbox rows it queued (source 'broadcast:{id}')."""
from __future__ import annotations

import json
from datetime import date, datetime

from yinling.clock import to_iso
from yinling.models import (
    Attachment,
    Broadcast,
    BroadcastAudience,
    BroadcastDraft,
    FailedNotice,
    Priority,
    UnacknowledgedRecipient,
    UnreachableRecipient,
)
from yinling.store import audiences
from yinling.store.database import Transaction
from yinling.store.retirees import LIVE
from yinling.store.rows import Reader, to_model

_STATUS = (
    "CASE WHEN b.status = 'sending' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.source IN"
    " ('broadcast:' || b.id, 'broadcast-remind:' || b.id) AND o.status IN ('queued', 'claimed'))"
    " THEN 'done' ELSE b.status END AS status"
)
_SELECT = (
    f"SELECT b.id, b.text, b.attachment_id, b.audience, b.require_ack, {_STATUS}, b.schedule_at, b.started_at,"
    " b.cancelled_at, b.reminders, b.created_by, b.created_by_liaison, b.created_at, b.updated_at,"
    " (SELECT count(*) FROM broadcast_recipients x WHERE x.broadcast_id = b.id) AS recipients FROM broadcasts b"
)


def source(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def remind_source(broadcast_id: int) -> str:
    return f"broadcast-remind:{broadcast_id}"


def _broadcast(row) -> Broadcast:
    return Broadcast.model_validate({**dict(row), "audience": json.loads(row["audience"])})


async def insert(tx: Transaction, draft: BroadcastDraft, *, status: str, created_by: int | None,
                 liaison: int | None, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO broadcasts (text, attachment_id, audience, require_ack, status, schedule_at, created_by,"
        " created_by_liaison, created_at, updated_at) VALUES (:text, :att, :aud, :ack, :status, :at, :by, :liaison,"
        " :now, :now)",
        {"text": draft.text, "att": draft.attachment_id, "aud": draft.audience.model_dump_json(),
         "ack": int(draft.require_ack), "status": status,
         "at": to_iso(draft.schedule_at) if draft.schedule_at else None, "by": created_by, "liaison": liaison,
         "now": to_iso(now)})


async def get(conn: Reader, broadcast_id: int) -> Broadcast | None:
    row = await conn.fetch_one(f"{_SELECT} WHERE b.id = :id", {"id": broadcast_id})
    return _broadcast(row) if row else None


async def page(conn: Reader, *, liaison: int | None, page: int, per_page: int) -> tuple[list[Broadcast], int]:
    """Newest first; `liaison`: only that liaison's own broadcasts."""
    where, params = ("WHERE b.created_by_liaison = :l", {"l": liaison}) if liaison is not None else ("", {})
    rows = await conn.fetch_all(f"{_SELECT} {where} ORDER BY b.id DESC LIMIT :n OFFSET :o",
                                {**params, "n": per_page, "o": (page - 1) * per_page})
    total = await conn.fetch_one(f"SELECT count(*) FROM broadcasts b {where}", params)
    return [_broadcast(r) for r in rows], total[0] if total else 0


async def due(conn: Reader, *, now: datetime) -> list[int]:
    rows = await conn.fetch_all(
        "SELECT id FROM broadcasts WHERE status = 'scheduled' AND schedule_at <= :now ORDER BY schedule_at, id",
        {"now": to_iso(now)})
    return [row[0] for row in rows]


def _audience_where(audience: BroadcastAudience, aged_cutoff: date, liaison: int | None) -> tuple[str, dict]:
    """A condition on `r` (retirees) selecting the audience's live retirees, within a liaison's own."""
    basic = audience.basic()
    if basic is not None:
        condition, params = audiences.where(basic, aged_cutoff)
    elif audience.kind == "activity":
        condition, params = (f"r.{LIVE} AND r.id IN (SELECT retiree_id FROM activity_registrations"
                             " WHERE activity_id = :activity AND status IN ('confirmed', 'waiting'))",
                             {"activity": audience.activity_id})
    else:
        condition, params = (f"r.{LIVE} AND r.id IN (SELECT value FROM json_each(:ids))",
                             {"ids": json.dumps(list(audience.retiree_ids))})
    if liaison is not None:
        condition += " AND r.liaison_id = :scope"
        params["scope"] = liaison
    return condition, params


async def audience_counts(conn: Reader, audience: BroadcastAudience, *, aged_cutoff: date,
                          liaison: int | None) -> tuple[int, int]:
    """(everyone in the audience, those reachable in the chat now)."""
    condition, params = _audience_where(audience, aged_cutoff, liaison)
    row = await conn.fetch_one(
        "SELECT count(*), coalesce(sum(r.telegram_chat_id IS NOT NULL AND r.reachable = 1), 0)"
        f" FROM retirees r WHERE {condition}", params)
    return (row[0], row[1]) if row else (0, 0)


async def foreign_ids(conn: Reader, retiree_ids: tuple[int, ...], *, liaison: int) -> list[int]:
    """Which of these retirees are not this liaison's (or do not exist)."""
    rows = await conn.fetch_all(
        "SELECT value FROM json_each(:ids) WHERE value NOT IN (SELECT id FROM retirees WHERE liaison_id = :l)",
        {"ids": json.dumps(list(retiree_ids)), "l": liaison})
    return [row[0] for row in rows]


async def fix_recipients(tx: Transaction, broadcast_id: int, audience: BroadcastAudience, *, aged_cutoff: date,
                         liaison: int | None) -> int:
    """Write who the notice is for, as the roster is now. Returns how many."""
    condition, params = _audience_where(audience, aged_cutoff, liaison)
    await tx.execute(
        "INSERT INTO broadcast_recipients (broadcast_id, retiree_id, reachable)"
        f" SELECT :b, r.id, (r.telegram_chat_id IS NOT NULL AND r.reachable = 1) FROM retirees r WHERE {condition}",
        {**params, "b": broadcast_id})
    row = await tx.fetch_one("SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = :b", {"b": broadcast_id})
    return row[0] if row else 0


async def queue_notices(tx: Transaction, broadcast_id: int, *, text: str, keyboard: str | None, media: str | None,
                        src: str, now: datetime, only_unacked: bool = False) -> int:
    """One outbox row per reachable recipient (bulk priority), in one statement: the shape of
    yinling.store.outbox's rows, written here because it selects the recipients in SQL."""
    unacked = " AND x.acked_at IS NULL" if only_unacked else ""
    return await tx.execute_counted(
        "INSERT INTO outbox (chat_id, retiree_id, text, keyboard, media, priority, source, not_before, created_at)"
        " SELECT r.telegram_chat_id, r.id, :text, :keyboard, :media, :priority, :src, :now, :now"
        " FROM broadcast_recipients x JOIN retirees r ON r.id = x.retiree_id"
        " WHERE x.broadcast_id = :b AND x.reachable = 1"
        f" AND r.telegram_chat_id IS NOT NULL AND r.reachable = 1{unacked}"
        " ORDER BY r.id",
        {"text": text, "keyboard": keyboard, "media": media, "priority": int(Priority.BULK), "src": src,
         "now": to_iso(now), "b": broadcast_id})


async def mark_sending(tx: Transaction, broadcast_id: int, *, now: datetime) -> None:
    await tx.execute("UPDATE broadcasts SET status = 'sending', started_at = :now, updated_at = :now WHERE id = :id",
                     {"now": to_iso(now), "id": broadcast_id})


async def mark_cancelled(tx: Transaction, broadcast_id: int, *, now: datetime) -> int:
    """Cancelled, and every notice not yet handed to the sender with it. Returns how many were stopped."""
    await tx.execute(
        "UPDATE broadcasts SET status = 'cancelled', cancelled_at = :now, updated_at = :now WHERE id = :id",
        {"now": to_iso(now), "id": broadcast_id})
    return await tx.execute_counted(
        "UPDATE outbox SET status = 'cancelled', error = 'broadcast cancelled'"
        " WHERE source IN (:a, :b) AND status = 'queued'",
        {"a": source(broadcast_id), "b": remind_source(broadcast_id)})


async def count_reminder(tx: Transaction, broadcast_id: int, *, now: datetime) -> None:
    await tx.execute("UPDATE broadcasts SET reminders = reminders + 1, updated_at = :now WHERE id = :id",
                     {"now": to_iso(now), "id": broadcast_id})


async def acknowledge(tx: Transaction, broadcast_id: int, retiree_id: int, *, now: datetime) -> bool | None:
    """Record 已阅 once. True: recorded now; False: already; None: not a recipient."""
    row = await tx.fetch_one("SELECT acked_at FROM broadcast_recipients WHERE broadcast_id = :b AND retiree_id = :r",
                             {"b": broadcast_id, "r": retiree_id})
    if row is None:
        return None
    if row[0] is not None:
        return False
    await tx.execute("UPDATE broadcast_recipients SET acked_at = :now WHERE broadcast_id = :b AND retiree_id = :r",
                     {"now": to_iso(now), "b": broadcast_id, "r": retiree_id})
    return True


# ---- the report ----
async def report_counts(conn: Reader, broadcast_id: int) -> dict[str, int]:
    """recipients, not_in_chat (unreachable when sent), the first notices by outbox status, blocked
    (failed because the person blocked the bot or left), acknowledged."""
    row = await conn.fetch_one(
        "SELECT count(*) AS recipients, coalesce(sum(reachable = 0), 0) AS not_in_chat,"
        " coalesce(sum(acked_at IS NOT NULL), 0) AS acknowledged FROM broadcast_recipients WHERE broadcast_id = :b",
        {"b": broadcast_id})
    counts = dict(row) if row else {}
    rows = await conn.fetch_all(
        "SELECT status, (error LIKE '403:%blocked%' OR error LIKE '403:%deactivated%') AS gone, count(*) AS n"
        " FROM outbox WHERE source = :s GROUP BY status, gone", {"s": source(broadcast_id)})
    for status in ("queued", "claimed", "sent", "failed", "cancelled", "blocked"):
        counts[status] = 0
    for r in rows:
        counts["blocked" if r["status"] == "failed" and r["gone"] else r["status"]] += r["n"]
    return counts


async def failures(conn: Reader, broadcast_id: int, *, liaison: int | None) -> list[FailedNotice]:
    """Notices that failed, with the reason."""
    scope = " AND r.liaison_id = :l" if liaison is not None else ""
    rows = await conn.fetch_all(
        "SELECT o.retiree_id, r.name, r.liaison_id, o.error FROM outbox o JOIN retirees r ON r.id = o.retiree_id"
        f" WHERE o.source = :s AND o.status = 'failed'{scope} ORDER BY o.retiree_id",
        {"s": source(broadcast_id), "l": liaison})
    return [to_model(FailedNotice, r) for r in rows]


async def unreachable(conn: Reader, broadcast_id: int, *, liaison: int | None) -> list[UnreachableRecipient]:
    """Recipients the notice could not reach in the chat (not in it when sent, blocked, left): for
    their liaisons to phone."""
    scope = " AND r.liaison_id = :l" if liaison is not None else ""
    rows = await conn.fetch_all(
        "SELECT r.id AS retiree_id, r.name, r.liaison_id, s.display_name AS liaison_name,"
        " (SELECT phone FROM retiree_phones p WHERE p.retiree_id = r.id ORDER BY position LIMIT 1) AS phone"
        " FROM broadcast_recipients x JOIN retirees r ON r.id = x.retiree_id LEFT JOIN staff s ON s.id = r.liaison_id"
        " WHERE x.broadcast_id = :b AND (x.reachable = 0 OR EXISTS (SELECT 1 FROM outbox o WHERE o.source = :s"
        " AND o.retiree_id = r.id AND o.status = 'failed'"
        " AND (o.error LIKE '403:%blocked%' OR o.error LIKE '403:%deactivated%')))"
        f"{scope} ORDER BY r.liaison_id, r.id",
        {"b": broadcast_id, "s": source(broadcast_id), "l": liaison})
    return [to_model(UnreachableRecipient, r) for r in rows]


async def not_acknowledged(conn: Reader, broadcast_id: int, *,
                           liaison: int | None) -> list[UnacknowledgedRecipient]:
    """Reachable recipients who have not tapped 已阅."""
    scope = " AND r.liaison_id = :l" if liaison is not None else ""
    rows = await conn.fetch_all(
        "SELECT r.id AS retiree_id, r.name, r.liaison_id FROM broadcast_recipients x JOIN retirees r"
        f" ON r.id = x.retiree_id WHERE x.broadcast_id = :b AND x.reachable = 1 AND x.acked_at IS NULL{scope}"
        " ORDER BY r.liaison_id, r.id", {"b": broadcast_id, "l": liaison})
    return [to_model(UnacknowledgedRecipient, r) for r in rows]


async def acknowledged(conn: Reader, broadcast_id: int, *, liaison: int | None) -> list[UnacknowledgedRecipient]:
    """Recipients who tapped 已阅, earliest first (the same fields as those who have not)."""
    scope = " AND r.liaison_id = :l" if liaison is not None else ""
    rows = await conn.fetch_all(
        "SELECT r.id AS retiree_id, r.name, r.liaison_id FROM broadcast_recipients x JOIN retirees r"
        f" ON r.id = x.retiree_id WHERE x.broadcast_id = :b AND x.acked_at IS NOT NULL{scope}"
        " ORDER BY x.acked_at, r.id", {"b": broadcast_id, "l": liaison})
    return [to_model(UnacknowledgedRecipient, r) for r in rows]


# ---- attachments ----
async def insert_attachment(tx: Transaction, *, kind: str, filename: str, size: int, path: str,
                            created_by: int | None, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO broadcast_attachments (kind, filename, size, path, created_by, created_at)"
        " VALUES (:kind, :name, :size, :path, :by, :now)",
        {"kind": kind, "name": filename, "size": size, "path": path, "by": created_by, "now": to_iso(now)})


async def set_attachment_path(tx: Transaction, attachment_id: int, path: str) -> None:
    await tx.execute("UPDATE broadcast_attachments SET path = :p WHERE id = :id", {"p": path, "id": attachment_id})


async def attachment(conn: Reader, attachment_id: int, *, uploaded_by: int | None = None) -> Attachment | None:
    """The attachment; with `uploaded_by`, only if that staff member uploaded it (created_by)."""
    mine = "" if uploaded_by is None else " AND created_by = :by"
    row = await conn.fetch_one(f"SELECT * FROM broadcast_attachments WHERE id = :id{mine}",
                               {"id": attachment_id, "by": uploaded_by})
    return Attachment.model_validate(dict(row)) if row else None
