"""Times, durations and names as the chat reads them: in its language and time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.i18n.texts import Markup, Texts
from bot.ozon.errors import NotDone, OzonError, UnreadableAnswer


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_duration(tx: Texts, seconds: float) -> Markup:
    minutes = max(1, int(abs(seconds) // 60))
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return tx("duration.days", days=days, hours=hours)
    if hours:
        return tx("duration.hours", hours=hours, minutes=minutes)
    return tx("duration.minutes", minutes=minutes)


# How a day reads in each language ("Thu 26 Nov", "чт, 26 нояб.", "11月26日 周四"); a moment
# adds the time and the zone's abbreviation.
DAY_PATTERNS = {"en": "EEE dd MMM", "ru": "EEE, d MMM", "zh": "M月d日 EEE"}


def format_lead(tx: Texts, seconds: int) -> Markup:
    """A warning stage as the chat reads it: '4h', '4 ч', '4小时'."""
    if seconds % 86400 == 0:
        return tx("lead.days", n=seconds // 86400)
    if seconds % 3600 == 0:
        return tx("lead.hours", n=seconds // 3600)
    return tx("lead.minutes", n=seconds // 60)


def format_moment(tx: Texts, moment: datetime, timezone: str | tzinfo) -> str:
    """`timezone`: the chat's (an IANA name), or a warehouse's as Ozon gives it."""
    local = moment.astimezone(_zone(timezone))
    shown = format_datetime(local, f"{DAY_PATTERNS[tx.language]} HH:mm", locale=tx.language)
    return f"{shown} {local.tzname() or timezone}"


def format_day(tx: Texts, moment: datetime, timezone: str | tzinfo) -> str:
    return format_datetime(moment.astimezone(_zone(timezone)), DAY_PATTERNS[tx.language],
                           locale=tx.language)  # fmt: skip


def _zone(timezone: str | tzinfo) -> tzinfo:
    return ZoneInfo(timezone) if isinstance(timezone, str) else timezone


def time_left(tx: Texts, deadline: datetime, now: datetime) -> Markup:
    seconds = (deadline - now).total_seconds()
    if seconds > 0:
        return tx("alert.left", duration=format_duration(tx, seconds))
    return tx("alert.overdue_by", duration=format_duration(tx, seconds))


OZON_NOTES = frozenset({"ozon.not_done", "ozon.unreadable"})


def ozon_note(error: OzonError) -> str:
    """Why Ozon did not do it, to keep: Ozon's own words where it gave them, a catalog key
    where the words would be the bot's (a `result: false`, an answer not readable)."""
    if isinstance(error, NotDone):
        return "ozon.not_done"
    if isinstance(error, UnreadableAnswer):
        return "ozon.unreadable"
    return error.message


def ozon_reason(tx: Texts, error: OzonError) -> str:
    """`ozon_note`, as the chat reads it."""
    note = ozon_note(error)
    return tx(note) if note in OZON_NOTES else note
