"""Schemathesis against the running staff API, driven by the API's own /api/openapi.json.

Every operation in the description is fuzzed (examples, coverage and fuzzing phases; valid and
invalid data) with an admin's bearer token, and every response must pass all of schemathesis's
checks: no 5xx (`not_a_server_error`), status codes, content types, headers and bodies as
documented (`status_code_conformance`, `content_type_conformance`, `response_headers_conformance`,
`response_schema_conformance`), valid data accepted and invalid data refused
(`positive_data_acceptance`, `negative_data_rejection`), and the auth checks: a protected operation
that answered 2xx is replayed without a token and with an invalid one, and must refuse both
(`ignored_auth`).

The server runs on 127.0.0.1 from a thread with its own event loop, since schemathesis calls it
with blocking `requests`. Each operation gets a fresh office (database, seed, login), so fuzzing
one operation cannot spoil another: wrong passwords at login lock the test's address out, logout
revokes the token, DELETE erases the seeded retirees.
"""
from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from admin.app import create_app
from admin.routes import ROUTES
from admin.views.openapi import build_openapi
from tests.admin.conftest import PASSWORD, seed_office
from tests.conftest import START
from tests.factories import make_settings
from yinling.clock import FakeClock
from yinling.models import Inbound
from yinling.services import build_services
from yinling.store import ideas as idea_store
from yinling.store import inbox as inbox_store
from yinling.store import privacy as privacy_store
from yinling.store import registrations as registration_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

# Per operation and phase; the run stays well under a minute on 2 cores. SCHEMATHESIS_EXAMPLES=100
# for a deeper run by hand (passed at 100 too).
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
TIMEOUT = 30  # seconds for any one step in the server's loop


async def _seed(db: Database, clock: FakeClock) -> None:
    """The office of tests/admin/conftest.py (four staff, two retirees) plus two pending registrations
    and two ideas, two inbox messages (in words: a voice note's media would need the bot's token, 503)
    and two pending privacy requests, so the small ids the coverage phase tries (1, 2) reach real rows
    on every route."""
    office = await seed_office(db, clock)
    async with db.transaction() as tx:
        for n, phone in enumerate(("13700009991", "13700009992"), start=1):
            await registration_store.upsert_pending(tx, user_id=555000100 + n, chat_id=555000100 + n, phone=phone,
                                                    telegram_name=f"User {n}", reason="unknown_phone",
                                                    now=clock.now())
        for n, retiree_id in enumerate((office.wang_retiree, office.li_retiree), start=1):
            idea_id = await idea_store.create(tx, retiree_id=retiree_id, field="城市建设", summary=f"建议{n}",
                                              now=clock.now())
            await idea_store.add_part(tx, idea_id, Inbound(kind="text", text=f"建议{n}"), now=clock.now())
            await inbox_store.insert_message(tx, retiree_id=retiree_id, chat_id=None, origin="unprompted",
                                             inbound=Inbound(kind="text", text=f"留言{n}"), now=clock.now())
            await privacy_store.create(tx, retiree_id, now=clock.now())  # a deletion request each, pending


class LiveOffice:
    """The staff API on an ephemeral loopback port, served from a background thread's event loop."""

    def __init__(self, db_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="schemathesis-api", daemon=True)
        self.thread.start()
        self.http = requests.Session()
        self.token: str | None = None
        self._runner: web.AppRunner | None = None
        self._db: Database | None = None
        self.base_url = self._run(self._start(db_path))

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT)

    async def _start(self, db_path: Path) -> str:
        settings = make_settings(db_path)
        self._db = await Database.connect(db_path)
        await migrate(self._db)
        clock = FakeClock(ZoneInfo("Asia/Shanghai"), START)
        await _seed(self._db, clock)
        self._runner = web.AppRunner(create_app(settings, build_services(settings, self._db, clock)))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._db is not None:
            await self._db.close()

    @property
    def auth_headers(self) -> dict[str, str]:
        """An admin's bearer token, logged in through the API (again after a fuzzed logout revoked it)."""
        if self.token is None:
            resp = self.http.post(f"{self.base_url}/api/v1/auth/login",
                                  json={"username": "admin", "password": PASSWORD}, timeout=TIMEOUT)
            assert resp.status_code == 200, resp.text
            self.token = resp.json()["token"]
        return {"Authorization": f"Bearer {self.token}"}

    def close(self) -> None:
        self.http.close()
        try:
            self._run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(TIMEOUT)
            self.loop.close()


@pytest.fixture
def live_office(tmp_path):
    """Function-scoped: each operation is its own test item, so each gets a fresh office."""
    office = LiveOffice(tmp_path / "yinling.db")
    yield office
    office.close()


