"""Settings from the environment and `.env`; a bad value becomes one readable line."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError, PydanticUseDefault
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.leads import DEFAULT_LEAD_TIMES, EXPRESS_LEAD_TIMES, parse_lead_times

_TOKEN = re.compile(r"^\d+:[\w-]+$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Telegram's rule for secret_token
# Plain http would expose the secret; it is fine only for a local Bot API server or a test.
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
_WEBHOOK_PAIR_ERROR = "webhook_pair"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# What each variable expects, for the one-line error shown when its value is unusable.
EXPECTED = {
    "bot_token": "the bot token from @BotFather, like 123456:ABC-DEF",
    "telegram_api_url": "an http(s) URL of a Bot API server",
    "ozon_api_url": "an http(s) URL of the Ozon Seller API",
    "database_path": "a path to the SQLite database file",
    "database_url": "a postgresql://user:password@host:5432/database URL, or unset for SQLite",
    "encryption_key": "comma-separated Fernet keys (make one with: python -m bot genkey)",
    "check_interval_seconds": "a whole number of seconds, at least 1",
    "alert_lead_times": "comma-separated durations before the deadline, like 24h,4h,1h or 90m",
    "express_lead_times": "comma-separated durations before an express posting's deadline,"
    " like 30m,10m",
    "log_level": "one of " + ", ".join(LOG_LEVELS),
    "health_port": "a TCP port number for the health endpoint, or unset",
    "health_host": "an address for the health endpoint to listen on, like 127.0.0.1",
    "telegram_global_rate": "messages per second to Telegram overall, above 0 and at most 30",
    "telegram_group_rate": "messages per minute to one group, 1 to 600 (Telegram allows 20)",
    "ozon_client_id": "a numeric Ozon Client-Id",
    "ozon_api_key": "an Ozon Seller API key",
    "throttle_burst": "how many commands or presses one user may send at once, at least 1",
    "throttle_per_second": "commands or presses per second one user may keep sending, above 0",
    "bot_admin_ids": "comma-separated Telegram user ids of the bot's operators, like 123,456",
    "webhook_url": "an https:// URL Telegram posts updates to (http:// only for 127.0.0.1 or"
    " localhost), set together with WEBHOOK_SECRET",
    "webhook_secret": "1-256 characters of A-Z, a-z, 0-9, _ and -, set together with WEBHOOK_URL",
    "webhook_host": "an address to listen on for webhook requests, like 0.0.0.0",
    "webhook_port": "a TCP port number to listen on for webhook requests",
    "replica_id": "a name for this process: 1-64 letters, digits, '.', '_', ':' or '-'",
    "ozon_push_base_url": "the public https:// address Ozon's push notifications reach (http://"
    " only for 127.0.0.1 or localhost), or unset",
    "ozon_push_host": "an address to listen on for Ozon's push notifications, like 0.0.0.0",
    "ozon_push_port": "a TCP port number to listen on for Ozon's push notifications",
    "ozon_push_allowed_networks": "comma-separated networks push notifications may come from,"
    " like 195.34.21.0/24,127.0.0.1/32",
    "ozon_push_trusted_proxies": "comma-separated networks of reverse proxies whose"
    " X-Forwarded-For is read, like 127.0.0.1/32",
    "push_poll_interval_seconds": "a whole number of seconds, at least 1",
}
REPLICA_NAME = r"^[A-Za-z0-9._:-]{1,64}$"


def default_replica_id() -> str:
    """The host's name and the process id: what tells one running bot from another."""
    host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:48] or "host"
    return f"{host}:{os.getpid()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    ozon_api_url: str = "https://api-seller.ozon.ru"
    database_path: Path = Path("data/bot.sqlite3")
    # PostgreSQL instead of SQLite, for several replicas on one database. The password in it
    # is a secret: never logged.
    database_url: SecretStr | None = None
    encryption_key: SecretStr | None = None
    check_interval_seconds: int = Field(default=120, ge=1)
    alert_lead_times: Annotated[tuple[int, ...], NoDecode] = DEFAULT_LEAD_TIMES
    express_lead_times: Annotated[tuple[int, ...], NoDecode] = EXPRESS_LEAD_TIMES
    log_level: str = "INFO"
    telegram_global_rate: float = Field(default=25.0, gt=0, le=30)
    telegram_group_rate: int = Field(default=20, ge=1, le=600)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # The endpoint answers anyone who reaches it: only this machine, unless asked otherwise.
    health_host: str = "127.0.0.1"
    throttle_burst: int = Field(default=10, ge=1)
    throttle_per_second: float = Field(default=1.0, gt=0)
    bot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Only for `python -m bot check`: scan one store without storing it.
    ozon_client_id: str | None = None
    ozon_api_key: SecretStr | None = None
    # Webhook mode instead of long polling, when both URL and secret are set.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Names this process in the log, /stats and /health (several may share one database).
    replica_id: str = Field(default_factory=default_replica_id, pattern=REPLICA_NAME)
    # Ozon's push notifications (bot/push/): served when the public base URL is set.
    ozon_push_base_url: str | None = None
    ozon_push_host: str = "0.0.0.0"
    ozon_push_port: int = Field(default=8081, ge=1, le=65535)
    # Empty: Ozon's published ranges and loopback; loopback is the trusted proxy.
    ozon_push_allowed_networks: Annotated[tuple[str, ...], NoDecode] = ()
    ozon_push_trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # A store whose push is healthy is still scanned this often, as the safety net.
    push_poll_interval_seconds: int = Field(default=600, ge=1)

    @field_validator("alert_lead_times", "express_lead_times", mode="before")
    @classmethod
    def _lead_times(cls, value: object) -> object:
        return parse_lead_times(value) if isinstance(value, str) else value

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.split(",") if part.strip())
        return value

    @field_validator("telegram_api_url", "ozon_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("not a postgresql:// URL")
        return value

    @property
    def database_target(self) -> str | None:
        """The PostgreSQL URL, or None for SQLite at DATABASE_PATH."""
        return self.database_url.get_secret_value() if self.database_url else None

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("not a bot token")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError("unknown level")
        return value.upper()

    @field_validator("encryption_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            for key in fernet_keys(value):
                Fernet(key)  # raises ValueError on a malformed key
        return value

    @field_validator(
        "bot_token", "ozon_api_key", "encryption_key", "health_port", "webhook_url",
        "webhook_secret", "ozon_push_base_url", mode="before",
    )  # fmt: skip
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_host", "webhook_port", "health_host", "ozon_push_host",
                     "ozon_push_port", mode="before")  # fmt: skip
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise PydanticUseDefault()
        return value

    @field_validator("ozon_push_allowed_networks", "ozon_push_trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        found = tuple(part.strip() for part in value.split(",") if part.strip())
        for network in found:
            ipaddress.ip_network(network, strict=False)  # raises ValueError
        return found

    @field_validator("webhook_url", "ozon_push_base_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
        if not parts.hostname or not (parts.scheme == "https" or local):
            raise ValueError("not an https URL")
        if any(char.isspace() for char in value):
            raise ValueError("not a URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("not a valid secret token")
        return value

    @model_validator(mode="after")
    def _webhook_pair(self) -> Settings:
        # Half a webhook configuration would silently fall back to polling; refuse it instead.
        if (self.webhook_url is None) != (self.webhook_secret is None):
            given, missing = (
                ("webhook_url", "webhook_secret")
                if self.webhook_secret is None
                else ("webhook_secret", "webhook_url")
            )
            raise PydanticCustomError(
                _WEBHOOK_PAIR_ERROR,
                f"{missing.upper()} is missing while {given.upper()} is set:"
                f" expected {EXPECTED[missing]}",
            )
        return self

    @property
    def push_enabled(self) -> bool:
        return self.ozon_push_base_url is not None

    @property
    def webhook_enabled(self) -> bool:
        return self.webhook_url is not None and self.webhook_secret is not None


def fernet_keys(value: SecretStr) -> list[str]:
    return [key.strip() for key in value.get_secret_value().split(",") if key.strip()]


class ConfigError(Exception):
    """A configuration problem, phrased as one line for the operator."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == _WEBHOOK_PAIR_ERROR:  # names its variables itself
            raise ConfigError(first["msg"]) from None
        field = str(first["loc"][0]) if first["loc"] else "configuration"
        raise ConfigError(
            f"{field.upper()} is invalid: expected {EXPECTED.get(field, 'a valid value')}"
        ) from None


def require_bot_token(settings: Settings) -> str:
    if settings.bot_token is None:
        raise ConfigError(f"BOT_TOKEN is missing: expected {EXPECTED['bot_token']}")
    return settings.bot_token.get_secret_value()
