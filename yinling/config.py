"""Settings: built once from the environment (prefix YINLING_, optional .env) and passed down.

Every field here is documented in README.md under "Configuration"; keep the two in step.
"""
from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from yinling.models import DEFAULT_SENSITIVE_TAGS, RETIREE_TAGS

TELEGRAM_API_URL = "https://api.telegram.org"
_DURATION = re.compile(r"^\d+(m|h|d|wd)$")
# Durations: 30m, 4h, 7d (calendar), 1wd (working days, by the official Chinese calendar).
DEFAULT_SLA: dict[str, dict[str, str]] = {
    "urgent": {"first_response": "30m", "resolution": "24h"},
    "high": {"first_response": "4h", "resolution": "3d"},
    "normal": {"first_response": "1wd", "resolution": "7d"},
    "low": {"first_response": "2wd", "resolution": "14d"},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="YINLING_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    db: Path = Field(Path("./data/yinling.db"), description="SQLite database file")
    telegram_token: str | None = Field(None, description="Bot token from @BotFather")
    telegram_api_url: str = Field(
        TELEGRAM_API_URL,
        description="Bot API base URL; '/bot<token>/<method>' is appended as Telegram does",
    )
    timezone: str = Field("Asia/Shanghai", description="The office's timezone")
    admin_host: str = Field("127.0.0.1", description="Staff API listen address")
    admin_port: int = Field(8080, ge=0, le=65535, description="Staff API listen port")
    webhook_url: str | None = Field(None, description="Public HTTPS URL for webhook mode")
    webhook_secret: str | None = Field(None, description="Secret Telegram sends with each webhook call")
    staff_chat_id: int | None = Field(None, description="Telegram group where staff are notified")
    send_rate: float = Field(30.0, gt=0, description="Messages per second overall")
    paid_broadcast: bool = Field(False, description="Use Telegram's paid broadcast limit for bulk sends")
    paid_send_rate: float = Field(1000.0, gt=0, description="Messages per second in paid broadcast mode")
    private_chat_rate: float = Field(1.0, gt=0, description="Messages per second to one private chat")
    private_chat_burst: int = Field(3, ge=1, description="Messages one private chat may get at once")
    group_per_minute: int = Field(20, ge=1, description="Messages per minute to one group")
    outbox_poll_seconds: float = Field(1.0, gt=0, description="How often the sender looks for work")
    tick_seconds: float = Field(
        30.0, gt=0, le=60,
        description="How often timed work runs: reminders, SLA breaches, no-shows, study pushes, scheduled notices",
    )
    office_phone: str | None = Field(None, description="The office's phone, told to retirees")
    help_requests_per_hour: int = Field(10, ge=1, description="New help requests one retiree may open an hour")
    message_notice_minutes: float = Field(
        5.0, ge=0, le=1440,
        description="New messages from retirees are told to their liaison (and the staff group) grouped,"
                    " at most once per this many minutes",
    )
    sla: dict[str, dict[str, str]] = Field(
        default_factory=lambda: dict(DEFAULT_SLA),
        description="Help request SLAs: {priority or priority/category: {first_response, resolution}}",
    )
    session_idle_minutes: int = Field(120, ge=1, description="A staff login ends after this long unused")
    session_max_hours: int = Field(12, ge=1, description="A staff login ends this long after it began")
    login_attempts_per_minute: int = Field(
        20, ge=1,
        description="Staff login attempts one client address may make a minute (at once, then refilled;"
                    " successes do not count)",
    )
    log_level: str = Field("INFO", description="Logging level")
    sensitive_tags: str = Field(
        "", description="More tags to treat as sensitive, comma-separated (besides 独居, 丧偶, 患病, 失能, 特殊困难): "
        "stored only with the retiree's consent, never shown per person to viewers",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("sla")
    @classmethod
    def _known_levels(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        levels = {**DEFAULT_SLA, **value}  # a partial setting keeps the other defaults
        for key, level in levels.items():
            priority = key.split("/", 1)[0]
            if priority not in DEFAULT_SLA:
                raise ValueError(f"{key!r}: priority must be one of {', '.join(DEFAULT_SLA)}")
            for part in ("first_response", "resolution"):
                if not _DURATION.match(str(level.get(part, ""))):
                    raise ValueError(f"{key!r}.{part}: use a duration such as 30m, 4h, 7d or 1wd")
        return levels

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_api_base_url(self) -> str:
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_file_base_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"

    @field_validator("sensitive_tags")
    @classmethod
    def _known_tags(cls, value: str) -> str:
        names = list(dict.fromkeys(t.strip() for t in re.split(r"[,，、]", value) if t.strip()))
        if unknown := [t for t in names if t not in RETIREE_TAGS]:  # 高龄 too: it is computed from the birth date
            raise ValueError(f"unknown tags {', '.join(unknown)}: use {', '.join(RETIREE_TAGS)}")
        return ",".join(names)

    @property
    def sensitive_tag_set(self) -> frozenset[str]:
        """The default sensitive tags and the office's own."""
        return frozenset(DEFAULT_SENSITIVE_TAGS) | {t for t in self.sensitive_tags.split(",") if t}
