"""Time zone choices: a default from the user's language, and validation of IANA names."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_BY_LANGUAGE = {"ru": "Europe/Moscow", "zh": "Asia/Shanghai"}


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
