"""/api/openapi.json describes every route the server answers, from the same route table."""
from __future__ import annotations

from admin.app import create_app


async def test_every_served_route_is_documented_with_its_security(api, settings, services):
    spec = await (await api.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    app = create_app(settings, services)
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        operation = spec["paths"].get(route.resource.canonical, {}).get(route.method.lower())
        assert operation is not None, f"undocumented: {route.method} {route.resource.canonical}"


async def test_protected_operations_declare_bearer_auth_and_their_errors(api):
    spec = await (await api.get("/api/openapi.json")).json()
    retirees = spec["paths"]["/api/v1/retirees/{id}"]["patch"]
    assert retirees["security"] == [{"bearer": []}]
    assert {"401", "403", "404", "422"} <= set(retirees["responses"])
    body = retirees["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RetireeWrite"}
    assert spec["components"]["schemas"]["RetireeWrite"]["additionalProperties"] is False
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == [] and "429" in login["responses"]


async def test_the_webhook_route_is_documented_when_served(settings, services, aiohttp_client):
    async def sink(update: dict) -> None:
        return None

    client = await aiohttp_client(create_app(settings, services, update_sink=sink, webhook_path="/tg/hook"))
    spec = await (await client.get("/api/openapi.json")).json()
    assert "post" in spec["paths"]["/tg/hook"]
