"""The roster (台账): one row per retiree, with their phones and tags beside it.

Deleted retirees (PIPL erasure) keep their row, with personal fields emptied, and are invisible to
every query here except `get_any`. Paging, filtering and searching the list: yinling/store/
roster_search.py, over pieces of names and phones and tallies that triggers keep beside these rows
(migration 0017), whichever function here writes them."""
from __future__ import annotations

from datetime import date, datetime

from yinling.clock import to_iso
from yinling.models import FamilyContact, Retiree, RetireeFields, RetireeRecord
from yinling.store.database import Transaction
from yinling.store.rows import Reader, iso_date, to_model

COLUMNS = "id, name, birth_date, party_join_date, liaison_id, telegram_user_id, telegram_chat_id, reachable"
LIVE = "deleted_at IS NULL"


def retiree_from_row(row) -> Retiree:
    return to_model(Retiree, row)


async def get(conn: Reader, retiree_id: int) -> Retiree | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM retirees WHERE id = :id AND {LIVE}", {"id": retiree_id})
    return retiree_from_row(row) if row else None


async def get_by_telegram_user(conn: Reader, user_id: int) -> Retiree | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM retirees WHERE telegram_user_id = :u", {"u": user_id})
    return retiree_from_row(row) if row else None


async def find_by_phone(conn: Reader, phone: str) -> list[Retiree]:
    rows = await conn.fetch_all(
        f"SELECT DISTINCT {', '.join('r.' + c.strip() for c in COLUMNS.split(','))} FROM retirees r"
        f" JOIN retiree_phones p ON p.retiree_id = r.id WHERE p.phone = :p AND r.{LIVE} ORDER BY r.id",
        {"p": phone},
    )
    return [retiree_from_row(row) for row in rows]


# ---- the whole file (一人一档) ----

_RECORD_SELECT = (
    "SELECT r.id, r.name, r.gender, r.birth_date, r.address, r.former_unit, r.former_post,"
    " r.retirement_type, r.party_member, r.party_join_date, r.liaison_id, s.display_name AS liaison_name,"
    " r.hobbies, r.health_notes, r.family_name, r.family_relation, r.family_phone, r.sensitive_consent,"
    " r.notes, r.telegram_user_id, r.reachable, r.created_at, r.updated_at,"
    " (SELECT group_concat(phone, ';') FROM (SELECT phone FROM retiree_phones p"
    "   WHERE p.retiree_id = r.id ORDER BY position)) AS phones,"
    " (SELECT group_concat(tag, ';') FROM (SELECT tag FROM retiree_tags t"
    "   WHERE t.retiree_id = r.id ORDER BY tag)) AS tags"
    " FROM retirees r LEFT JOIN staff s ON s.id = r.liaison_id"
)


