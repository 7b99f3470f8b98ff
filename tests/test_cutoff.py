"""The shipping date Ozon asks for: the warehouse's days from today to the end of the delivery
window promised to the buyer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core.cutoff import MAX_CUTOFF_DAYS, cutoff_days

pytestmark = pytest.mark.unit

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)  # 23:30 in Moscow: the last half hour of a day


def test_days_run_from_today_to_the_promise_in_the_warehouse_calendar() -> None:
    days = cutoff_days(NOW, datetime(2026, 12, 7, 10, 0, tzinfo=UTC), MOSCOW)
    assert days[0] == NOW  # today is offered as now, not as a midnight already past
    assert [day.astimezone(MOSCOW).date().day for day in days] == [5, 6, 7]
    assert all(day.astimezone(MOSCOW).hour == 0 for day in days[1:])
    assert all(day.tzinfo == UTC for day in days)  # sent to Ozon in UTC


def test_a_promise_already_broken_leaves_no_day() -> None:
    assert cutoff_days(NOW, NOW - timedelta(hours=1), MOSCOW) == []


def test_without_a_promise_a_week_is_offered() -> None:
    days = cutoff_days(NOW, None, timezone(timedelta(hours=8)))  # 'UTC+8', as Ozon may write
    assert len(days) == MAX_CUTOFF_DAYS
    assert days[1] - days[0] < timedelta(days=1) and days[2] - days[1] == timedelta(days=1)
