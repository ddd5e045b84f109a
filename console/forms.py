"""Reading a console form: its fields as text, checked by the same pydantic models the API uses, with
what is wrong said in Chinese beside each field (admin.parsing's words), never a bare 422."""
from __future__ import annotations

from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from admin.parsing import validate
from console.render import office_tz
from yinling.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)
FIELD_MAX = 20_000  # a form field longer than any the models allow is cut here, before validation


async def form_fields(request: web.Request) -> dict[str, str]:
    """The form's text fields (the first value of each; files are left to the view)."""
    form = await request.post()
    return {key: value[:FIELD_MAX] for key, value in form.items() if isinstance(value, str) and key != "csrf"}


def checked(request: web.Request, model: type[M], data: dict[str, Any]) -> tuple[M | None, dict[str, str]]:
    """(the model, {}) or (None, {field: what is wrong}); times without an offset are the office's."""
    try:
        return validate(model, data, tz=office_tz(request)), {}
    except InvalidInput as exc:
        return None, exc.fields or {"": exc.message}
