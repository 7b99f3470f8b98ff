"""Configuration: defaults, parsing, and one clear line for a bad value."""

import os

import pytest

from bot.config import ConfigError, load_settings
from bot.core.leads import format_lead_time, parse_lead_times

pytestmark = pytest.mark.unit


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALERT_LEAD_TIMES", "EXPRESS_LEAD_TIMES", "CHECK_INTERVAL_SECONDS",
                 "ENCRYPTION_KEY", "LOG_LEVEL", "REPLICA_ID"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.alert_lead_times == (86400, 14400, 3600)
    assert settings.express_lead_times == (1800, 600)
    assert settings.replica_id.endswith(f":{os.getpid()}")  # host name and process id
    assert settings.check_interval_seconds == 120
    assert settings.ozon_api_url == "https://api-seller.ozon.ru"


def test_lead_times_parse_and_format() -> None:
    assert parse_lead_times("1h, 24h,90m,4h") == (86400, 14400, 5400, 3600)
    assert parse_lead_times("2d") == (172800,)
    assert [format_lead_time(s) for s in (86400, 14400, 5400)] == ["1d", "4h", "90m"]
    with pytest.raises(ValueError):
        parse_lead_times("0h")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHECK_INTERVAL_SECONDS", "0"),
        ("CHECK_INTERVAL_SECONDS", "soon"),
        ("ALERT_LEAD_TIMES", "24h,tomorrow"),
        ("EXPRESS_LEAD_TIMES", "soon"),
        ("REPLICA_ID", "two words"),
        ("REPLICA_ID", "%(message)s"),  # it goes into the log's format
        ("ENCRYPTION_KEY", "not-a-fernet-key"),
        ("TELEGRAM_API_URL", "ftp://example"),
        ("LOG_LEVEL", "LOUD"),
        ("OZON_PUSH_BASE_URL", "http://bot.example.com/ozon"),  # plain http off this machine
        ("OZON_PUSH_PORT", "70000"),
        ("OZON_PUSH_ALLOWED_NETWORKS", "195.34.21.0/24,not-a-network"),
        ("OZON_PUSH_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("PUSH_POLL_INTERVAL_SECONDS", "0"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{name} is invalid: expected ")
    assert "\n" not in message


def test_push_is_served_only_with_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OZON_PUSH_BASE_URL", raising=False)
    assert not load_settings(_env_file=None).push_enabled
    monkeypatch.setenv("OZON_PUSH_BASE_URL", "https://bot.example.com/ozon/")
    monkeypatch.setenv("OZON_PUSH_ALLOWED_NETWORKS", " 195.34.21.0/24 , 10.0.0.1/32")
    settings = load_settings(_env_file=None)
    assert settings.push_enabled
    assert settings.ozon_push_allowed_networks == ("195.34.21.0/24", "10.0.0.1/32")
    assert (settings.ozon_push_host, settings.ozon_push_port) == ("0.0.0.0", 8081)


WEBHOOK_VARIABLES = ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_HOST", "WEBHOOK_PORT")
GOOD_URL, GOOD_SECRET = "https://bot.example.com/tg/webhook", "Abc_123-xyz"


@pytest.fixture
def no_webhook_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in WEBHOOK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_webhook_is_off_unless_configured_and_blank_is_unset(
    no_webhook_env: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(_env_file=None)
    assert not settings.webhook_enabled
    assert (settings.webhook_host, settings.webhook_port) == ("0.0.0.0", 8080)
    for name in WEBHOOK_VARIABLES:
        no_webhook_env.setenv(name, " ")
    settings = load_settings(_env_file=None)
    assert not settings.webhook_enabled
    assert (settings.webhook_host, settings.webhook_port) == ("0.0.0.0", 8080)


@pytest.mark.parametrize(
    "url", [GOOD_URL, "http://127.0.0.1:8081/tg/webhook", "http://localhost/tg/webhook"]
)
def test_webhook_takes_https_or_local_http(no_webhook_env: pytest.MonkeyPatch, url: str) -> None:
    no_webhook_env.setenv("WEBHOOK_URL", url)
    no_webhook_env.setenv("WEBHOOK_SECRET", GOOD_SECRET)
    no_webhook_env.setenv("WEBHOOK_PORT", "8443")
    settings = load_settings(_env_file=None)
    assert settings.webhook_enabled and settings.webhook_url == url
    assert settings.webhook_port == 8443
    assert GOOD_SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"WEBHOOK_URL": GOOD_URL}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": GOOD_URL, "WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": GOOD_SECRET}, "WEBHOOK_URL"),
    ],
)
def test_half_a_webhook_names_what_is_missing(
    no_webhook_env: pytest.MonkeyPatch, given: dict[str, str], missing: str
) -> None:
    for name, value in given.items():
        no_webhook_env.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{missing} is missing while ")
    assert "expected " in message and "\n" not in message
    assert GOOD_SECRET not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEBHOOK_SECRET", "has space"),
        ("WEBHOOK_SECRET", "semi;colon"),
        ("WEBHOOK_SECRET", "x" * 257),
        ("WEBHOOK_URL", "http://bot.example.com/tg/webhook"),
        ("WEBHOOK_URL", "http://127.0.0.1.example.com/tg/webhook"),
        ("WEBHOOK_URL", "ftp://bot.example.com/tg/webhook"),
        ("WEBHOOK_URL", "bot.example.com/tg/webhook"),
        ("WEBHOOK_PORT", "0"),
        ("WEBHOOK_PORT", "65536"),
    ],
)
def test_bad_webhook_value_names_the_variable(
    no_webhook_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    no_webhook_env.setenv("WEBHOOK_URL", GOOD_URL)
    no_webhook_env.setenv("WEBHOOK_SECRET", GOOD_SECRET)
    no_webhook_env.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{name} is invalid: expected ")
    assert "\n" not in message and value not in message
