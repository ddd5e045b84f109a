"""Login, tokens, roles, throttling — and the route table as the one source of who may call what."""
from __future__ import annotations

from datetime import timedelta

from admin.app import create_app
from admin.routes import ROUTES
from tests.admin.conftest import PASSWORD, login


async def test_login_returns_a_token_that_works_and_logout_revokes_it(api):
    resp = await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})
    body = await resp.json()
    assert resp.status == 200 and set(body) == {"token", "expires_at"}
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = await api.get("/api/v1/me", headers=headers)
    assert (await me.json())["username"] == "wangfang" and (await me.json())["role"] == "liaison"
    assert (await api.post("/api/v1/auth/logout", headers=headers)).status == 200
    assert (await api.get("/api/v1/me", headers=headers)).status == 401


async def test_a_wrong_password_is_401_and_audited(api, as_admin):
    resp = await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": "nope-nope"})
    assert resp.status == 401 and (await resp.json())["error"]["code"] == "unauthorized"
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "login"})).json()
    results = [(e["actor_name"], e["result"]) for e in audit["items"]]
    assert ("wangfang", "failed") in results and ("admin", "ok") in results


async def test_five_failures_in_fifteen_minutes_lock_the_account_with_retry_after(api, clock):
    for _ in range(5):
        assert (await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": "x" * 9})).status == 401
    locked = await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})
    assert locked.status == 429 and 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    clock.advance(timedelta(minutes=15, seconds=1))
    assert (await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})).status == 200


async def test_a_locked_account_does_not_lock_a_colleague_behind_the_same_address(api):
    for _ in range(5):
        assert (await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": "x" * 9})).status == 401
    assert (await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})).status == 429
    for name in ("a1", "a2", "a3"):  # guesses at accounts that do not exist count for those names only
        await api.post("/api/v1/auth/login", json={"username": name, "password": "wrong-password"})
    resp = await api.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert resp.status == 200 and "token" in await resp.json()


async def test_one_address_is_limited_by_rate_with_retry_after_in_chinese(api, clock, settings):
    per_minute = settings.login_attempts_per_minute
    for index in range(per_minute):  # spread over accounts, so no account lock is reached
        resp = await api.post("/api/v1/auth/login", json={"username": f"guess{index}", "password": "wrong-password"})
        assert resp.status == 401
    refused = await api.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    body = await refused.json()
    assert refused.status == 429 and body["error"]["code"] == "rate_limited"
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60 and "请" in body["error"]["message"] and "秒后再试" in body["error"]["message"]
    clock.advance(timedelta(seconds=wait))  # the bucket refills: one attempt more
    wrong = {"username": "admin", "password": "wrong-password"}
    assert (await api.post("/api/v1/auth/login", json=wrong)).status == 401
    assert (await api.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})).status == 429


async def test_logins_that_succeed_do_not_use_up_the_address_allowance(api, settings):
    for _ in range(settings.login_attempts_per_minute + 5):  # a whole office logging in at 8:30
        assert (await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})).status == 200


async def test_a_locked_account_is_told_so_in_chinese(api):
    for _ in range(5):
        await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": "x" * 9})
    locked = await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})
    assert locked.status == 429 and "分钟后再试" in (await locked.json())["error"]["message"]


async def test_tokens_expire_when_idle_and_after_the_absolute_limit(api, clock, settings):
    wang = await login(api, "wangfang")
    clock.advance(timedelta(minutes=settings.session_idle_minutes - 1))
    assert (await wang.get("/api/v1/me")).status == 200  # in use: stays alive
    clock.advance(timedelta(minutes=settings.session_idle_minutes + 1))
    assert (await wang.get("/api/v1/me")).status == 401  # idle too long
    wang = await login(api, "wangfang")
    for _ in range(settings.session_max_hours * 60 // (settings.session_idle_minutes // 2) + 1):
        clock.advance(timedelta(minutes=settings.session_idle_minutes // 2))
        status = (await wang.get("/api/v1/me")).status
    assert status == 401  # never idle, but past the absolute limit


async def test_a_session_used_within_the_idle_limit_is_never_ended_early(api, clock, settings):
    idle = timedelta(minutes=settings.session_idle_minutes)
    wang = await login(api, "wangfang")
    clock.advance(timedelta(seconds=59))  # a use too soon after the last to be written down
    assert (await wang.get("/api/v1/me")).status == 200
    clock.advance(idle - timedelta(seconds=1))  # idle limit counted from that use: one second left
    assert (await wang.get("/api/v1/me")).status == 200
    clock.advance(idle)  # now truly idle for the whole limit
    assert (await wang.get("/api/v1/me")).status == 401


async def test_unknown_fields_and_bad_json_are_refused_naming_them(api):
    resp = await api.post("/api/v1/auth/login", json={"username": "a", "password": "b", "role": "admin"})
    assert resp.status == 422 and "role" in (await resp.json())["error"]["fields"]
    resp = await api.post("/api/v1/auth/login", data=b"{nope", headers={"Content-Type": "application/json"})
    assert resp.status == 422 and (await resp.json())["error"]["fields"] == {"body": "不是有效的 JSON"}


async def test_a_huge_body_gets_413(api):
    resp = await api.post("/api/v1/auth/login", data=b"{" + b" " * 400_000 + b"}",
                          headers={"Content-Type": "application/json"})
    assert resp.status == 413


# ---- the route table ----

def sample_path(path: str) -> str:
    return path.replace("{id}", "1").replace("{date}", "2027-01-01")


async def test_every_route_the_server_answers_is_in_the_route_table(settings, services):
    app = create_app(settings, services)
    table = {(r.method, r.path) for r in ROUTES}
    served = {(route.method, route.resource.canonical) for route in app.router.routes() if route.method != "HEAD"}
    assert served == table


async def test_every_protected_route_answers_401_without_a_valid_token_and_writes_nothing(api, db):
    async def counts() -> tuple[int, int]:
        return (await db.fetch_value("SELECT count(*) FROM retirees"),
                await db.fetch_value("SELECT count(*) FROM audit_log"))

    before = await counts()
    for route in ROUTES:
        if route.roles is None:
            continue
        for headers in ({}, {"Authorization": "Bearer forged-token"}, {"Authorization": "Basic abc"}):
            resp = await api.request(route.method, sample_path(route.path), headers=headers, json={})
            assert resp.status == 401, (route.method, route.path, headers)
    assert await counts() == before


async def test_an_expired_token_is_401_on_every_protected_route(api, clock, settings):
    admin = await login(api, "admin")
    clock.advance(timedelta(hours=settings.session_max_hours, minutes=1))
    for route in ROUTES:
        if route.roles is not None:
            resp = await admin.request(route.method, sample_path(route.path), json={})
            assert resp.status == 401, (route.method, route.path)


async def test_every_role_not_allowed_gets_403_and_nothing_changes(api, db):
    clients = {role: await login(api, user) for role, user in
               (("admin", "admin"), ("liaison", "wangfang"), ("viewer", "leader"))}
    for route in ROUTES:
        if route.roles is None:
            continue
        for role, client in clients.items():
            if role in route.roles:
                continue
            snapshot = await db.fetch_all("SELECT * FROM retirees ORDER BY id")
            resp = await client.request(route.method, sample_path(route.path), json={"name": "x"})
            assert resp.status == 403, (role, route.method, route.path)
            assert await db.fetch_all("SELECT * FROM retirees ORDER BY id") == snapshot
