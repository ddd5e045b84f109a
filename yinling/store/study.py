"""Daily study: pieces, the day's piece, subscriptions, pushes, reads and answers, and their figures."""
from __future__ import annotations

import json
from datetime import date, datetime
from itertools import pairwise
from typing import Literal

from yinling.clock import to_iso
from yinling.models import (
    StudyDayCounts,
    StudyPiece,
    StudyPieceCounts,
    StudyPieceFields,
    StudyProgress,
    StudyRead,
    StudySubscription,
)
from yinling.store.database import Transaction
from yinling.store.retirees import LIVE
from yinling.store.rows import Reader, iso_date, to_model

_SELECT_PIECE = "SELECT p.*, d.day AS shown_on FROM study_pieces p LEFT JOIN study_days d ON d.piece_id = p.id"
PieceState = Literal["all", "dated", "queued", "shown", "withdrawn"]


def _piece(row) -> StudyPiece:
    data = dict(row)
    data["quiz"] = json.loads(row["quiz"]) if row["quiz"] else None
    return StudyPiece.model_validate(data)


def _columns(fields: StudyPieceFields) -> dict:
    return {
        "title": fields.title, "body": fields.body, "source": fields.source, "topic": fields.topic,
        "quiz": fields.quiz.model_dump_json() if fields.quiz else None,
        "publish_on": iso_date(fields.publish_on), "queue_position": fields.queue_position,
    }


# ---- the library ----
async def insert_piece(tx: Transaction, fields: StudyPieceFields, *, created_by: int | None, now: datetime) -> int:
    columns = {**_columns(fields), "created_by": created_by, "created_at": to_iso(now), "updated_at": to_iso(now)}
    return await tx.execute(
        f"INSERT INTO study_pieces ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", columns)


async def replace_piece(tx: Transaction, piece_id: int, fields: StudyPieceFields, *, now: datetime) -> None:
    columns = _columns(fields)
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    await tx.execute(f"UPDATE study_pieces SET {assignments}, updated_at = :now WHERE id = :id",
                     {**columns, "now": to_iso(now), "id": piece_id})


async def withdraw(tx: Transaction, piece_id: int, *, now: datetime) -> None:
    await tx.execute("UPDATE study_pieces SET withdrawn_at = :now, updated_at = :now WHERE id = :id",
                     {"now": to_iso(now), "id": piece_id})


async def get_piece(conn: Reader, piece_id: int) -> StudyPiece | None:
    row = await conn.fetch_one(f"{_SELECT_PIECE} WHERE p.id = :id", {"id": piece_id})
    return _piece(row) if row else None


async def next_queue_position(conn: Reader) -> int:
    row = await conn.fetch_one("SELECT coalesce(max(queue_position), 0) + 1 FROM study_pieces")
    return row[0] if row else 1


async def shown_piece_id(conn: Reader, day: date) -> int | None:
    row = await conn.fetch_one("SELECT piece_id FROM study_days WHERE day = :day", {"day": day.isoformat()})
    return row[0] if row else None


async def dated_piece_id(conn: Reader, day: date) -> int | None:
    row = await conn.fetch_one("SELECT id FROM study_pieces WHERE publish_on = :day AND withdrawn_at IS NULL",
                               {"day": day.isoformat()})
    return row[0] if row else None


def _filter(topic: str | None, q: str | None, state: PieceState) -> tuple[str, dict]:
    clauses, params = ["1 = 1"], {}
    if topic:
        clauses.append("p.topic = :topic")
        params["topic"] = topic
    if q:
        clauses.append("(instr(p.title, :q) > 0 OR instr(p.body, :q) > 0)")
        params["q"] = q
    clauses.append({
        "all": "1 = 1",
        "dated": "p.withdrawn_at IS NULL AND p.publish_on IS NOT NULL",
        "queued": "p.withdrawn_at IS NULL AND p.queue_position IS NOT NULL AND d.day IS NULL",
        "shown": "d.day IS NOT NULL",
        "withdrawn": "p.withdrawn_at IS NOT NULL",
    }[state])
    return " AND ".join(clauses), params


