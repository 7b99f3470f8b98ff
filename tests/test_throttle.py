"""Per-user throttling and the slowing of API key guessing, on a made-up clock."""

from __future__ import annotations

from bot.throttle import FIRST_WAIT, FREE_KEY_ATTEMPTS, LONGEST_WAIT, KeyAttempts, Throttle, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_refusal_is_told_and_the_rest_are_silent() -> None:
    clock = Clock()
    throttle = Throttle(burst=3, per_second=1.0, clock=clock)
    verdicts = [throttle.take(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOWED] * 3 + [Verdict.REFUSED_FIRST] + [Verdict.REFUSED] * 2
    assert throttle.take(2) is Verdict.ALLOWED  # another user is not affected
    clock.now += 1.0
    assert throttle.take(1) is Verdict.ALLOWED  # one a second refills
    assert throttle.take(1) is Verdict.REFUSED_FIRST  # told again after an allowed one
    clock.now += 60
    assert [throttle.take(1) for _ in range(3)] == [Verdict.ALLOWED] * 3  # never above burst
    assert throttle.take(1) is Verdict.REFUSED_FIRST


def test_wrong_keys_are_free_a_few_times_then_wait_longer_and_longer() -> None:
    clock = Clock()
    attempts = KeyAttempts(clock)
    for count in range(1, FREE_KEY_ATTEMPTS):
        assert attempts.failed(7) == count
        assert attempts.wait_left(7) == 0
    assert attempts.failed(7) == FREE_KEY_ATTEMPTS
    assert attempts.wait_left(7) == FIRST_WAIT
    clock.now += FIRST_WAIT
    assert attempts.wait_left(7) == 0
    attempts.failed(7)
    assert attempts.wait_left(7) == 2 * FIRST_WAIT
    for _ in range(20):
        attempts.failed(7)
    assert attempts.wait_left(7) == LONGEST_WAIT
    assert attempts.wait_left(8) == 0  # per user
    attempts.succeeded(7)
    assert attempts.wait_left(7) == 0


def test_wrong_keys_are_forgotten_after_a_day() -> None:
    clock = Clock()
    attempts = KeyAttempts(clock)
    for _ in range(FREE_KEY_ATTEMPTS):
        attempts.failed(7)
    clock.now += 25 * 3600
    assert attempts.failed(7) == 1
