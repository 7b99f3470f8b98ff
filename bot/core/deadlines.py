"""Deadline logic: pure functions over plain data, no I/O and no clock reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Protocol

from bot.core.chat_rules import QuietHours
from bot.core.timezones import warehouse_zone

OVERDUE = 0  # a stage is its lead time in seconds; 0 means the deadline has passed

# Statuses in which the seller still has to act before `shipment_date`, and those before them
# in which Ozon is still registering or checking the order: the deadline runs all the same, so
# a posting in one keeps its alert and buttons, which say what is happening.
PENDING_STATUSES = frozenset(
    {"awaiting_registration", "acceptance_in_progress", "awaiting_approve", "awaiting_verification"}
)
WATCHED_STATUSES = frozenset({"awaiting_packaging", "awaiting_deliver"}) | PENDING_STATUSES
HANDED_OVER_STATUSES = frozenset(
    {"driver_pickup", "delivering", "delivered", "sent_by_seller", "arrived_to_pickup_point"}
)
SPLIT_STATUS = "cancelled_from_split_pending"  # Ozon split it; the parts name it as parent
CANCELLED_STATUSES = frozenset({"cancelled", SPLIT_STATUS})
IN_DELIVERY = "in_delivery"  # the outcome such a posting is stored with while it is followed
# A hand-over's outcomes: its time (outcome_at) stays the hand-over's through the later ones.
HANDED_OVER_OUTCOMES = frozenset({"handed_over", IN_DELIVERY, "delivered"})


def deadline_stage(shipment_date: datetime, now: datetime, lead_times: Sequence[int]) -> int | None:
    """The stage a posting is at: the smallest lead time L with `deadline - now <= L`,
    OVERDUE once `now >= deadline`, None while no lead time has been reached."""
    left = (shipment_date - now).total_seconds()
    if left <= 0:
        return OVERDUE
    reached = [lead for lead in lead_times if left <= lead]
    return min(reached) if reached else None


def warn_by(deadline: datetime, working_days: frozenset[int], zone: tzinfo) -> datetime:
    """When the warnings must have been given: the deadline, or — when it falls on a day its
    warehouse does not work — the end of the last working day before it, since nobody will
    be there to pack on the day itself. Unknown working days (empty) change nothing."""
    if len(working_days) in (0, 7):  # unknown, or every day: asked for every posting of a scan
        return deadline
    local = deadline.astimezone(zone)
    if local.isoweekday() in working_days:
        return deadline
    day = local.date()
    for _ in range(7):
        day -= timedelta(days=1)
        if day.isoweekday() in working_days:
            return datetime.combine(day + timedelta(days=1), time(0), zone)
    return deadline


class WorkingWeek(Protocol):
    """What the stages need of a warehouse: the days it works, and its time zone."""

    @property
    def working_days(self) -> frozenset[int]: ...  # ISO weekdays; empty: unknown

    @property
    def timezone(self) -> str: ...


def warehouse_warn_at(deadline: datetime, warehouse: WorkingWeek | None) -> datetime:
    """`warn_by` for a posting's warehouse as stored (None: unknown, the deadline itself)."""
    if warehouse is None:
        return deadline
    return warn_by(deadline, warehouse.working_days, warehouse_zone(warehouse.timezone))


def warning_stage(
    deadline: datetime, warn_at: datetime, now: datetime, lead_times: Sequence[int]
) -> int | None:
    """Like `deadline_stage`, with the warnings counted towards `warn_at` (see `warn_by`):
    once it has passed, the posting stays at the last warning until it is really overdue."""
    if now >= deadline or warn_at >= deadline:
        return deadline_stage(deadline, now, lead_times)
    stage = deadline_stage(warn_at, now, lead_times)
    return min(lead_times) if stage == OVERDUE and lead_times else stage


def stage_to_alert(current: int | None, alerted: Iterable[int]) -> int | None:
    """The stage to announce now, if any. A posting seen for the first time at a late stage
    gets only that stage; a stage at or behind one already announced is never repeated."""
    if current is None:
        return None
    if any(stage <= current for stage in alerted):
        return None
    return current


PRE_QUIET_WINDOW = timedelta(hours=1)


