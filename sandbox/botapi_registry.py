"""The Bot API's method table. Each family module (``botapi_updates``, ``botapi_messages``,
``botapi_chats``, ``botapi_profile``) registers its handlers with ``@method(name)``;
:class:`sandbox.botapi.BotApi` looks them up case-insensitively, as Telegram does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .params import Params
from .state import BotState

if TYPE_CHECKING:
    from .botapi import BotApi

Handler = Callable[["BotApi", BotState, Params], Awaitable[Any]]


@dataclass(frozen=True)
class RegisteredMethod:
    name: str
    handler: Handler


METHODS: dict[str, RegisteredMethod] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = RegisteredMethod(name, handler)
        return handler

    return register


def method_names() -> list[str]:
    return sorted(m.name for m in METHODS.values())


@dataclass
class Described:
    """A result that Telegram answers together with a ``description``."""

    result: Any
    description: str
