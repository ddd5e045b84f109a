"""Small helpers shared by the repositories, and rows -> models without pydantic per row.

A row read from our own database holds what our own writes put there, so validating every column of
every row again (model_validate) is work a long list pays for nothing. `to_model` converts each
column the way pydantic would (ISO text to datetime or date, 0/1 to bool) with a plain type test, and
builds the model as model_construct does. Whatever the test does not expect (a value of another type,
a Literal's unknown value, a datetime in another form, a missing column) sends that row to
model_validate, which gives the same model or the same error as before."""
from __future__ import annotations

import sqlite3
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from yinling.clock import to_iso
from yinling.store.database import Params, Transaction


class Reader(Protocol):
    """A Database (reader connection) or a Transaction (reads its own uncommitted writes)."""

    async def fetch_all(self, sql: str, params: Params = ...) -> list[sqlite3.Row]: ...

    async def fetch_one(self, sql: str, params: Params = ...) -> sqlite3.Row | None: ...


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


M = TypeVar("M", bound=BaseModel)


def to_model(model: type[M], row: sqlite3.Row) -> M:
    """A row as a model: columns are named as the model's fields (0/1 become bools, ISO text dates);
    extra columns are ignored. The same model as model_validate(dict(row)) gives."""
    return _converter(model, tuple(row.keys()))(row)


def to_models(model: type[M], rows: Sequence[sqlite3.Row]) -> list[M]:
    """Rows of one query as models (to_model, with the columns looked up once)."""
    if not rows:
        return []
    convert = _converter(model, tuple(rows[0].keys()))
    return [convert(row) for row in rows]


class _Unexpected(Exception):
    """A value the fast conversion does not take as it is: model_validate decides."""


def _moment(text: Any) -> datetime:
    """to_iso's form ('2026-12-10T01:00:00.000000Z'), as pydantic reads it."""
    if text.__class__ is not str or len(text) != 27 or text[26] != "Z" or text[10] != "T":
        raise _Unexpected
    try:
        return datetime.fromisoformat(text)  # aware, UTC: equal to pydantic's, and dumped the same
    except ValueError:
        raise _Unexpected from None


def _day(text: Any) -> date:
    if text.__class__ is not str or len(text) != 10:
        raise _Unexpected
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Unexpected from None


def _flag(value: Any) -> bool:
    if value.__class__ is not int or value not in (0, 1):
        raise _Unexpected
    return value == 1


_PLAIN: dict[Any, str] = {int: "{v}.__class__ is int", str: "{v}.__class__ is str"}
_CONVERTED: dict[Any, Callable[[Any], Any]] = {datetime: _moment, date: _day, bool: _flag}


def _field_code(name: str, annotation: Any, v: str, space: dict[str, Any]) -> str | None:
    """Source that checks and converts the value in variable `v` for one field, or None for a type
    this module does not convert (the model then always goes through model_validate)."""
    args = typing.get_args(annotation)
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return None
        annotation = rest[0]
    none = f"{v} is None or " if optional else ""
    if annotation in _PLAIN:
        return f"if not ({none}{_PLAIN[annotation].format(v=v)}): raise _Unexpected"
    if annotation is datetime:  # to_iso's form read in place, anything else by _moment
        space["_fromiso"], space["_moment"] = datetime.fromisoformat, _moment
        stored = f"{v}.__class__ is str and len({v}) == 27 and {v}[26] == 'Z' and {v}[10] == 'T'"
        return f"{v} = {v} if {v} is None else _fromiso({v}) if {stored} else _moment({v})" if optional else \
            f"{v} = _fromiso({v}) if {stored} else _moment({v})"
    if annotation in _CONVERTED:
        space[f"_c_{name}"] = _CONVERTED[annotation]
        return f"if {v} is not None: {v} = _c_{name}({v})" if optional else f"{v} = _c_{name}({v})"
    if typing.get_origin(annotation) is typing.Literal and all(isinstance(a, str) for a in typing.get_args(annotation)):
        space[f"_l_{name}"] = frozenset(typing.get_args(annotation))
        return f"if not ({none}({v}.__class__ is str and {v} in _l_{name})): raise _Unexpected"
    return None


def _fast_enough(model: type[BaseModel]) -> bool:
    """Models whose rows may skip validation: no validators, no aliases, no constraints, no privates."""
    decorators = model.__pydantic_decorators__
    return not (decorators.validators or decorators.field_validators or decorators.root_validators
                or decorators.model_validators or model.__private_attributes__ or model.__pydantic_post_init__
                or model.model_config.get("extra") not in (None, "ignore")
                or any(f.alias or f.validation_alias or f.metadata for f in model.model_fields.values()))


_CONVERTERS: dict[tuple[type[BaseModel], tuple[str, ...]], Callable[[sqlite3.Row], Any]] = {}


def _converter(model: type[M], columns: tuple[str, ...]) -> Callable[[sqlite3.Row], M]:
    found = _CONVERTERS.get((model, columns))
    if found is None:
        found = _CONVERTERS[(model, columns)] = _build(model, columns)
    return found


def _build(model: type[M], columns: tuple[str, ...]) -> Callable[[sqlite3.Row], M]:
    """One function per model and column list, written out (as dataclasses writes __init__): a type
    test or conversion per column, then the model's __dict__ in field order, as model_construct sets it."""
    def slow(row: sqlite3.Row) -> M:
        return model.model_validate(dict(row))

    if not _fast_enough(model):
        return slow
    at = {name: i for i, name in enumerate(columns)}  # dict(row) keeps the last of two same names
    space: dict[str, Any] = {"_Unexpected": _Unexpected, "_slow": slow, "_model": model, "_set": object.__setattr__}
    lines, items, present = [], [], []
    for name, field in model.model_fields.items():
        if name in at:
            code = _field_code(name, field.annotation, f"v{at[name]}", space)
            if code is None:
                return slow
            lines += [f"v{at[name]} = row[{at[name]}]", code]
            items.append(f"{name!r}: v{at[name]}")
            present.append(name)
        elif field.default_factory is not None:
            space[f"_f_{name}"] = field.default_factory
            items.append(f"{name!r}: _f_{name}()")
        elif field.default is not PydanticUndefined:
            space[f"_d_{name}"] = field.default
            items.append(f"{name!r}: _d_{name}")
        else:
            return slow  # a required field the query did not read: model_validate names it
    space["_present"] = frozenset(present)
    body = "\n        ".join(lines)
    source = (
        "def convert(row):\n"
        "    try:\n"
        f"        {body or 'pass'}\n"
        "    except (_Unexpected, TypeError, ValueError):\n"
        "        return _slow(row)\n"
        "    made = _model.__new__(_model)\n"
        f"    _set(made, '__dict__', {{{', '.join(items)}}})\n"
        "    _set(made, '__pydantic_fields_set__', set(_present))\n"
        "    _set(made, '__pydantic_extra__', None)\n"
        "    _set(made, '__pydantic_private__', None)\n"
        "    return made\n"
    )
    exec(compile(source, f"<to_model {model.__name__}>", "exec"), space)  # only field names of our own models
    return space["convert"]


async def set_columns(tx: Transaction, table: str, row_id: int, *, now: datetime, fields: dict) -> None:
    """Set some columns of one row and its updated_at. Table and column names come from code, never
    from input; datetimes are stored in the ISO form."""
    values = {k: to_iso(v) if isinstance(v, datetime) else v for k, v in fields.items()}
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    await tx.execute(
        f"UPDATE {table} SET {assignments}, updated_at = :now WHERE id = :id",
        {**values, "now": to_iso(now), "id": row_id},
    )
