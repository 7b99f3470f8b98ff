"""Stage logic: boundaries, first sight of a late posting, grouping and packing."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.deadlines import (
    OVERDUE,
    Due,
    deadline_stage,
    group_for_messages,
    outcome_of,
    pack_lines,
    stage_to_alert,
    watch_window,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LEADS = (86400, 14400, 3600)
H = 3600


@pytest.mark.parametrize(
    ("left", "stage"),
    [
        (timedelta(hours=30), None),
        (timedelta(hours=24, seconds=1), None),
        (timedelta(hours=24), 86400),  # exactly L left is already stage L
        (timedelta(hours=23, minutes=59), 86400),
        (timedelta(hours=4), 14400),
        (timedelta(hours=3), 14400),
        (timedelta(minutes=61), 14400),
        (timedelta(hours=1), 3600),
        (timedelta(minutes=50), 3600),
        (timedelta(seconds=1), 3600),
        (timedelta(0), OVERDUE),  # now == deadline is overdue
        (timedelta(hours=-2), OVERDUE),
    ],
)
def test_stage_boundaries(left: timedelta, stage: int | None) -> None:
    assert deadline_stage(NOW + left, NOW, LEADS) == stage


def test_stage_ignores_lead_time_order() -> None:
    assert deadline_stage(NOW + timedelta(minutes=30), NOW, (3600, 86400, 14400)) == 3600


def test_stage_in_another_time_zone_is_the_same_instant() -> None:
    moscow = datetime(2026, 11, 26, 16, 0, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Moscow")
    )
    assert deadline_stage(moscow, NOW, LEADS) == 14400


def test_first_seen_late_gets_only_its_current_stage() -> None:
    assert stage_to_alert(OVERDUE, set()) == OVERDUE
    assert stage_to_alert(3600, set()) == 3600


def test_each_stage_once_and_never_backwards() -> None:
    assert stage_to_alert(86400, {86400}) is None
    assert stage_to_alert(14400, {86400}) == 14400
    assert stage_to_alert(14400, {3600}) is None  # already warned more urgently
    assert stage_to_alert(OVERDUE, {86400, 14400, 3600}) == OVERDUE
    assert stage_to_alert(OVERDUE, {OVERDUE}) is None
    assert stage_to_alert(None, set()) is None


def test_outcomes() -> None:
    assert outcome_of("delivering") == "handed_over"
    assert outcome_of("driver_pickup") == "handed_over"
    assert outcome_of("cancelled") == "cancelled"
    assert outcome_of("arbitration") == "arbitration"
    assert outcome_of("something_new") == "left"


def test_grouping_only_above_threshold_per_chat_and_stage() -> None:
    due = [Due(1, f"p{i}", H) for i in range(6)] + [Due(1, "x", OVERDUE), Due(2, "p0", H)]
    messages = group_for_messages(due, threshold=5)
    assert [len(m) for m in messages] == [6, 1, 1]
    assert [d.posting_number for d in messages[0]] == [f"p{i}" for i in range(6)]
    five = group_for_messages([Due(1, f"p{i}", H) for i in range(5)], threshold=5)
    assert [len(m) for m in five] == [1, 1, 1, 1, 1]


def test_pack_lines_respects_limit_and_order() -> None:
    lines = [f"line {i:03d} " + "x" * 90 for i in range(100)]
    chunks = pack_lines(lines, 1000)
    assert [line for chunk in chunks for line in chunk] == lines
    assert all(len("\n".join(chunk)) <= 1000 for chunk in chunks)
    assert len(chunks) > 1


def test_watch_window_covers_longest_lead_time() -> None:
    start, end = watch_window(NOW, (86400 * 10,))
    assert start < NOW - timedelta(days=7)
    assert end >= NOW + timedelta(days=10)
