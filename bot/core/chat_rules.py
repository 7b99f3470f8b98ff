"""Chat settings as values: parsing and validating what a user types or picks. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.leads import parse_lead_times

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_USERNAME = re.compile(r"^@[A-Za-z0-9_]{5,32}$")
ROLES = ("member", "admin", "owner")
# Team defaults, used while a chat has not set its own.
DEFAULT_GROUP_THRESHOLD = 5  # more postings than this reaching a stage together: one message
DEFAULT_ESCALATION_DELAY = 15 * 60  # seconds
DEFAULT_REPEAT_INTERVAL = 60 * 60
SETTABLE_ACTIONS = ("cancel", "extend", "message", "claim", "snooze")


class InvalidSetting(ValueError):
    """The value cannot be used: `key` names the catalog text saying what is expected (the
    chat's language renders it), `values` fill it."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime, timezone: str) -> bool:
        local = moment.astimezone(ZoneInfo(timezone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight

    def next_start(self, moment: datetime, timezone: str) -> datetime:
        """The next moment quiet hours begin, at or after `moment`."""
        local = moment.astimezone(ZoneInfo(timezone))
        start = local.replace(hour=self.start.hour, minute=self.start.minute, second=0,
                              microsecond=0)  # fmt: skip
        return start if start >= local else start + timedelta(days=1)

    def end_after(self, moment: datetime, timezone: str) -> datetime:
        """When the quiet hours containing (or next after) `moment` end."""
        local = moment.astimezone(ZoneInfo(timezone))
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end > local else end + timedelta(days=1)


def parse_clock(value: str) -> time:
    match = _CLOCK.match(value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidSetting("invalid.clock", value=value.strip()[:20])
    return time(int(match.group(1)), int(match.group(2)))


def parse_quiet_hours(value: str) -> QuietHours | None:
    """'23:00-08:00' → QuietHours; 'off' → None."""
    if value.strip().lower() in ("off", "none", "-"):
        return None
    parts = value.replace("–", "-").split("-")
    if len(parts) != 2:
        raise InvalidSetting("invalid.quiet")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start == end:
        raise InvalidSetting("invalid.quiet_same")
    return QuietHours(start, end)


def parse_leads(value: str) -> tuple[int, ...]:
    try:
        return parse_lead_times(value)
    except ValueError:
        raise InvalidSetting("invalid.leads", value=value.strip()[:40]) from None


def parse_minutes(value: str, low: int, high: int) -> int:
    number = _whole_number(value, low, high)
    if number is None:
        raise InvalidSetting("invalid.minutes", low=low, high=high)
    return number


def parse_count(value: str, low: int, high: int) -> int:
    number = _whole_number(value, low, high)
    if number is None:
        raise InvalidSetting("invalid.count", low=low, high=high)
    return number


def _whole_number(value: str, low: int, high: int) -> int | None:
    digits = value.strip()
    # Nine digits are far beyond any bound; int() refuses 4,300 with a ValueError of its own.
    if not digits.isdecimal() or len(digits) > 9 or not low <= int(digits) <= high:
        return None
    return int(digits)


def parse_contacts(value: str) -> str:
    names = value.replace(",", " ").split()
    if value.strip().lower() in ("off", "none", "-"):
        return ""
    bad = [name for name in names if not _USERNAME.match(name)]
    if bad or not names:
        raise InvalidSetting("invalid.contacts")
    return " ".join(dict.fromkeys(names))


def parse_permission(value: str) -> tuple[str, str]:
    parts = value.split()
    if len(parts) != 2 or parts[0] not in SETTABLE_ACTIONS or parts[1] not in ROLES:
        raise InvalidSetting(
            "invalid.permission", actions=", ".join(SETTABLE_ACTIONS), roles=", ".join(ROLES)
        )
    return parts[0], parts[1]


def quiet_hours_of(chat: HasQuietHours) -> QuietHours | None:
    """A chat's stored quiet hours; a value that no longer parses counts as none."""
    try:
        return parse_quiet_hours(chat.quiet_hours) if chat.quiet_hours else None
    except InvalidSetting:
        return None


class HasQuietHours(Protocol):
    @property
    def quiet_hours(self) -> str | None: ...
