"""Time zone choices: a default from the user's language, and validation of IANA names."""

from __future__ import annotations

import functools
import re
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_BY_LANGUAGE = {"ru": "Europe/Moscow", "zh": "Asia/Shanghai"}
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
OZON_DEFAULT_ZONE = "Europe/Moscow"  # Ozon's own clock, for a warehouse that names none


def default_timezone(language_code: str | None) -> str:
    language = (language_code or "").split("-")[0].lower()
    return _BY_LANGUAGE.get(language, "UTC")


def valid_timezone(name: str) -> str | None:
    """The canonical spelling of an IANA zone name, or None when there is no such zone."""
    candidate = name.strip()
    if not candidate or len(candidate) > 64 or ".." in candidate or candidate.startswith("/"):
        return None
    try:
        return str(ZoneInfo(candidate))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
        return None


@functools.lru_cache(maxsize=256)
def warehouse_zone(text: str) -> tzinfo:
    """A warehouse's time zone as Ozon writes it: an IANA name or an offset like 'UTC+3'.
    Asked for every posting of every scan: parsed once per distinct text."""
    name = valid_timezone(text)
    if name is not None:
        return ZoneInfo(name)
    offset = _OFFSET.match(text.strip())
    if offset and int(offset.group(2)) <= 14:
        sign = 1 if offset.group(1) == "+" else -1
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return timezone(sign * timedelta(minutes=minutes))
    return ZoneInfo(OZON_DEFAULT_ZONE)
