"""Lead times: how long before a deadline a warning comes, as the seller types them."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}
MAX_LEAD_SECONDS = 7 * 86400  # a week ahead is the longest warning that makes sense


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
