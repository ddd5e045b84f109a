"""PIPL erasure of what a person said and was sent: the words and identities go, the rows stay.

`erase_traces` runs inside the transaction that erases the retiree's file (yinling.store.retirees.
erase, which must come after it: the chat id, account and name read here are emptied there). Every
row keeps its status, category, kind and dates, so statistics still count it; only texts, file ids,
raw updates and chat identities are emptied ('[已删除]' where a column may not be empty).

What is tied to the person, and so erased:
  - help requests: summary and satisfaction comment; every thread message of them (theirs, staff
    replies, private notes: text and file id); the words in their events (a status reason, a follow-up
    result);
  - ideas: summary and the office's reply; every part (text, file id); private notes; replies in the
    idea's history;
  - inbox messages said by them (their retiree id, or their chat before they were verified): text and
    file id; left unanswered ones are marked handled (nobody can answer them any more);
  - the intake (inbound_updates) of their chat or account: text, file id, raw JSON, and the chat and
    account ids; in staff chats, updates replying to, or pressing a button on, a message erased here
    (a Telegram reply carries the message it answers, a press the message it was on);
  - the outbox: every row to their chat or with their retiree id (text '[已删除]', buttons and media
    cleared, chat id 0, not yet sent: cancelled); staff notices about them — help cards and idea
    cards of theirs (by source), and staff-group or staff DM texts naming them the way the product
    writes them: '（#<retiree id>）', '求助单 #<their request>', '金点子 #<their idea>', '（编号 <their
    registration>）', '（聊天 <their chat>）', and the grouped 【新留言】 notice by their name;
  - pending registrations of their account (phone, Telegram name, ids); their dialog; their staff
    thread; study: no more pushes, off the leaderboard; privacy requests: the reject reason.

What cannot be tied, and so stays: a text staff typed themselves elsewhere that names them (a
broadcast, an activity's description, a staff note on someone else's request); a grouped notice
naming a namesake is erased too (over-erasing a sent notice is harmless). Messages already delivered
stay in the Telegram chats themselves: this is the database only.
"""
from __future__ import annotations

import json
import re
from datetime import datetime

from yinling.clock import to_iso
from yinling.store.database import Transaction

PLACEHOLDER = "[已删除]"
# Staff notices never carry a retiree id; of those, only these can name someone.
_STAFF_CANDIDATES = (
    "retiree_id IS NULL AND chat_id != :chat AND (source LIKE 'help-card:%' OR source LIKE 'idea-card:%'"
    " OR text LIKE '%#%' OR text LIKE '%（编号 %' OR text LIKE '%（聊天 %' OR text LIKE '【新留言】%')"
)
# The message a staff-chat update answers (a reply) or was pressed on (an inline button).
_REPLIED_TO = (
    "CASE WHEN json_valid(raw) THEN coalesce(json_extract(raw, '$.message.reply_to_message.message_id'),"
    " json_extract(raw, '$.callback_query.message.message_id')) END"
)


async def _ids(tx: Transaction, sql: str, params: dict) -> list[int]:
    return [row[0] for row in await tx.fetch_all(sql, params)]


def _mentions(retiree_id: int, name: str | None, chat: int | None, requests: list[int], ideas: list[int],
              registrations: list[int]) -> re.Pattern[str]:
    """How the product's staff texts name this person or what is theirs (see yinling/texts.py)."""
    parts = [re.escape(f"（#{retiree_id}）")]
    parts += [rf"求助单 #{n}(?!\d)" for n in requests] + [rf"金点子 #{n}(?!\d)" for n in ideas]
    parts += [re.escape(f"（编号 {n}）") for n in registrations]
    if chat is not None:
        parts.append(re.escape(f"（聊天 {chat}）"))
    if name:  # STAFF_NEW_MESSAGES: "【新留言】有 3 条新留言待回复：张建国 2 条、李秀兰 1 条。"
        parts.append(rf"^【新留言】.*[：、]{re.escape(name)} \d+ 条")
    return re.compile("|".join(parts), re.S)


