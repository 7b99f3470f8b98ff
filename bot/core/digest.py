"""When a chat's daily digest is owed, and the local days it speaks of: pure functions (its
words are bot/views/digest.py's)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.chat_rules import parse_clock

DEFAULT_DIGEST_TIME = time(9, 0)


def digest_due(
    now: datetime, timezone: str, digest_time: str | None, sent_on: str | None
) -> str | None:
    """The chat's local date when its digest is owed now: its time of day has come and none
    went out today (a bot that was down at that time sends it when it is back)."""
    if digest_time == "off":
        return None
    local = now.astimezone(ZoneInfo(timezone))
    at = parse_clock(digest_time) if digest_time else DEFAULT_DIGEST_TIME
    today = local.date().isoformat()
    return today if local.time() >= at and sent_on != today else None


def day_bounds(now: datetime, timezone: str, offset_days: int) -> tuple[datetime, datetime]:
    """Start and end of a local day (0 today, 1 tomorrow, -1 yesterday)."""
    zone = ZoneInfo(timezone)
    day: date = now.astimezone(zone).date() + timedelta(days=offset_days)
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)
