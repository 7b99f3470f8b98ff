"""Lead times: how long before a deadline a warning comes, as the seller types them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}
MAX_LEAD_SECONDS = 7 * 86400  # a week ahead is the longest warning that makes sense
DEFAULT_LEAD_TIMES = (86400, 14400, 3600)
# Express postings are due about an hour after the order: a 24h stage is already past.
EXPRESS_LEAD_TIMES = (1800, 600)


@dataclass(frozen=True)
class Leads:
    """The warning stages: the configured ones (a chat may set its own), and those of
    express postings, which every chat gets (their deadline leaves no room for a choice)."""

    default: tuple[int, ...] = DEFAULT_LEAD_TIMES
    express: tuple[int, ...] = EXPRESS_LEAD_TIMES

    def of(self, chat_leads: tuple[int, ...] | None, express: bool = False) -> tuple[int, ...]:
        if express:
            return self.express
        return chat_leads or self.default


def parse_lead_times(value: str) -> tuple[int, ...]:
    """'24h,4h,1h' -> (86400, 14400, 3600) seconds, largest first, no duplicates."""
    seconds: set[int] = set()
    for part in value.split(","):
        match = _DURATION.match(part[:20])
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"cannot read {part.strip()[:20]!r} as a duration")
        lead = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        if lead > MAX_LEAD_SECONDS:
            raise ValueError(f"{part.strip()[:20]!r} is more than 7 days")
        seconds.add(lead)
    return tuple(sorted(seconds, reverse=True))


def format_lead_time(seconds: int) -> str:
    delta = timedelta(seconds=seconds)
    if seconds % 86400 == 0:
        return f"{delta.days}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"