async def erase_traces(tx: Transaction, retiree_id: int, *, now: datetime) -> dict[str, int]:
    """Erase what the retiree said and was sent, and what staff were told about them. Returns how
    many rows of each kind were emptied (numbers only: for the audit log)."""
    who = await tx.fetch_one(
        "SELECT name, telegram_user_id AS user, telegram_chat_id AS chat FROM retirees WHERE id = :id",
        {"id": retiree_id},
    )
    if who is None:
        return {}
    name = who["name"] if who["name"] != "已删除" else None
    p = {"id": retiree_id, "chat": who["chat"], "user": who["user"], "now": to_iso(now), "gone": PLACEHOLDER}
    requests = await _ids(tx, "SELECT id FROM help_requests WHERE retiree_id = :id", p)
    ideas = await _ids(tx, "SELECT id FROM ideas WHERE retiree_id = :id", p)
    registrations = await _ids(tx, "SELECT id FROM pending_registrations WHERE telegram_user_id = :user", p)
    counts: dict[str, int] = {}

    # ---- help requests: the rows stay (status, category, dates, rating) for the statistics ----
    mine_requests = "(SELECT id FROM help_requests WHERE retiree_id = :id)"
    counts["help_messages"] = await tx.execute_counted(
        f"UPDATE help_messages SET text = NULL, file_id = NULL WHERE request_id IN {mine_requests}", p)
    await tx.execute_counted(
        "UPDATE help_requests SET summary = '', satisfaction_comment = NULL WHERE retiree_id = :id", p)
    await tx.execute(
        "UPDATE help_events SET detail = json_remove(detail, '$.reason', '$.result')"
        f" WHERE request_id IN {mine_requests} AND json_valid(detail)", p)

    # ---- ideas ----
    mine_ideas = "(SELECT id FROM ideas WHERE retiree_id = :id)"
    counts["idea_parts"] = await tx.execute_counted(
        f"UPDATE idea_parts SET text = NULL, file_id = NULL WHERE idea_id IN {mine_ideas}", p)
    await tx.execute(f"UPDATE idea_notes SET text = :gone WHERE idea_id IN {mine_ideas}", p)
    await tx.execute(f"UPDATE idea_events SET reply = NULL WHERE idea_id IN {mine_ideas}", p)
    await tx.execute("UPDATE ideas SET summary = '', reply = NULL WHERE retiree_id = :id", p)

    # ---- the inbox: their words, also from before they were verified (chat id only) ----
    counts["inbox_messages"] = await tx.execute_counted(
        "UPDATE inbound_messages SET text = NULL, file_id = NULL, retiree_id = :id, chat_id = NULL,"
        " handled_at = coalesce(handled_at, :now)"
        " WHERE retiree_id = :id OR (:chat IS NOT NULL AND chat_id = :chat)", p)
    await tx.execute("DELETE FROM staff_threads WHERE retiree_id = :id", p)
    if who["chat"] is not None:
        await tx.execute("DELETE FROM dialogs WHERE chat_id = :chat", p)

    # ---- the outbox: staff notices about them (found before their own rows lose their chat id) ----
    pattern = _mentions(retiree_id, name, who["chat"], requests, ideas, registrations)
    sources = {f"help-card:{n}" for n in requests} | {f"idea-card:{n}" for n in ideas}
    staff_rows = [
        row for row in await tx.fetch_all(
            f"SELECT id, chat_id, message_id, text, source FROM outbox WHERE {_STAFF_CANDIDATES}",
            {"chat": who["chat"] if who["chat"] is not None else 0})
        if row["source"] in sources or pattern.search(row["text"] or "")
    ]
    await tx.executemany(
        "UPDATE outbox SET text = :gone, keyboard = NULL, media = NULL,"
        " status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END WHERE id = :row",
        [{"row": row["id"], "gone": PLACEHOLDER} for row in staff_rows],
    )
    counts["staff_notices"] = len(staff_rows)
    # Staff replies to those notices and presses on their buttons carry the notice in their JSON.
    delivered: dict[int, list[int]] = {}
    for row in staff_rows:
        if row["message_id"] is not None:
            delivered.setdefault(row["chat_id"], []).append(row["message_id"])
    counts["staff_updates"] = 0
    for chat_id, message_ids in delivered.items():
        counts["staff_updates"] += await tx.execute_counted(
            "UPDATE inbound_updates SET text = NULL, file_id = NULL, raw = '{}',"
            " processed_at = coalesce(processed_at, :now)"
            f" WHERE chat_id = :c AND {_REPLIED_TO} IN (SELECT value FROM json_each(:m))",
            {"c": chat_id, "m": json.dumps(message_ids), "now": p["now"]},
        )

    # ---- the outbox: everything to their chat or about them as a recipient ----
    counts["sent_to_them"] = await tx.execute_counted(
        "UPDATE outbox SET text = :gone, keyboard = NULL, media = NULL, chat_id = 0,"
        " status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END"
        " WHERE retiree_id = :id OR (:chat IS NOT NULL AND chat_id = :chat)", p)

    # ---- the intake: every update of their chat or account ----
    counts["updates"] = await tx.execute_counted(
        "UPDATE inbound_updates SET text = NULL, file_id = NULL, raw = '{}', chat_id = NULL, user_id = NULL,"
        " processed_at = coalesce(processed_at, :now)"
        " WHERE (:chat IS NOT NULL AND chat_id = :chat) OR (:user IS NOT NULL AND user_id = :user)", p)

    # ---- the rest that names them or their account ----
    if who["user"] is not None:
        await tx.execute(
            "UPDATE pending_registrations SET phone = '', telegram_name = :gone, telegram_user_id = 0,"
            " telegram_chat_id = 0, status = CASE WHEN status = 'pending' THEN 'rejected' ELSE status END,"
            " decided_at = coalesce(decided_at, :now) WHERE telegram_user_id = :user", p)
    await tx.execute(
        "UPDATE study_subscriptions SET active = 0, on_leaderboard = 0, updated_at = :now WHERE retiree_id = :id", p)
    await tx.execute(
        "UPDATE privacy_requests SET reason = NULL,"
        " status = CASE WHEN status = 'pending' THEN 'completed' ELSE status END,"
        " decided_at = coalesce(decided_at, :now) WHERE retiree_id = :id", p)
    return counts
