"""GET /: a page for people reading the staff API, rendered on the server from the same description
as /api/openapi.json (so from the route table): every route with its roles, summary, parameters,
body fields and answers, and the models they name. No CDN, no build step; a few lines of script
only filter the list, and the page reads the same without them."""
from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from aiohttp import web

from admin.keys import ROUTES_KEY
from admin.views.openapi import build_openapi

if TYPE_CHECKING:
    from admin.routes import Route

_STYLE = """
body { font: 16px/1.5 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1c1c1c;
       background: #f4f6f8; }
header { background: #1f7ae0; color: #fff; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header a { color: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 8px 24px 48px; }
nav a { margin-right: 12px; white-space: nowrap; }
#filter { width: 100%; font-size: 16px; padding: 8px 10px; margin: 12px 0; border: 1px solid #b8c2ca;
          border-radius: 6px; box-sizing: border-box; }
section > h2 { margin: 28px 0 8px; border-bottom: 2px solid #cfd8de; }
.op { background: #fff; border: 1px solid #d8dee3; border-radius: 8px; padding: 10px 16px; margin: 10px 0; }
.op h3 { margin: 0; font-size: 17px; font-weight: normal; }
.method { display: inline-block; min-width: 64px; font-weight: bold; font-family: monospace; }
.GET { color: #1a7f37; } .POST { color: #1f5fbf; } .PATCH, .PUT { color: #9a6700; } .DELETE { color: #c0392b; }
.roles { color: #555; margin: 2px 0; }
.public { color: #1a7f37; }
table { border-collapse: collapse; margin: 4px 0 8px; width: 100%; table-layout: fixed; }
th:nth-child(1) { width: 20%; } th:nth-child(2) { width: 30%; } th:nth-child(3) { width: 9%; }
td { overflow-wrap: anywhere; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #e4e8eb; font-size: 15px; }
th { color: #555; font-weight: normal; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 14px; }
h4 { margin: 8px 0 2px; font-size: 15px; }
.note { color: #555; }
"""

_SCRIPT = """
document.getElementById("filter").addEventListener("input", (ev) => {
  const words = ev.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
  for (const op of document.querySelectorAll(".op")) {
    const text = op.textContent.toLowerCase();
    op.hidden = !words.every((w) => text.includes(w));
  }
});
"""

_LOGIN = (
    "Log in with <code>POST /api/v1/auth/login</code> and a body <code>{\"username\": ..., \"password\": ...}</code>; "
    "send the token it returns as <code>Authorization: Bearer &lt;token&gt;</code>. Errors are "
    "<code>{\"error\": {\"code\", \"message\", \"fields\"}}</code>."
)


async def api_page(request: web.Request) -> web.Response:
    routes = request.app[ROUTES_KEY]
    return web.Response(text=render_api_page(routes), content_type="text/html")


def render_api_page(routes: Iterable[Route]) -> str:
    """The page for these routes (the app's route table)."""
    routes = tuple(routes)
    spec = build_openapi(routes)
    schemas: dict[str, Any] = spec["components"]["schemas"]
    tags = list(dict.fromkeys(route.tag for route in routes))
    out = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>银龄助手 · staff API</title><style>{_STYLE}</style></head><body>",
        "<header><h1>银龄助手 staff API</h1>",
        f"<div>{len(routes)} routes. {_LOGIN} The same, machine-readable: "
        '<a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</div></header><main>',
        "<nav>" + "".join(f'<a href="#tag-{escape(tag)}">{escape(tag)}</a>' for tag in tags)
        + '<a href="#models">models</a></nav>',
        '<input id="filter" type="search" placeholder="Filter: a word of a path, role or summary" '
        'aria-label="Filter the routes">',
    ]
    for tag in tags:
        out.append(f'<section id="tag-{escape(tag)}"><h2>{escape(tag)}</h2>')
        for route in routes:
            if route.tag == tag:
                out.append(_operation(route, spec["paths"][route.path][route.method.lower()], schemas))
        out.append("</section>")
    out.append('<section id="models"><h2>models</h2>')
    for name in sorted(schemas):
        out.append(_model(name, schemas[name]))
    out.append(f"</section></main><script>{_SCRIPT}</script></body></html>")
    return "\n".join(out)


