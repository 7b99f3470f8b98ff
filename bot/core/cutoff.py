"""The shipping date Ozon asks a seller to state (`set_cutoff`), as pure functions.

Ozon's process text: when `available_actions` has `set_cutoff`, the seller must state the
shipping date no later than `shipment_date`; after that the posting can be neither given a
date nor packed. It is an obligation with a deadline, not an extension. Neither the method nor
the process text names the dates Ozon accepts; the bot offers the warehouse's calendar days
from today up to the last day of the delivery window promised to the buyer (shipping after it
breaks the promise the seller is judged on), at most a week, and reports Ozon's refusal
(`result: false`) as such."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from bot.ozon.models import Posting

MAX_CUTOFF_DAYS = 7


def cutoff_owed(posting: Posting, now: datetime) -> bool:
    """Ozon asks for the shipping date, and it can still be given (only before the deadline)."""
    return "set_cutoff" in posting.available_actions and posting.shipment_date > now


def cutoff_days(now: datetime, promise_end: datetime | None, zone: tzinfo) -> list[datetime]:
    """The days, in the warehouse's calendar, the seller may name as the shipping date. Each
    is the start of that day in the warehouse's zone; today's is `now`. Without a promised
    window (Ozon did not send one), a week from today."""
    if promise_end is not None and promise_end <= now:
        return []  # the promise is broken already: no shipping date keeps it
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    last = promise_end.astimezone(zone) if promise_end else today + timedelta(days=7)
    days: list[datetime] = []
    day = today
    while day.date() <= last.date() and len(days) < MAX_CUTOFF_DAYS:
        days.append(max(day, now.astimezone(zone)))
        day += timedelta(days=1)  # wall-clock arithmetic: the next midnight
    return [moment.astimezone(now.tzinfo) for moment in days]
