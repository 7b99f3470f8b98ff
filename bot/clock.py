"""The one place that reads the wall clock; everything else receives `now` or a clock."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
