"""Configuration: defaults, parsing, and one clear line for a bad value."""

import pytest

from bot.config import ConfigError, format_lead_time, load_settings, parse_lead_times


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALERT_LEAD_TIMES", "CHECK_INTERVAL_SECONDS", "ENCRYPTION_KEY", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.alert_lead_times == (86400, 14400, 3600)
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
        ("ENCRYPTION_KEY", "not-a-fernet-key"),
        ("TELEGRAM_API_URL", "ftp://example"),
        ("LOG_LEVEL", "LOUD"),
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
