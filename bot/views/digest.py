"""The daily digest in words: postings due today and tomorrow per store and warehouse, what
became of postings yesterday (late hand-overs, cancellations and whether they count against the
rating), and each store's error index when Ozon gave it. Times are the chat's; nothing here
reads the clock or the database (when it is owed: bot/core/digest.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.core.deadlines import HANDED_OVER_OUTCOMES
from bot.core.digest import day_bounds
from bot.i18n.texts import Texts
from bot.ozon.models import ErrorIndex, Posting
from bot.views.format import format_day
from bot.views.render import initiator_of
from storage.digests import PostingRow

MAX_NUMBERS = 10  # posting numbers listed per line; the rest are counted


def render_digest(
    tx: Texts,
    now: datetime,
    timezone: str,
    pending: Sequence[PostingRow],
    yesterday: Sequence[PostingRow],
    error_indexes: Mapping[str, ErrorIndex],
) -> str:
    """`pending`: the chat's watched postings due before tomorrow ends (overdue included);
    `yesterday`: postings whose outcome the bot learnt yesterday; `error_indexes` by store."""
    _, today_end = day_bounds(now, timezone, 0)
    _, tomorrow_end = day_bounds(now, timezone, 1)
    lines: list[str] = [tx("digest.title", date=format_day(tx, now, timezone))]
    lines += _due_lines(tx, now, today_end, tomorrow_end, pending) or [tx("digest.nothing_due")]
    lines += ["", tx("digest.yesterday")]
    lines += _yesterday_lines(tx, yesterday) or [tx("digest.calm_yesterday")]
    for store, found in sorted(error_indexes.items()):
        if found.index is None:
            continue
        lines.append(tx("digest.error_index", store=store, index=f"{found.index * 100:.1f} %",
                        period=f"{found.period_from} – {found.period_to}"))  # fmt: skip
    return "\n".join(lines)


def _due_lines(
    tx: Texts,
    now: datetime,
    today_end: datetime,
    tomorrow_end: datetime,
    pending: Sequence[PostingRow],
) -> list[str]:
    today: Counter[tuple[str, str]] = Counter()
    tomorrow: Counter[tuple[str, str]] = Counter()
    overdue: Counter[str] = Counter()
    for row in pending:
        place = (row.store, Posting.model_validate_json(row.data).warehouse or "—")
        if row.shipment_date <= now:
            overdue[row.store] += 1
        elif row.shipment_date < today_end:
            today[place] += 1
        elif row.shipment_date < tomorrow_end:
            tomorrow[place] += 1
    lines: list[str] = []
    for store in sorted({store for store, _ in today | tomorrow} | set(overdue)):
        lines.append(tx("digest.store", store=store))
        if overdue[store]:
            lines.append(tx("digest.overdue", count=overdue[store]))
        for place in sorted(p for p in today | tomorrow if p[0] == store):
            lines.append(tx("digest.warehouse", warehouse=place[1], today=today[place],
                            tomorrow=tomorrow[place]))  # fmt: skip
    return lines


def _yesterday_lines(tx: Texts, settled: Sequence[PostingRow]) -> list[str]:
    late = [
        row.posting_number
        for row in settled
        if row.outcome in HANDED_OVER_OUTCOMES
        and row.outcome_at
        and row.outcome_at > row.shipment_date
    ]
    lines: list[str] = [tx("digest.late", numbers=_numbers(late))] if late else []
    for row in settled:
        if row.outcome != "cancelled":
            continue
        cancellation = Posting.model_validate_json(row.data).cancellation
        counts = cancellation.affect_cancellation_rating if cancellation else None
        rating = "" if counts is None else tx(f"digest.rating.{'counts' if counts else 'free'}")
        who = initiator_of(cancellation) if cancellation else "unknown"
        initiator = tx(f"initiator.{who}")
        lines.append(tx("digest.cancelled", number=row.posting_number, initiator=initiator,
                        rating=rating))  # fmt: skip
    return lines


def _numbers(numbers: list[str]) -> str:
    shown = ", ".join(numbers[:MAX_NUMBERS])
    return shown + (f" +{len(numbers) - MAX_NUMBERS}" if len(numbers) > MAX_NUMBERS else "")
