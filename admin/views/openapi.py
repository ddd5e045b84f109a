"""/api/openapi.json (OpenAPI 3.1), built from the route table and its pydantic models, so a route
cannot exist undocumented and a model change shows in the description at once."""
from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from admin.keys import ROUTES_KEY
from admin.parsing import ISO_MOMENT, MAX_ID, moment_parameters

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"\{(\w+)\}")
_ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_PATH_SCHEMAS = {"date": {"type": "string", "format": "date"}}  # path parameters that are not ids
OFFICE_TIME = ("without an offset: office time (YINLING_TIMEZONE, default Asia/Shanghai), so 2026-12-10T09:00 "
               "and 2026-12-10 09:00 are 09:00 there; with an offset, as given; answers always carry the "
               "office's offset (2026-12-10T09:00:00+08:00)")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "object"}, "description": "import: every bad row"},
            },
        }
    },
}
_ERRORS = {
    "400": "Malformed request",
    "401": "No valid bearer token (or, at login, a wrong username or password)",
    "403": "The caller's role may not do this",
    "404": "No such object (or not in the caller's scope)",
    "409": "Conflicts with the current state",
    "503": "Depends on Telegram, which cannot serve it now",
    "413": "Body too large",
    "422": "Invalid input; `fields` names each wrong field and says (in Chinese) what is wrong with it",
    "429": "Too many attempts; see Retry-After",
}


def build_openapi(routes) -> dict[str, Any]:
    """`routes`: admin.routes.Route rows."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for route in routes:
        if route.body:
            models.append((route.body, "validation"))
        if route.response:
            models.append((route.response, "serialization"))
        models += [(model, "serialization") for _, model in route.also]
    refs, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    for model in schemas.values():
        for prop in model.get("properties", {}).values():
            if any(part.get("format") == "date-time" for part in (prop, *prop.get("anyOf", ()))):
                _say_office_time(prop)
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "银龄助手 Yinling staff API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(route, refs) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{route.method.lower()}_{route.handler.__name__}",
        "summary": route.summary,
        "tags": [route.tag],
        "security": [{"bearer": []}] if route.roles else [],
        "responses": {str(route.status): _success(route, refs)},
    }
    for status, model in route.also:
        operation["responses"][str(status)] = {
            "description": "OK", "content": {"application/json": {"schema": refs[(model, "serialization")]}}}
    if route.roles:
        operation["description"] = f"Roles: {', '.join(sorted(route.roles))}."
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS.get(name, _ID_SCHEMA)}
        for name in _PATH_PARAM.findall(route.path)
    ]
    if route.query:
        schema = route.query.model_json_schema(ref_template=REF)
        required = set(schema.get("required", []))
        moments = moment_parameters(route.query)
        for name, prop in schema.get("properties", {}).items():
            if name in moments:
                _say_office_time(prop, pattern=ISO_MOMENT)
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    if parameters:
        operation["parameters"] = parameters
    if route.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    elif route.body_media:
        operation["requestBody"] = {
            "required": True,
            "content": {route.body_media: {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }}},
        }
    for status in _error_statuses(route, bool(parameters)):
        operation["responses"][status] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
        }
    return operation


def _say_office_time(prop: dict[str, Any], pattern: str | None = None) -> None:
    """A moment's field or parameter: say how its time is read and written. A query's moment takes what
    admin.parsing.parse_query takes (ISO_MOMENT), whatever pattern its model names."""
    prop["description"] = "; ".join(filter(None, (prop.get("description"), OFFICE_TIME)))
    if pattern:
        for part in (prop, *prop.get("anyOf", ())):
            if "pattern" in part:
                part["pattern"] = pattern


def _success(route, refs) -> dict[str, Any]:
    if route.status == 204:
        return {"description": "Done"}
    if route.response_media:
        binary = {"type": "string", "format": "binary"}
        return {"description": "A file", "content": {route.response_media: {"schema": binary}}}
    if route.response:
        schema = refs[(route.response, "serialization")]
        return {"description": "OK", "content": {"application/json": {"schema": schema}}}
    return {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}


def _error_statuses(route, has_parameters: bool) -> list[str]:
    statuses = []
    if route.body or route.body_media or has_parameters:
        statuses.append("422")
    if route.body or route.body_media:
        statuses += ["400", "413"]
    if route.roles:
        statuses += ["401", "403"]
    if "{" in route.path:
        statuses += ["404", "409"]
    if route.path.startswith("/api/v1/media/"):
        statuses.append("503")
    if route.path.endswith("/auth/login"):
        statuses += ["401", "429"]
    statuses += route.errors
    return sorted(set(statuses))


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(build_openapi(request.app[ROUTES_KEY]))