def _operation(route: Route, operation: dict[str, Any], schemas: dict[str, Any]) -> str:
    anchor = escape(f"{route.method}{route.path}".lower().replace("/", "-").replace("{", "").replace("}", ""))
    roles = ("<span class=\"public\">public (no login)</span>" if route.roles is None
             else "roles: " + ", ".join(escape(role) for role in sorted(route.roles)))
    parts = [
        f'<article class="op" id="{anchor}"><h3><span class="method {escape(route.method)}">'
        f"{escape(route.method)}</span> <code>{escape(route.path)}</code></h3>",
        f"<div>{escape(route.summary)}</div><div class=\"roles\">{roles}</div>",
    ]
    params = operation.get("parameters", [])
    for where, title in (("path", "Path"), ("query", "Query")):
        rows = [(p["name"], p.get("schema", {}), p.get("required", False)) for p in params if p["in"] == where]
        if rows:
            parts.append(f"<h4>{title} parameters</h4>" + _fields(rows))
    body = operation.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        schema = content.get("schema", {})
        if media == "application/json" and "$ref" in schema:
            model = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
            rows = [(name, prop, name in model.get("required", ()))
                    for name, prop in model.get("properties", {}).items()]
            parts.append(f"<h4>Body (JSON): {_type(schema)}</h4>" + _fields(rows))
        else:
            rows = [(name, prop, name in schema.get("required", ()))
                    for name, prop in schema.get("properties", {}).items()]
            parts.append(f"<h4>Body ({escape(media)})</h4>" + _fields(rows))
    answers = []
    for status, response in operation["responses"].items():
        content = response.get("content", {})
        if status.startswith("2"):
            what = "; ".join(f"{escape(media)} {_type(c.get('schema', {}))}" if media == "application/json"
                             else escape(media) for media, c in content.items()) or escape(response["description"])
            answers.append(f"<b>{escape(status)}</b> {what}")
        else:
            answers.append(f'<b>{escape(status)}</b> <span class="note">{escape(response["description"])}</span>')
    parts.append("<h4>Answers</h4><div>" + " · ".join(answers) + "</div></article>")
    return "".join(parts)


def _model(name: str, schema: dict[str, Any]) -> str:
    head = f'<article class="op" id="model-{escape(name)}"><h3><code>{escape(name)}</code></h3>'
    if schema.get("description"):
        head += f"<div>{escape(schema['description'])}</div>"
    properties = schema.get("properties")
    if properties is None:
        return head + f"<div>{_type(schema)}</div></article>"
    required = set(schema.get("required", ()))
    return head + _fields([(field, prop, field in required) for field, prop in properties.items()]) + "</article>"


def _fields(rows: list[tuple[str, dict[str, Any], bool]]) -> str:
    lines = ["<table><tr><th>field</th><th>type</th><th>required</th><th>notes</th></tr>"]
    for name, schema, required in rows:
        lines.append(f"<tr><td><code>{escape(name)}</code></td><td>{_type(schema)}</td>"
                     f"<td>{'yes' if required else ''}</td><td>{_notes(schema)}</td></tr>")
    lines.append("</table>")
    return "".join(lines)


def _type(schema: dict[str, Any]) -> str:
    """A schema's type in a few words, with links to the models it names."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#model-{escape(name)}"><code>{escape(name)}</code></a>'
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(_type(part) for part in schema[key])
    if "enum" in schema:
        return " | ".join(f"<code>{escape(json.dumps(v, ensure_ascii=False))}</code>" for v in schema["enum"])
    if "const" in schema:
        return f"<code>{escape(json.dumps(schema['const'], ensure_ascii=False))}</code>"
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " | ".join(escape(k) for k in kind)
    if kind == "array":
        return "array of " + _type(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "object of " + _type(schema["additionalProperties"])
    text = escape(kind)
    return f"{text} ({escape(schema['format'])})" if "format" in schema else text


_LIMITS = (("minimum", "≥ {}"), ("maximum", "≤ {}"), ("minLength", "at least {} characters"),
           ("maxLength", "at most {} characters"), ("minItems", "at least {} items"),
           ("maxItems", "at most {} items"), ("pattern", "matches {}"))


def _notes(schema: dict[str, Any]) -> str:
    notes = []
    if schema.get("description"):
        notes.append(escape(schema["description"]))
    if "default" in schema and schema["default"] is not None:
        notes.append(f"default <code>{escape(json.dumps(schema['default'], ensure_ascii=False))}</code>")
    for part in (schema, *schema.get("anyOf", ())):  # an optional field's limits sit in its anyOf
        for key, text in _LIMITS:
            if key in part:
                notes.append(escape(text.format(part[key])))
    return "; ".join(notes)
