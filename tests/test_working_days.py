"""A deadline on a day its warehouse does not work is announced before the last working day
ends: on the pure functions, and through a scan on a Friday evening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.deadlines import OVERDUE, warn_by, warning_stage
from fakes.ozon import FakeOzon
from tests.helpers.scan import API_KEY, CHAT, CLIENT_ID, Harness, posting, sends

MOSCOW = ZoneInfo("Europe/Moscow")
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
LEADS = (86400, 14400, 3600)
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0, tzinfo=MOSCOW)  # a Sunday
SATURDAY_START = datetime(2026, 11, 28, 0, 0, tzinfo=MOSCOW)  # Friday's end


@pytest.mark.unit
@pytest.mark.parametrize(
    ("deadline", "days", "expected"),
    [
        (SUNDAY_NOON, WEEKDAYS, SATURDAY_START),
        (SUNDAY_NOON - timedelta(days=1), WEEKDAYS, SATURDAY_START),  # Saturday: also Friday
        (SUNDAY_NOON + timedelta(days=1), WEEKDAYS, SUNDAY_NOON + timedelta(days=1)),  # Monday
        (SUNDAY_NOON, frozenset(), SUNDAY_NOON),  # unknown days: the deadline itself
        (SUNDAY_NOON, frozenset(range(1, 8)), SUNDAY_NOON),  # every day
        (SUNDAY_NOON, frozenset(range(1, 7)), SUNDAY_NOON.replace(hour=0)),  # all but Sunday
        (SUNDAY_NOON, frozenset({7}), SUNDAY_NOON),
        (SUNDAY_NOON, frozenset({3}), datetime(2026, 11, 26, 0, 0, tzinfo=MOSCOW)),  # Wednesday
    ],
)  # fmt: skip
def test_warnings_count_towards_the_last_working_day(
    deadline: datetime, days: frozenset[int], expected: datetime
) -> None:
    assert warn_by(deadline, days, MOSCOW) == expected


@pytest.mark.unit
def test_after_the_warehouse_closes_the_posting_waits_at_its_last_warning() -> None:
    friday_evening = SATURDAY_START - timedelta(hours=3)
    assert warning_stage(SUNDAY_NOON, SATURDAY_START, friday_evening, LEADS) == 14400
    saturday = SATURDAY_START + timedelta(hours=10)
    assert warning_stage(SUNDAY_NOON, SATURDAY_START, saturday, LEADS) == 3600
    assert warning_stage(SUNDAY_NOON, SATURDAY_START, SUNDAY_NOON, LEADS) == OVERDUE
    # Without the closed day the same Friday evening would be at no stage yet.
    assert warning_stage(SUNDAY_NOON, SUNDAY_NOON, friday_evening, LEADS) is None


@pytest.mark.service
def test_a_weekend_deadline_is_announced_on_friday(ozon: FakeOzon, tmp_path: Path) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    ozon.set_working_days(CLIENT_ID, 1001, ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"])
    harness = Harness(ozon, tmp_path / "bot.sqlite3")
    harness.now = datetime(2026, 11, 27, 17, 59, tzinfo=UTC)  # Friday 20:59 in Moscow
    harness.postings(posting("8100-0001-1", SUNDAY_NOON.astimezone(UTC)))
    items = harness.scan()  # Friday 21:00: three hours before the warehouse's Friday ends
    texts = [text for text in sends(items) if "8100-0001-1" in text]
    assert len(texts) == 1 and [item.chat_id for item in items] == [CHAT]
    assert "Less than 4h to pack before Main warehouse closes" in texts[0]
    assert "does not work on the deadline day (Sun 29 Nov)" in texts[0]
    assert "pack it by Sat 28 Nov 00:00 MSK" in texts[0]
    harness.now = datetime(2026, 11, 27, 20, 1, tzinfo=UTC)  # Friday 23:01: the last hour
    assert ["Less than 1h to pack" in text for text in sends(harness.scan())] == [True]
    harness.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday: nothing new
    assert sends(harness.scan()) == []
    harness.now = datetime(2026, 11, 29, 9, 1, tzinfo=UTC)  # Sunday 12:01: overdue
    assert ["Overdue" in text for text in sends(harness.scan())] == [True]
