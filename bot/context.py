"""Typed dependencies for handlers (PTB's contexttypesbot pattern): `context.services`, no casts."""
from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from yinling.services import Services


class BotData:
    """Application-wide data; `services` is set once by build_application."""

    services: Services


class YinlingContext(CallbackContext[ExtBot, dict, dict, BotData]):
    @classmethod
    def from_update(cls, update: object, application: Application) -> YinlingContext:
        return super().from_update(update, application)

    @property
    def services(self) -> Services:
        return self.bot_data.services
