"""The digest chart: hourly buckets in the chat's zone, and a fixed-size PNG that decodes."""

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.image import imread

from bot.views.chart import (
    FALLBACK_FAMILY,
    OVERDUE_COLOR,
    due_per_hour_png,
    font_families,
    hourly_counts,
)
from tests.helpers.images import png_size

NOW = datetime(2026, 11, 26, 9, 20, tzinfo=UTC)  # 12:20 in Moscow


def has_color(data: bytes, hex_color: str) -> bool:
    """Whether any pixel of the PNG is (almost exactly) this colour."""
    pixels = imread(io.BytesIO(data), format="png")[:, :, :3]
    target = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return bool((abs(pixels - target) < 0.01).all(axis=2).any())


@pytest.mark.unit
def test_counts_per_local_hour() -> None:
    deadlines = [
        NOW + timedelta(minutes=5),  # 12:25 Moscow: the hour containing now
        NOW + timedelta(minutes=40),  # 13:00 sharp: the next hour
        *[NOW + timedelta(hours=2, minutes=m) for m in (0, 10, 39)],  # 3 in 14:00–15:00
        NOW + timedelta(hours=47, minutes=30),  # 10:50 two days on: bucket 47
        NOW + timedelta(hours=48),  # the window's last instant: counted
        NOW + timedelta(hours=48, seconds=1),  # beyond 48 h: ignored
        NOW,  # due now is overdue, like deadline_stage says: not a bar
        NOW - timedelta(hours=3),  # overdue: not a bar
    ]
    counts = hourly_counts(deadlines, NOW, "Europe/Moscow", 48)
    assert len(counts) == 49  # (now, now + 48 h] touches 49 local hours
    assert counts[0] == 1 and counts[1] == 1 and counts[2] == 3
    assert counts[47] == 1 and counts[48] == 1
    assert sum(counts) == 7


@pytest.mark.unit
def test_hours_are_local_even_with_a_half_hour_offset() -> None:
    """Kolkata is +05:30: its hours start at :30 UTC, so 09:20 and 09:40 UTC differ."""
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 14:30 in Kolkata
    deadlines = [
        datetime(2026, 11, 26, 9, 20, tzinfo=UTC),
        datetime(2026, 11, 26, 9, 40, tzinfo=UTC),
    ]
    assert hourly_counts(deadlines, now, "Asia/Kolkata", 4)[:2] == [1, 1]
    assert hourly_counts(deadlines, now, "UTC", 4)[:2] == [2, 0]


@pytest.mark.unit
def test_a_dst_change_neither_loses_nor_doubles_an_hour() -> None:
    """Berlin springs forward on 29 March 2026; times given in local zones still land in the
    bucket of their elapsed hours, not of wall-clock arithmetic."""
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 28, 23, 0, tzinfo=berlin)  # 22:00 UTC, three hours before
    deadline = (now.astimezone(UTC) + timedelta(hours=10, minutes=30)).astimezone(berlin)
    counts = hourly_counts([deadline], now, "Europe/Berlin", 24)
    assert counts.index(1) == 10 and len(counts) == 25


@pytest.mark.unit
def test_naive_times_and_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        hourly_counts([], NOW.replace(tzinfo=None), "UTC", 48)
    with pytest.raises(ValueError, match="timezone-aware"):
        hourly_counts([NOW.replace(tzinfo=None)], NOW, "UTC", 48)
    with pytest.raises(ValueError, match="hours"):
        hourly_counts([], NOW, "UTC", 0)
    with pytest.raises(ValueError, match="overdue"):
        due_per_hour_png([], NOW, "UTC", overdue=-1)


@pytest.mark.unit
def test_png_is_1000_by_500_and_decodes() -> None:
    deadlines = [NOW + timedelta(hours=h) for h in (1, 1, 5, 30)]
    data = due_per_hour_png(deadlines, NOW, "Europe/Moscow", overdue=2, title="Shop")
    assert png_size(data) == (1000, 500)
    assert imread(io.BytesIO(data), format="png").shape[:2] == (500, 1000)


@pytest.mark.unit
def test_overdue_bar_is_red_and_only_there_when_something_is_overdue() -> None:
    deadlines = [NOW + timedelta(hours=2)]
    assert has_color(due_per_hour_png(deadlines, NOW, "UTC", overdue=3), OVERDUE_COLOR)
    assert not has_color(due_per_hour_png(deadlines, NOW, "UTC"), OVERDUE_COLOR)


@pytest.mark.unit
def test_a_huge_backlog_still_renders() -> None:
    """300 overdue next to 1 per hour: the red bar is cut, the chart keeps its size."""
    deadlines = [NOW + timedelta(hours=h) for h in range(1, 40)]
    data = due_per_hour_png(deadlines, NOW, "UTC", overdue=300)
    assert png_size(data) == (1000, 500) and has_color(data, OVERDUE_COLOR)


@pytest.mark.unit
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # no CJK font installed
def test_chinese_title_and_labels_render() -> None:
    data = due_per_hour_png(
        [NOW + timedelta(hours=3)],
        NOW,
        "Asia/Shanghai",
        overdue=1,
        title="未来 48 小时内到期的货件 — 店铺",
        now_label="现在",
        overdue_label="已逾期",
    )
    assert png_size(data) == (1000, 500)


@pytest.mark.unit
def test_font_falls_back_to_dejavu() -> None:
    families = font_families()
    assert families[-1] == FALLBACK_FAMILY
    assert set(families[:-1]) <= {"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback"}


@pytest.mark.unit
def test_5000_deadlines_over_48_hours_in_one_call() -> None:
    deadlines = [NOW + timedelta(seconds=41 * i) for i in range(1, 5001)]  # ~57 h, 5000
    counts = hourly_counts(deadlines, NOW, "Europe/Moscow", 48)
    assert sum(counts) == 48 * 3600 // 41
    data = due_per_hour_png(deadlines, NOW, "Europe/Moscow", overdue=12, title="Shop")
    assert png_size(data) == (1000, 500)


@pytest.mark.e2e
def test_importing_the_module_does_not_import_matplotlib() -> None:
    """The bot imports bot.views.chart at start-up; matplotlib must wait for the first digest."""
    code = "import sys, bot.views.chart; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