def record_from_row(row) -> RetireeRecord:
    family = None
    if row["family_name"] or row["family_relation"] or row["family_phone"]:
        family = FamilyContact(
            name=row["family_name"] or "", relation=row["family_relation"], phone=row["family_phone"]
        )
    return RetireeRecord(
        id=row["id"],
        name=row["name"],
        gender=row["gender"],
        birth_date=row["birth_date"],
        phones=tuple(row["phones"].split(";")) if row["phones"] else (),
        address=row["address"],
        former_unit=row["former_unit"],
        former_post=row["former_post"],
        retirement_type=row["retirement_type"],
        party_member=bool(row["party_member"]),
        party_join_date=row["party_join_date"],
        liaison_id=row["liaison_id"],
        liaison_name=row["liaison_name"],
        tags=tuple(row["tags"].split(";")) if row["tags"] else (),
        hobbies=row["hobbies"],
        health_notes=row["health_notes"],
        family=family,
        sensitive_consent=bool(row["sensitive_consent"]),
        notes=row["notes"],
        telegram_bound=row["telegram_user_id"] is not None,
        reachable=bool(row["reachable"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_record(conn: Reader, retiree_id: int) -> RetireeRecord | None:
    row = await conn.fetch_one(f"{_RECORD_SELECT} WHERE r.id = :id AND r.{LIVE}", {"id": retiree_id})
    return record_from_row(row) if row else None


async def list_records(conn: Reader, *, scope_liaison_id: int | None) -> list[RetireeRecord]:
    """Every live retiree's whole file in id order (the export), or one liaison's. The list screen
    pages through yinling/store/roster_search.py instead."""
    scope = " AND r.liaison_id = :scope" if scope_liaison_id is not None else ""
    rows = await conn.fetch_all(f"{_RECORD_SELECT} WHERE r.{LIVE}{scope} ORDER BY r.id", {"scope": scope_liaison_id})
    return [record_from_row(r) for r in rows]


def _field_params(fields: RetireeFields, now: datetime) -> dict:
    family = fields.family
    return {
        "name": fields.name,
        "gender": fields.gender,
        "birth": iso_date(fields.birth_date),
        "address": fields.address,
        "unit": fields.former_unit,
        "post": fields.former_post,
        "rtype": fields.retirement_type,
        "party": int(fields.party_member),
        "party_date": iso_date(fields.party_join_date),
        "liaison": fields.liaison_id,
        "hobbies": fields.hobbies,
        "health": fields.health_notes,
        "fname": family.name if family else None,
        "frel": family.relation if family else None,
        "fphone": family.phone if family else None,
        "consent": int(fields.sensitive_consent),
        "notes": fields.notes,
        "now": to_iso(now),
    }


async def _replace_phones_and_tags(tx: Transaction, retiree_id: int, fields: RetireeFields) -> None:
    await tx.execute("DELETE FROM retiree_phones WHERE retiree_id = :id", {"id": retiree_id})
    await tx.executemany(
        "INSERT INTO retiree_phones (retiree_id, position, phone) VALUES (:id, :pos, :phone)",
        [{"id": retiree_id, "pos": i, "phone": p} for i, p in enumerate(fields.phones)],
    )
    await tx.execute("DELETE FROM retiree_tags WHERE retiree_id = :id", {"id": retiree_id})
    await tx.executemany(
        "INSERT INTO retiree_tags (retiree_id, tag) VALUES (:id, :tag)",
        [{"id": retiree_id, "tag": t} for t in fields.tags],
    )


async def insert_record(tx: Transaction, fields: RetireeFields, *, now: datetime) -> int:
    retiree_id = await tx.execute(
        "INSERT INTO retirees (name, gender, birth_date, address, former_unit, former_post, retirement_type,"
        " party_member, party_join_date, liaison_id, hobbies, health_notes, family_name, family_relation,"
        " family_phone, sensitive_consent, consent_at, notes, created_at, updated_at) VALUES (:name, :gender,"
        " :birth, :address, :unit, :post, :rtype, :party, :party_date, :liaison, :hobbies, :health, :fname,"
        " :frel, :fphone, :consent, CASE WHEN :consent THEN :now END, :notes, :now, :now)",
        _field_params(fields, now),
    )
    await _replace_phones_and_tags(tx, retiree_id, fields)
    return retiree_id


async def insert_records(tx: Transaction, many: list[RetireeFields], *, now: datetime) -> list[int]:
    """Many new retirees in three statements. Ids are consecutive: within this write transaction
    nobody else inserts, and SQLite gives each new row max(id) + 1."""
    top = await tx.fetch_one("SELECT coalesce(max(id), 0) AS m FROM retirees")
    assert top is not None  # an aggregate without GROUP BY always returns one row
    start = top["m"] + 1
    ids = list(range(start, start + len(many)))
    await tx.executemany(
        "INSERT INTO retirees (id, name, gender, birth_date, address, former_unit, former_post, retirement_type,"
        " party_member, party_join_date, liaison_id, hobbies, health_notes, family_name, family_relation,"
        " family_phone, sensitive_consent, consent_at, notes, created_at, updated_at) VALUES (:id, :name,"
        " :gender, :birth, :address, :unit, :post, :rtype, :party, :party_date, :liaison, :hobbies, :health,"
        " :fname, :frel, :fphone, :consent, CASE WHEN :consent THEN :now END, :notes, :now, :now)",
        [{**_field_params(fields, now), "id": i} for i, fields in zip(ids, many, strict=True)],
    )
    await tx.executemany(
        "INSERT INTO retiree_phones (retiree_id, position, phone) VALUES (:id, :pos, :phone)",
        [{"id": i, "pos": n, "phone": p} for i, f in zip(ids, many, strict=True) for n, p in enumerate(f.phones)],
    )
    await tx.executemany(
        "INSERT INTO retiree_tags (retiree_id, tag) VALUES (:id, :tag)",
        [{"id": i, "tag": t} for i, f in zip(ids, many, strict=True) for t in f.tags],
    )
    return ids


async def update_record(tx: Transaction, retiree_id: int, fields: RetireeFields, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE retirees SET name = :name, gender = :gender, birth_date = :birth, address = :address,"
        " former_unit = :unit, former_post = :post, retirement_type = :rtype, party_member = :party,"
        " party_join_date = :party_date, liaison_id = :liaison, hobbies = :hobbies, health_notes = :health,"
        " family_name = :fname, family_relation = :frel, family_phone = :fphone,"
        " consent_at = CASE WHEN :consent AND NOT sensitive_consent THEN :now"
        "   WHEN :consent THEN consent_at END,"
        " sensitive_consent = :consent, notes = :notes, updated_at = :now WHERE id = :id",
        {**_field_params(fields, now), "id": retiree_id},
    )
    await _replace_phones_and_tags(tx, retiree_id, fields)


async def erase(tx: Transaction, retiree_id: int, *, now: datetime) -> None:
    """PIPL deletion: every personal field emptied, the Telegram binding dropped; the id stays so
    history that points at it (help requests, audit rows) still resolves to 'a deleted retiree'.
    The search's pieces of their name and phones, and their place in the list's tallies, go in the
    same transaction (triggers of migration 0017, on deleted_at and on the phones and tags deleted)."""
    await tx.execute(
        "DELETE FROM dialogs WHERE chat_id = (SELECT telegram_chat_id FROM retirees WHERE id = :id)",
        {"id": retiree_id},
    )
    await tx.execute(
        "UPDATE retirees SET name = '已删除', gender = NULL, birth_date = NULL, party_join_date = NULL,"
        " address = NULL, former_unit = NULL, former_post = NULL, retirement_type = NULL, party_member = 0,"
        " hobbies = NULL, health_notes = NULL, family_name = NULL, family_relation = NULL,"
        " family_phone = NULL, sensitive_consent = 0, consent_at = NULL, notes = NULL, liaison_id = NULL,"
        " telegram_user_id = NULL, telegram_chat_id = NULL, bound_at = NULL, deleted_at = :now,"
        " updated_at = :now WHERE id = :id",
        {"id": retiree_id, "now": to_iso(now)},
    )
    await tx.execute("DELETE FROM retiree_phones WHERE retiree_id = :id", {"id": retiree_id})
    await tx.execute("DELETE FROM retiree_tags WHERE retiree_id = :id", {"id": retiree_id})


async def find_id_by_name_and_birth(conn: Reader, name: str, birth_date: date | None) -> int | None:
    row = await conn.fetch_one(
        f"SELECT id FROM retirees WHERE name = :n AND birth_date IS :b AND {LIVE} ORDER BY id LIMIT 1",
        {"n": name, "b": iso_date(birth_date)},
    )
    return row["id"] if row else None


async def bind_telegram(
    tx: Transaction, retiree_id: int, *, user_id: int, chat_id: int, now: datetime
) -> None:
    """Bind a Telegram account; a bound retiree is reachable again (they just wrote to us)."""
    await tx.execute(
        "UPDATE retirees SET telegram_user_id = :u, telegram_chat_id = :c, bound_at = :now,"
        " reachable = 1, unreachable_reason = NULL, unreachable_since = NULL, updated_at = :now"
        " WHERE id = :id",
        {"u": user_id, "c": chat_id, "now": to_iso(now), "id": retiree_id},
    )


async def mark_unreachable(tx: Transaction, retiree_id: int, *, reason: str, now: datetime) -> bool:
    """Returns True when this changed the retiree's state (so staff are told once)."""
    row = await tx.fetch_one(
        "UPDATE retirees SET reachable = 0, unreachable_reason = :r, unreachable_since = :now,"
        " updated_at = :now WHERE id = :id AND reachable = 1 RETURNING id",
        {"r": reason, "now": to_iso(now), "id": retiree_id},
    )
    return row is not None


async def mark_reachable(tx: Transaction, retiree_id: int, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE retirees SET reachable = 1, unreachable_reason = NULL, unreachable_since = NULL,"
        " updated_at = :now WHERE id = :id AND reachable = 0",
        {"now": to_iso(now), "id": retiree_id},
    )


async def chat_of(conn: Reader, retiree_id: int) -> int | None:
    """The chat a retiree is reached in, if they are bound."""
    row = await conn.fetch_one("SELECT telegram_chat_id FROM retirees WHERE id = :id", {"id": retiree_id})
    return row["telegram_chat_id"] if row else None
