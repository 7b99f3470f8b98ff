"""Settings values: what is accepted, and the sentence a wrong value gets."""

from datetime import UTC, datetime, time

import pytest

from bot.core.chat_rules import (
    InvalidSetting,
    QuietHours,
    parse_contacts,
    parse_leads,
    parse_minutes,
    parse_permission,
    parse_quiet_hours,
)
from bot.core.deadlines import stage_before_quiet
from bot.i18n.texts import texts_for

pytestmark = pytest.mark.unit


def test_quiet_hours_parse_and_span_midnight() -> None:
    quiet = parse_quiet_hours("23:00-08:00")
    assert quiet == QuietHours(time(23), time(8)) and str(quiet) == "23:00-08:00"
    assert parse_quiet_hours("off") is None
    assert quiet.contains(datetime(2026, 11, 26, 20, 30, tzinfo=UTC), "Europe/Moscow")  # 23:30
    assert not quiet.contains(datetime(2026, 11, 26, 6, 0, tzinfo=UTC), "Europe/Moscow")  # 09:00


@pytest.mark.parametrize("value", ["25:00-08:00", "23:00", "23:61-08:00", "8-9", "10:00-10:00"])
def test_bad_quiet_hours_say_what_is_expected(value: str) -> None:
    with pytest.raises(InvalidSetting) as caught:
        parse_quiet_hours(value)
    assert caught.value.key in ("invalid.clock", "invalid.quiet", "invalid.quiet_same")


def test_other_values() -> None:
    assert parse_leads("48h, 1h") == (172800, 3600)
    for bad in ("0h", "99999999d"):
        with pytest.raises(InvalidSetting) as caught:
            parse_leads(bad)
        assert (caught.value.key, caught.value.values) == ("invalid.leads", {"value": bad})
    assert parse_minutes("15", 1, 60) == 15
    with pytest.raises(InvalidSetting) as caught:
        parse_minutes("90", 1, 60)
    assert caught.value.values == {"low": 1, "high": 60}
    # Said in the chat's language: every language has every such text.
    for language in ("en", "ru", "zh"):
        assert "60" in texts_for(language).plain(caught.value.key, **caught.value.values)
    assert parse_contacts("@alice, @bob_2 @alice") == "@alice @bob_2"
    with pytest.raises(InvalidSetting):
        parse_contacts("alice")
    assert parse_permission("cancel owner") == ("cancel", "owner")
    with pytest.raises(InvalidSetting):
        parse_permission("cancel everybody")


def test_stage_before_quiet_hours() -> None:
    now = datetime(2026, 11, 26, 19, 30, tzinfo=UTC)
    start, end = datetime(2026, 11, 26, 20, 0, tzinfo=UTC), datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    leads = (86400, 14400, 3600)
    deadline = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # its 4 h stage begins at 22:00, inside
    assert stage_before_quiet(deadline, now, leads, start, end) == 14400
    assert (
        stage_before_quiet(deadline, now.replace(hour=17), leads, start, end) is None
    )  # too early
    late = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # due after quiet hours
    assert stage_before_quiet(late, now, leads, start, end) is None
