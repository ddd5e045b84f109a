"""Bot API methods for receiving updates: getUpdates (long polling, offsets, 409 when another
poll or a webhook takes over), the webhook methods, and logOut/close."""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
from typing import TYPE_CHECKING

from yarl import URL

from .botapi_registry import Described, method
from .errors import ApiError, bad_request
from .models import JSON, Webhook
from .params import Params
from .state import BotState

if TYPE_CHECKING:
    from .botapi import BotApi

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@method("logOut")
async def log_out(api: BotApi, bot: BotState, p: Params) -> bool:
    return True


@method("close")
async def close(api: BotApi, bot: BotState, p: Params) -> bool:
    return True


def _allowed_updates(p: Params) -> list[str] | None:
    value = p.get_json("allowed_updates", "can't parse allowed updates JSON object")
    if value is None:
        return None
    if not isinstance(value, list):
        raise bad_request("can't parse allowed updates JSON object")
    # Kept as given: names of types the sandbox never produces are harmless.
    return [v for v in value if isinstance(v, str)]


def _confirm(bot: BotState, offset: int) -> None:
    if offset > 0:
        while bot.updates and bot.updates[0]["update_id"] < offset:
            bot.acknowledge_head()
    elif offset < 0:
        while len(bot.updates) > -offset:
            bot.acknowledge_head()


@method("getUpdates")
async def get_updates(api: BotApi, bot: BotState, p: Params) -> list[JSON]:
    if bot.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = p.get_int("offset", 0) or 0
    limit = p.get_int("limit", 100) or 100
    if not 1 <= limit <= 100:
        limit = 100
    timeout = max(0.0, min(p.get_float("timeout", 0.0) or 0.0, api.config.max_long_poll))
    allowed = _allowed_updates(p)
    if allowed is not None:
        bot.allowed_updates = allowed
    # A newer getUpdates ends the one still waiting with 409.
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.updates_changed.notify()
    _confirm(bot, offset)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not bot.updates and not api.state.closing:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await bot.updates_changed.wait(remaining)
        if bot.poll_generation != generation:
            raise ApiError(409, CONFLICT_OTHER_POLL)
        if bot.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
    return [copy.deepcopy(u) for u in itertools.islice(bot.updates, limit)]


def _webhook_url(api: BotApi, url: str) -> str:
    try:
        parsed = URL(url)
    except ValueError:
        raise bad_request("bad webhook: Wrong URL host") from None
    if api.config.webhook_require_https and parsed.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    return url


@method("setWebhook")
async def set_webhook(api: BotApi, bot: BotState, p: Params) -> Described:
    url = (p.get_str("url") or "").strip()
    secret = p.get_str("secret_token") or None
    if secret is not None:
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
    max_connections = min(max(p.get_int("max_connections", 40) or 40, 1), 100)
    allowed = _allowed_updates(p)
    drop = p.get_bool("drop_pending_updates")
    if not url:
        was_set = bot.webhook is not None
        bot.webhook = None
        api.sandbox.webhooks.restart(bot)
        if drop:
            bot.drop_pending()
        return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")
    url = _webhook_url(api, url)
    if allowed is not None:
        bot.allowed_updates = allowed
    if drop:
        bot.drop_pending()
    current = bot.webhook
    if (
        current is not None
        and current.url == url
        and current.secret_token == secret
        and current.max_connections == max_connections
    ):
        return Described(True, "Webhook is already set")
    bot.webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        ip_address=p.get_str("ip_address") or None,
        has_custom_certificate="certificate" in p.files,
    )
    bot.updates_changed.notify()  # a waiting getUpdates now ends with 409
    api.sandbox.webhooks.restart(bot)
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(api: BotApi, bot: BotState, p: Params) -> Described:
    was_set = bot.webhook is not None
    bot.webhook = None
    api.sandbox.webhooks.restart(bot)
    if p.get_bool("drop_pending_updates"):
        bot.drop_pending()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, bot: BotState, p: Params) -> JSON:
    hook = bot.webhook
    info: JSON = {
        "url": hook.url if hook else "",
        "has_custom_certificate": bool(hook and hook.has_custom_certificate),
        "pending_update_count": len(bot.updates),
    }
    if hook is not None:
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        info["max_connections"] = hook.max_connections
        if bot.allowed_updates:
            info["allowed_updates"] = list(bot.allowed_updates)
    return info