async def page_pieces(conn: Reader, *, topic: str | None, q: str | None, state: PieceState, page: int,
                      per_page: int) -> tuple[list[StudyPiece], int]:
    """Dated pieces by date, then the queue in its order."""
    condition, params = _filter(topic, q, state)
    rows = await conn.fetch_all(
        f"{_SELECT_PIECE} WHERE {condition} ORDER BY coalesce(d.day, p.publish_on) IS NULL,"
        " coalesce(d.day, p.publish_on), p.queue_position, p.id LIMIT :limit OFFSET :offset",
        {**params, "limit": per_page, "offset": (page - 1) * per_page})
    total = await conn.fetch_one(
        f"SELECT count(*) FROM study_pieces p LEFT JOIN study_days d ON d.piece_id = p.id WHERE {condition}", params)
    return [_piece(r) for r in rows], total[0] if total else 0


# ---- the day's piece ----
async def day_piece(tx: Transaction, day: date) -> StudyPiece | None:
    """The piece of `day`, fixing it the first time: the piece dated that day, else the first
    never-shown piece of the queue. None when there is nothing to show."""
    row = await tx.fetch_one(f"{_SELECT_PIECE} WHERE d.day = :day", {"day": day.isoformat()})
    if row is not None:
        return _piece(row)
    piece_id = await dated_piece_id(tx, day)
    if piece_id is None:
        queued = await tx.fetch_one(
            "SELECT p.id FROM study_pieces p WHERE p.queue_position IS NOT NULL AND p.withdrawn_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM study_days d WHERE d.piece_id = p.id)"
            " ORDER BY p.queue_position, p.id LIMIT 1")
        piece_id = queued[0] if queued else None
    if piece_id is None:
        return None
    await tx.execute("INSERT INTO study_days (day, piece_id) VALUES (:day, :id)",
                     {"day": day.isoformat(), "id": piece_id})
    return await get_piece(tx, piece_id)


async def past_days(conn: Reader, *, until: date, limit: int, offset: int) -> list[StudyPiece]:
    """Pieces that were a day's piece up to `until`, newest first (withdrawn ones left out)."""
    rows = await conn.fetch_all(
        f"{_SELECT_PIECE} WHERE d.day <= :until AND p.withdrawn_at IS NULL"
        " ORDER BY d.day DESC LIMIT :limit OFFSET :offset",
        {"until": until.isoformat(), "limit": limit, "offset": offset})
    return [_piece(r) for r in rows]


# ---- subscriptions ----
async def subscription(conn: Reader, retiree_id: int) -> StudySubscription | None:
    row = await conn.fetch_one("SELECT * FROM study_subscriptions WHERE retiree_id = :id", {"id": retiree_id})
    return StudySubscription.model_validate(dict(row)) if row else None


