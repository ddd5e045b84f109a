"""YINLING_LOG_LEVEL=DEBUG must not open the logs to what passes through the libraries: SQL
parameters (names, phones) and Bot API call parameters (message text)."""
from __future__ import annotations

import logging

from serve import cli
from tests.factories import add_retiree

NAME, PHONE = "欧阳秀英", "13912345678"


async def test_debug_logs_carry_no_sql_parameters_around_a_write_and_a_read_by_name(db, clock, caplog):
    caplog.set_level(logging.DEBUG)
    retiree_id = await add_retiree(db, clock, name=NAME, phone=PHONE)
    rows = await db.fetch_all("SELECT id FROM retirees WHERE name = :name", {"name": NAME})
    await db.write("UPDATE retirees SET address = :a WHERE name = :name", {"a": "幸福路1号", "name": NAME})
    assert [r["id"] for r in rows] == [retiree_id]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert NAME not in logged and PHONE not in logged and "幸福路1号" not in logged


def test_debug_level_keeps_telegram_call_parameters_out_of_the_logs(caplog):
    telegram = logging.getLogger("telegram")
    before = telegram.level
    try:
        cli._logging("DEBUG")
        caplog.set_level(logging.DEBUG)
        logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint `%s` with parameters `%s`",
                                                "sendMessage", {"text": NAME})
        logging.getLogger("yinling.test").debug("our own debug lines still show")
        assert NAME not in caplog.text and "our own debug lines still show" in caplog.text
    finally:
        telegram.setLevel(before)
