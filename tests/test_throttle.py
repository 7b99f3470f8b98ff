"""Per-user throttling and the slowing of API key guessing (kept in the database), on a
made-up clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.security.key_attempts import KeyAttempts
from bot.security.throttle import FIRST_WAIT, FREE_KEY_ATTEMPTS, LONGEST_WAIT, Throttle, Verdict
from tests.helpers.engine import open_db


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.unit
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


class WallClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.service
def test_wrong_keys_are_free_a_few_times_then_wait_longer_and_longer(tmp_path: Path) -> None:
    async def run() -> None:
        clock = WallClock()
        db = await open_db(tmp_path / "bot.sqlite3")
        attempts = KeyAttempts(db, clock)
        for count in range(1, FREE_KEY_ATTEMPTS):
            assert await attempts.failed(7) == count
            assert await attempts.wait_left(7) == 0
        assert await attempts.failed(7) == FREE_KEY_ATTEMPTS
        assert await attempts.wait_left(7) == FIRST_WAIT.total_seconds()
        clock.now += FIRST_WAIT
        assert await attempts.wait_left(7) == 0
        await attempts.failed(7)
        assert await attempts.wait_left(7) == 2 * FIRST_WAIT.total_seconds()
        for _ in range(20):
            await attempts.failed(7)
        assert await attempts.wait_left(7) == LONGEST_WAIT.total_seconds()
        assert await attempts.wait_left(8) == 0  # per user
        await attempts.succeeded(7)
        assert await attempts.wait_left(7) == 0
        await db.close()

    asyncio.run(run())


@pytest.mark.service
def test_wrong_keys_are_forgotten_after_a_day(tmp_path: Path) -> None:
    async def run() -> None:
        clock = WallClock()
        db = await open_db(tmp_path / "bot.sqlite3")
        attempts = KeyAttempts(db, clock)
        for _ in range(FREE_KEY_ATTEMPTS):
            await attempts.failed(7)
        clock.now += timedelta(hours=25)
        assert await attempts.failed(7) == 1
        await db.close()

    asyncio.run(run())


@pytest.mark.service
def test_the_wait_outlives_the_process(tmp_path: Path) -> None:
    """A restart (a new connection, a new KeyAttempts) gives a guesser no fresh start."""

    async def run() -> float:
        clock = WallClock()
        db = await open_db(tmp_path / "bot.sqlite3")
        for _ in range(FREE_KEY_ATTEMPTS + 1):
            await KeyAttempts(db, clock).failed(7)
        await db.close()
        reopened = await open_db(tmp_path / "bot.sqlite3")
        wait = await KeyAttempts(reopened, clock).wait_left(7)
        await reopened.close()
        return wait

    assert asyncio.run(run()) == 2 * FIRST_WAIT.total_seconds()