async def save_subscription(tx: Transaction, sub: StudySubscription, *, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO study_subscriptions (retiree_id, active, push_time, starts_on, on_leaderboard, created_at,"
        " updated_at) VALUES (:id, :active, :time, :starts, :board, :now, :now)"
        " ON CONFLICT (retiree_id) DO UPDATE SET active = excluded.active, push_time = excluded.push_time,"
        " starts_on = excluded.starts_on, on_leaderboard = excluded.on_leaderboard, updated_at = excluded.updated_at",
        {"id": sub.retiree_id, "active": int(sub.active), "time": sub.push_time,
         "starts": iso_date(sub.starts_on), "board": int(sub.on_leaderboard), "now": to_iso(now)})


# ---- the daily push ----
async def due_pushes(conn: Reader, *, day: date, clock: str, limit: int) -> list[tuple[int, int]]:
    """(retiree id, chat id) of subscribers whose time of `day` has come and who have no push that day."""
    rows = await conn.fetch_all(
        "SELECT r.id, r.telegram_chat_id FROM study_subscriptions s JOIN retirees r ON r.id = s.retiree_id"
        f" WHERE s.active = 1 AND s.push_time <= :clock AND s.starts_on <= :day AND r.{LIVE}"
        " AND r.telegram_chat_id IS NOT NULL AND r.reachable = 1"
        " AND NOT EXISTS (SELECT 1 FROM study_deliveries v WHERE v.retiree_id = r.id AND v.day = :day)"
        " ORDER BY s.push_time, r.id LIMIT :limit",
        {"day": day.isoformat(), "clock": clock, "limit": limit})
    return [(row[0], row[1]) for row in rows]


async def add_deliveries(tx: Transaction, retiree_ids: list[int], *, day: date, piece_id: int, now: datetime) -> None:
    await tx.executemany(
        "INSERT INTO study_deliveries (retiree_id, day, piece_id, queued_at) VALUES (:r, :day, :p, :now)",
        [{"r": rid, "day": day.isoformat(), "p": piece_id, "now": to_iso(now)} for rid in retiree_ids])


# ---- reading and answering ----
async def read_of(conn: Reader, retiree_id: int, piece_id: int) -> StudyRead | None:
    row = await conn.fetch_one("SELECT * FROM study_reads WHERE retiree_id = :r AND piece_id = :p",
                               {"r": retiree_id, "p": piece_id})
    return StudyRead.model_validate(dict(row)) if row else None


async def reads_among(conn: Reader, retiree_id: int, piece_ids: list[int]) -> set[int]:
    if not piece_ids:
        return set()
    names = ", ".join(f":p{i}" for i in range(len(piece_ids)))
    rows = await conn.fetch_all(f"SELECT piece_id FROM study_reads WHERE retiree_id = :r AND piece_id IN ({names})",
                                {"r": retiree_id, **{f"p{i}": p for i, p in enumerate(piece_ids)}})
    return {row[0] for row in rows}


async def reads_among_retirees(conn: Reader, piece_id: int, retiree_ids: list[int]) -> set[int]:
    """Which of these retirees already read the piece."""
    found: set[int] = set()
    for start in range(0, len(retiree_ids), 500):  # well under any driver's limit on parameters
        chunk = retiree_ids[start:start + 500]
        names = ", ".join(f":r{i}" for i in range(len(chunk)))
        rows = await conn.fetch_all(
            f"SELECT retiree_id FROM study_reads WHERE piece_id = :p AND retiree_id IN ({names})",
            {"p": piece_id, **{f"r{i}": r for i, r in enumerate(chunk)}})
        found.update(row[0] for row in rows)
    return found


async def add_read(tx: Transaction, retiree_id: int, piece_id: int, *, day: date, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO study_reads (retiree_id, piece_id, read_on, read_at) VALUES (:r, :p, :day, :now)",
        {"r": retiree_id, "p": piece_id, "day": day.isoformat(), "now": to_iso(now)})


async def set_answer(tx: Transaction, retiree_id: int, piece_id: int, *, choice: int, correct: bool,
                     now: datetime) -> None:
    await tx.execute(
        "UPDATE study_reads SET choice = :c, correct = :ok, answered_at = :now"
        " WHERE retiree_id = :r AND piece_id = :p AND choice IS NULL",
        {"c": choice, "ok": int(correct), "now": to_iso(now), "r": retiree_id, "p": piece_id})


def _points(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return f"count(*) + coalesce(sum({prefix}correct), 0)"


async def progress(conn: Reader, retiree_id: int, *, today: date) -> StudyProgress:
    month_start = today.replace(day=1).isoformat()
    row = await conn.fetch_one(
        f"SELECT {_points()},"
        " (SELECT count(DISTINCT read_on) FROM study_reads WHERE retiree_id = :r AND read_on >= :m),"
        f" (SELECT {_points()} FROM study_reads WHERE retiree_id = :r AND read_on >= :m)"
        " FROM study_reads WHERE retiree_id = :r", {"r": retiree_id, "m": month_start})
    assert row is not None  # an aggregate without GROUP BY always returns one row
    days = await conn.fetch_all(
        "SELECT DISTINCT read_on FROM study_reads WHERE retiree_id = :r AND read_on <= :today"
        " ORDER BY read_on DESC LIMIT 400",
        {"r": retiree_id, "today": today.isoformat()})
    read_days = [date.fromisoformat(d[0]) for d in days]
    return StudyProgress(streak=streak(read_days, today), points=row[0] or 0, days_this_month=row[1] or 0,
                         points_this_month=row[2] or 0, read_today=bool(read_days) and read_days[0] == today)


def streak(days_newest_first: list[date], today: date) -> int:
    """Consecutive days with a read, ending today, or yesterday while today is still open."""
    if not days_newest_first or (today - days_newest_first[0]).days > 1:
        return 0
    count = 1
    for newer, older in pairwise(days_newest_first):
        if (newer - older).days != 1:
            break
        count += 1
    return count


async def leaderboard(conn: Reader, *, since: date, limit: int | None) -> list[tuple[int, str, int]]:
    """(retiree id, name, points since `since`) of those who chose to be on the board, best first."""
    rows = await conn.fetch_all(
        f"SELECT r.id, r.name, {_points('t')} AS points FROM study_reads t"
        " JOIN study_subscriptions s ON s.retiree_id = t.retiree_id AND s.on_leaderboard = 1"
        f" JOIN retirees r ON r.id = t.retiree_id AND r.{LIVE}"
        " WHERE t.read_on >= :since GROUP BY r.id, r.name ORDER BY points DESC, max(t.read_at), r.id LIMIT :limit",
        {"since": since.isoformat(), "limit": 1_000_000 if limit is None else limit})
    return [(row[0], row[1], row[2]) for row in rows]


# ---- figures ----
async def stats_by_day(conn: Reader, *, since: date, until: date) -> list[StudyDayCounts]:
    """Per day: the day's piece, pushes, how many of those pushed read it, quiz answers and right ones."""
    rows = await conn.fetch_all(
        "SELECT d.day, d.piece_id, p.title,"
        " (SELECT count(*) FROM study_deliveries v WHERE v.day = d.day) AS pushed,"
        " (SELECT count(*) FROM study_deliveries v JOIN study_reads t ON t.retiree_id = v.retiree_id"
        "   AND t.piece_id = v.piece_id WHERE v.day = d.day) AS read_by_pushed,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = d.piece_id) AS readers,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = d.piece_id AND t.choice IS NOT NULL) AS answered,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = d.piece_id AND t.correct = 1) AS correct"
        " FROM study_days d JOIN study_pieces p ON p.id = d.piece_id"
        " WHERE d.day >= :since AND d.day <= :until ORDER BY d.day",
        {"since": since.isoformat(), "until": until.isoformat()})
    return [to_model(StudyDayCounts, r) for r in rows]


async def stats_by_piece(conn: Reader, *, since: date, until: date) -> list[StudyPieceCounts]:
    """Per piece read or pushed in the period: pushes, readers, quiz answers and right ones."""
    params = {"since": since.isoformat(), "until": until.isoformat()}
    rows = await conn.fetch_all(
        "SELECT p.id AS piece_id, p.title, p.topic,"
        " (SELECT count(*) FROM study_deliveries v WHERE v.piece_id = p.id"
        "   AND v.day BETWEEN :since AND :until) AS pushed,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = p.id"
        "   AND t.read_on BETWEEN :since AND :until) AS readers,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = p.id AND t.read_on BETWEEN :since AND :until"
        "   AND t.choice IS NOT NULL) AS answered,"
        " (SELECT count(*) FROM study_reads t WHERE t.piece_id = p.id AND t.read_on BETWEEN :since AND :until"
        "   AND t.correct = 1) AS correct"
        " FROM study_pieces p WHERE EXISTS (SELECT 1 FROM study_deliveries v WHERE v.piece_id = p.id"
        "   AND v.day BETWEEN :since AND :until)"
        " OR EXISTS (SELECT 1 FROM study_reads t WHERE t.piece_id = p.id AND t.read_on BETWEEN :since AND :until)"
        " ORDER BY p.id", params)
    return [to_model(StudyPieceCounts, r) for r in rows]
