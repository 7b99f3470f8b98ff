"""The daily digest's chart: postings due per hour over the next hours, as PNG bytes.

Pure: no I/O besides returning bytes and no clock reads (`now` is passed in), so the digest
can be rendered in a worker thread and tested with fixed times. matplotlib is drawn through
`Figure` and `FigureCanvasAgg` directly, never pyplot: pyplot keeps global figure state,
which is neither thread-safe nor needed for an image that is only ever turned into bytes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)
WIDTH_IN, HEIGHT_IN, DPI = 10, 5, 100  # 1000×500 px, fixed: bbox_inches is never "tight"

# Tried in this order for the title and the two labels, which may be Chinese; a list of
# families lets matplotlib fall back glyph by glyph, so Latin and Cyrillic still render.
CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")
FALLBACK_FAMILY = "DejaVu Sans"  # ships with matplotlib, so it is always there

BAR_COLOR = "#1f77b4"
OVERDUE_COLOR = "#d62728"
NOW_COLOR = "#222222"
TICK_EVERY_HOURS = 6
OVERDUE_X = -2.5  # the overdue bar's centre, in hours left of the first bucket
OVERDUE_WIDTH = 1.6
LEFT_EDGE = -5.0  # room for the overdue bar and its label left of "now"
# A red bar more than this many times the tallest hourly bar is cut (hatched, true number
# written on it), or a backlog of 300 would flatten the hours the seller can still act on.
OVERDUE_CAP_FACTOR = 2


def _utc(moment: datetime, what: str) -> datetime:
    """`moment` in UTC. Naive times are refused: guessing their zone would shift every bar."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def _first_hour(now: datetime, zone: ZoneInfo) -> datetime:
    """Start (in UTC) of the local hour that contains `now`.

    Local, not UTC, because zones like Asia/Kolkata (+05:30) start their hours at :30 UTC.
    """
    local = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)  # keeps `fold`
    return local.astimezone(UTC)


def hourly_counts(
    deadlines: Iterable[datetime], now: datetime, timezone: str, hours: int
) -> list[int]:
    """How many deadlines fall in each local hour of the window (now, now + hours].

    Index 0 is the local hour containing `now`, index i the i-th hour after it. The window
    starts and ends mid-hour, so it touches `hours + 1` hours and the list always has that
    many entries; the first and last are partly covered (together exactly one hour).
    Deadlines at or before `now` are overdue (as in `bot.deadlines.deadline_stage`) and
    left out: the caller passes their number separately. Later than now + hours: ignored.

    Buckets are real 60-minute spans counted from the first local hour, so a DST change
    inside the window neither loses nor doubles an hour of deadlines.
    """
    if hours < 1:
        raise ValueError(f"hours must be at least 1, got {hours}")
    now_utc = _utc(now, "now")
    start = _first_hour(now_utc, ZoneInfo(timezone))
    end = now_utc + timedelta(hours=hours)  # in UTC, so this is elapsed time, not wall time
    counts = [0] * (hours + 1)
    for deadline in deadlines:
        moment = _utc(deadline, "deadline")
        if now_utc < moment <= end:
            counts[(moment - start) // HOUR] += 1
    return counts


@functools.cache
def font_families() -> tuple[str, ...]:
    """Installed CJK families from CJK_FAMILIES, then DejaVu Sans.

    Only installed ones are listed: matplotlib logs a "font family not found" warning for
    every missing name on every text it draws. Cached, since fonts do not change while the
    bot runs and scanning the font list on each digest would be wasted work.
    """
    from matplotlib import font_manager  # lazy: see due_per_hour_png

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return (*(name for name in CJK_FAMILIES if name in installed), FALLBACK_FAMILY)


def _tick_label(moment: datetime) -> str:
    """Local hour, plus the date at midnight. Numbers only (ISO date), so nothing to translate."""
    if moment.hour == 0:
        return f"{moment:%H:%M}\n{moment:%Y-%m-%d}"
    return f"{moment:%H:%M}"


def due_per_hour_png(
    deadlines: Sequence[datetime],
    now: datetime,
    timezone: str,
    *,
    overdue: int = 0,
    title: str = "",
    hours: int = 48,
    now_label: str = "now",
    overdue_label: str = "overdue",
) -> bytes:
    """A 1000×500 PNG bar chart of postings due in each local hour of the next `hours` hours.

    A vertical line marks `now`; `overdue` postings (deadline already passed) are a red bar
    left of it, since they are what the seller must deal with first. `title`, `now_label`
    and `overdue_label` are the only words drawn, so the caller passes them translated;
    axis labels are local times and ISO dates. See `hourly_counts` for the bucketing.
    """
    # Imported here, not at module level: importing matplotlib (and numpy) costs a
    # noticeable fraction of a second, which the bot would otherwise pay at every start-up
    # even though the chart is only drawn once a day per chat.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if overdue < 0:
        raise ValueError(f"overdue must not be negative, got {overdue}")
    counts = hourly_counts(deadlines, now, timezone, hours)
    zone = ZoneInfo(timezone)
    start = _first_hour(_utc(now, "now"), zone)
    now_x = (_utc(now, "now") - start) / HOUR  # in [0, 1): where now is inside bucket 0
    locals_ = [(start + i * HOUR).astimezone(zone) for i in range(len(counts) + 1)]
    families = list(font_families())

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()

    tallest = max(counts)
    shown_overdue = overdue
    if tallest and overdue > OVERDUE_CAP_FACTOR * tallest:
        shown_overdue = OVERDUE_CAP_FACTOR * tallest
    top = max(tallest, shown_overdue, 1) * 1.3  # headroom for the labels above the bars

    axes.bar([i + 0.5 for i in range(len(counts))], counts, width=0.8, color=BAR_COLOR)
    for i, moment in enumerate(locals_[1:-1], start=1):
        if moment.hour == 0 and moment.minute == 0:
            axes.axvline(i, color="#bbbbbb", linewidth=0.8, linestyle="--", zorder=0)

    if overdue:
        axes.bar(
            [OVERDUE_X],
            [shown_overdue],
            width=OVERDUE_WIDTH,
            color=OVERDUE_COLOR,
            hatch="//" if shown_overdue < overdue else None,
            edgecolor="white" if shown_overdue < overdue else OVERDUE_COLOR,
        )
        axes.text(
            OVERDUE_X,
            shown_overdue + top * 0.02,
            f"{overdue_label}\n{overdue}",
            ha="center",
            va="bottom",
            color=OVERDUE_COLOR,
            fontsize=10,
            fontweight="bold",
            fontfamily=families,
        )

    axes.axvline(now_x, color=NOW_COLOR, linewidth=1.5)
    axes.annotate(
        now_label,
        xy=(now_x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        color=NOW_COLOR,
        fontsize=10,
        fontfamily=families,
    )

    ticks = [
        i
        for i, moment in enumerate(locals_)
        if moment.minute == 0 and moment.hour % TICK_EVERY_HOURS == 0
    ]
    axes.set_xticks(ticks, [_tick_label(locals_[i]) for i in ticks])
    axes.set_xticks(range(len(locals_)), minor=True)
    axes.set_xlim(LEFT_EDGE, len(counts) + 0.2)
    axes.set_ylim(0, top)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if title:
        axes.set_title(title, fontsize=14, fontfamily=families)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
