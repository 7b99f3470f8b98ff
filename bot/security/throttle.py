"""Per-user rate limits: a token bucket for commands and presses, and the growing wait after
wrong API keys (kept in the database by bot/security/key_attempts.py). Pure: the caller passes the
clock, so tests run on made-up time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

MAX_TRACKED = 10_000  # users remembered at once; idle ones are forgotten first


class Verdict(Enum):
    ALLOWED = "allowed"
    REFUSED_FIRST = "refused_first"  # tell the user once per burst
    REFUSED = "refused"  # stay silent: answering would be more spam


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class Throttle:
    """`burst` updates at once, then `per_second` on average, per key."""

    def __init__(self, burst: int, per_second: float, clock: Callable[[], float]):
        self._burst = burst
        self._rate = per_second
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def take(self, key: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self._burst), now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return Verdict.ALLOWED
        if bucket.told:
            return Verdict.REFUSED
        bucket.told = True
        return Verdict.REFUSED_FIRST

    def _forget_idle(self, now: float) -> None:
        full_after = self._burst / self._rate
        for key in [k for k, b in self._buckets.items() if now - b.at >= full_after]:
            del self._buckets[key]
        if len(self._buckets) >= MAX_TRACKED:  # all busy: forget the longest idle half
            for key in sorted(self._buckets, key=lambda k: self._buckets[k].at)[: MAX_TRACKED // 2]:
                del self._buckets[key]


FREE_KEY_ATTEMPTS = 3
FIRST_WAIT = timedelta(minutes=1)  # doubled after each further wrong key
LONGEST_WAIT = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)  # a day without a wrong key starts the count afresh


def key_wait(wrong_keys: int) -> timedelta:
    """How long a user waits before Ozon sees their next key, after `wrong_keys` wrong ones in
    a row: a few are mistakes, more are a guess (1 min, 2 min, … up to an hour)."""
    extra = wrong_keys - FREE_KEY_ATTEMPTS
    if extra < 0:
        return timedelta(0)
    return min(LONGEST_WAIT, FIRST_WAIT * (1 << min(extra, 32)))