# The description the server serves is build_openapi(ROUTES) (test_the_fuzzed_description_is_the_served_one
# holds it to that). It is loaded here, at import, because schemathesis makes one test item per operation
# only from a schema it has at collection time; `schemathesis.pytest.from_fixture` would load it from
# the live server, but on pytest 9.2 it fails (it sets `Function._nodeid`, which pytest 9.2 removed).
OPENAPI = build_openapi(ROUTES)
# schemathesis's defaults (every check on, all phases, valid and invalid data), stated here so that no
# schemathesis.toml found on the way up changes them, with one exception: an import's file is checked
# by content (format, columns, each row), which no schema can describe, so a schema-valid upload may
# rightly get 422.
# Schema-valid bodies these operations may still refuse with 422, for rules no schema states: a
# file's content (import), a phone number's form, health details without the retiree's consent
# (create, edit, approve with a new retiree), "either retiree_id or new_retiree" (approve), and a help
# request's allowed status transitions (409) and assignees (422).
BUSINESS_RULES = ["2xx", "401", "403", "404", "409", "422", "429"]
CONFIG = SchemathesisConfig.from_dict({
    "operations": [
        {"include-name": name, "checks": {"positive_data_acceptance": {"expected-statuses": BUSINESS_RULES}}}
        for name in ("POST /api/v1/retirees/import", "POST /api/v1/retirees", "PATCH /api/v1/retirees/{id}",
                     "POST /api/v1/registrations/{id}/approve",
                     # a help request's transitions, and words that are only spaces
                     "POST /api/v1/help-requests/{id}/status", "POST /api/v1/help-requests/{id}/assign",
                     "POST /api/v1/help-requests/{id}/replies", "POST /api/v1/help-requests/{id}/notes",
                     "POST /api/v1/help-requests/{id}/merge",
                     # assignees (422), words that are only spaces, someone not in the chat (409), and a
                     # pattern cannot tell 2026-02-31 from a real day
                     "POST /api/v1/inbox/messages/{id}/assign", "POST /api/v1/retirees/{id}/messages",
                     "GET /api/v1/retirees/{id}/conversation",
                     # a pattern cannot tell 2026-02-31 from a real day
                     "GET /api/v1/stats/help",
                     "GET /api/v1/stats/activities",
                     # times must be in order and ahead; capacity not below those confirmed; check-in of
                     # the registered only
                     "POST /api/v1/activities", "PATCH /api/v1/activities/{id}",
                     "POST /api/v1/activities/{id}/cancel", "POST /api/v1/activities/{id}/checkins",
                     # an idea's transitions, noted without a reason, merges into itself or a merged idea,
                     # words that are only spaces, and real days for the received period
                     "GET /api/v1/ideas", "POST /api/v1/ideas/{id}/review", "POST /api/v1/ideas/{id}/notes",
                     "POST /api/v1/ideas/{id}/merge", "GET /api/v1/stats/ideas",
                     # a study piece's day: today or later, one piece per day, fixed once it went out;
                     # an import's rows; real days for the figures' period
                     "POST /api/v1/study/pieces", "PATCH /api/v1/study/pieces/{id}",
                     "POST /api/v1/study/pieces/import", "GET /api/v1/stats/study",
                     # a notice's audience must hold someone, its time be ahead, its file a photo or document
                     "POST /api/v1/broadcasts", "POST /api/v1/broadcasts/attachments",
                     # an office calendar file's rows (dates, kinds)
                     "POST /api/v1/calendar/import",
                     # a day set by hand within 1900-01-01..2100-12-31 (a day outside it may still be
                     # deleted); the schema's format cannot say so
                     "PUT /api/v1/calendar/{date}",
                     # a privacy request decided already (409), a reason that is only spaces
                     "POST /api/v1/privacy-requests/{id}/complete", "POST /api/v1/privacy-requests/{id}/reject")
    ],
})
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)


def test_the_fuzzed_description_is_the_served_one(live_office):
    resp = live_office.http.get(f"{live_office.base_url}/api/openapi.json", timeout=TIMEOUT)
    assert resp.status_code == 200 and resp.json() == OPENAPI


@schema.parametrize()
# One office per operation, shared by its examples on purpose (function_scoped_fixture): the server
# outlives single requests, as a real one does.
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_its_openapi_contract(case, live_office):
    response = case.call_and_validate(base_url=live_office.base_url, headers=live_office.auth_headers)
    if case.operation.path == "/api/v1/auth/logout" and response.status_code == 200:
        live_office.token = None  # revoked by that call
