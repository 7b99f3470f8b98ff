"""Per-user rate limits: a token bucket for commands and presses, and a growing wait after
wrong API keys. Pure: the caller passes the clock, so tests run on made-up time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
FIRST_WAIT = 60.0  # seconds, doubled after each further wrong key
LONGEST_WAIT = 3600.0
FORGET_AFTER = 24 * 3600.0


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    wait_until: float = 0.0


class KeyAttempts:
    """Wrong API keys per user: a few are mistakes, more are a guess. After FREE_KEY_ATTEMPTS
    each next try waits longer (1 min, 2 min, … up to an hour)."""

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._failures: dict[int, _Failures] = {}

    def wait_left(self, user_id: int) -> float:
        """Seconds before this user may try another key (0: now)."""
        failures = self._failures.get(user_id)
        if failures is None:
            return 0.0
        return max(0.0, failures.wait_until - self._clock())

    def failed(self, user_id: int) -> int:
        """Records a wrong key; returns how many in a row."""
        now = self._clock()
        if len(self._failures) >= MAX_TRACKED:
            recent = {k: f for k, f in self._failures.items() if now - f.last < FORGET_AFTER}
            self._failures = recent
        failures = self._failures.get(user_id)
        if failures is None or now - failures.last > FORGET_AFTER:
            failures = self._failures[user_id] = _Failures()
        failures.count += 1
        failures.last = now
        extra = failures.count - FREE_KEY_ATTEMPTS
        if extra >= 0:
            failures.wait_until = now + min(LONGEST_WAIT, FIRST_WAIT * 2**extra)
        return failures.count

    def succeeded(self, user_id: int) -> None:
        self._failures.pop(user_id, None)