def stage_before_quiet(
    deadline: datetime,
    now: datetime,
    lead_times: Sequence[int],
    quiet_start: datetime,
    quiet_end: datetime,
) -> int | None:
    """When quiet hours begin within the hour and a warning stage of this posting would come
    during them (one that quiet hours hold back: not the last stage, not overdue), that stage,
    to announce now instead."""
    if not now < quiet_start <= now + PRE_QUIET_WINDOW:
        return None
    last = min(lead_times)
    before_last = deadline - timedelta(seconds=last, microseconds=1)
    if not quiet_start <= before_last < quiet_end:
        return None
    stage = deadline_stage(deadline, before_last, lead_times)
    return stage if stage not in (None, OVERDUE, last) else None


def is_urgent(stage: int, leads: Sequence[int]) -> bool:
    """The last warning, any stage after it (an express posting's), and overdue: these come
    even in quiet hours."""
    return stage == OVERDUE or stage <= min(leads)


def most_urgent(*stages: int | None) -> int | None:
    reached = [stage for stage in stages if stage is not None]
    return min(reached) if reached else None


def outcome_of(status: str) -> str:
    """How a posting that left the watched statuses ended, as a catalog word."""
    if status == SPLIT_STATUS:
        return "split"  # not a cancellation: its parts carry on as postings of their own
    if status in CANCELLED_STATUSES:
        return "cancelled"
    if status in HANDED_OVER_STATUSES:
        return "handed_over"
    if status in ("arbitration", "client_arbitration"):
        return "arbitration"
    if status == "not_accepted":
        return "not_accepted"
    return "left"


@dataclass(frozen=True)
class Due:
    """One posting that has to be announced to one chat at one stage."""

    chat_id: int
    posting_number: str
    stage: int


def group_for_messages(
    due: Sequence[Due], threshold: Callable[[int], int] | int
) -> list[list[Due]]:
    """Alerts of one store, split into messages: more than `threshold` (per chat) postings
    reaching the same stage in one chat go together, the rest one message each. Order is kept."""
    limit = threshold if callable(threshold) else (lambda chat_id: threshold)
    buckets: dict[tuple[int, int], list[Due]] = {}
    for item in due:
        buckets.setdefault((item.chat_id, item.stage), []).append(item)
    messages: list[list[Due]] = []
    for (chat_id, _), bucket in buckets.items():
        if len(bucket) > limit(chat_id):
            messages.append(bucket)
        else:
            messages.extend([item] for item in bucket)
    return messages


def pack_lines(lines: Sequence[str], limit: int, reserve: int = 0) -> list[list[str]]:
    """Consecutive lines packed into chunks whose joined length (with newlines) fits `limit`,
    counting `reserve` more characters per line for what later edits may add to it."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        added = len(line) + reserve + (1 if chunks[-1] else 0)
        if chunks[-1] and size + added > limit:
            chunks.append([])
            added, size = len(line) + reserve, 0
        chunks[-1].append(line)
        size += added
    return [chunk for chunk in chunks if chunk]


def split_text(text: str, limit: int) -> list[str]:
    """A text cut into messages of at most `limit` characters, between lines where it can."""
    lines = [
        line[start : start + limit]
        for line in text.split("\n")
        for start in range(0, max(len(line), 1), limit)
    ]
    return ["\n".join(chunk) for chunk in pack_lines(lines, limit)]


LOOKBACK = timedelta(days=30)  # overdue postings older than this are left to Ozon
MIN_LOOKAHEAD = timedelta(days=7)  # so /status can show the week ahead


def watch_window(now: datetime, lead_times: Iterable[int]) -> tuple[datetime, datetime]:
    """The cutoff window to ask Ozon for: every deadline that is, or soon will be, at a stage."""
    longest = timedelta(seconds=max(lead_times, default=0)) + timedelta(days=1)
    return now - LOOKBACK, now + max(MIN_LOOKAHEAD, longest)


def stage_now(
    shipment_date: datetime,
    warn_at: datetime,
    now: datetime,
    leads: Sequence[int],
    quiet: QuietHours | None = None,
    timezone: str = "UTC",
) -> int | None:
    """The stage a chat is told of now: the warning stage counted towards `warn_at` (see
    `warn_by`), and before the chat's quiet hours (in its `timezone`) also a stage they would
    hold back. The one staging of the watch, of `python -m bot check` and of every test."""
    stage = warning_stage(shipment_date, warn_at, now, leads)
    if quiet is None:
        return stage
    start = quiet.next_start(now, timezone)
    end = quiet.end_after(start, timezone)
    early = stage_before_quiet(warn_at, now, leads, start, end)
    return most_urgent(stage, early)
