"""Wrong API keys per user: after a few in a row each further /connect waits longer before
Ozon sees the key. Kept in the database, so a restart does not give a guesser a fresh start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.clock import utcnow
from bot.security.throttle import FORGET_AFTER, key_wait
from storage import Database
from storage import key_attempts as key_attempts_db


class KeyAttempts:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow):
        self._db = db
        self._clock = clock

    async def wait_left(self, user_id: int) -> float:
        """Seconds before this user may try another key (0: now)."""
        until = await key_attempts_db.wait_until(self._db, user_id)
        return max(0.0, (until - self._clock()).total_seconds()) if until else 0.0

    async def failed(self, user_id: int) -> int:
        """Records a wrong key; returns how many in a row."""
        now = self._clock()
        return await key_attempts_db.record_wrong_key(
            self._db, user_id, now, now - FORGET_AFTER, key_wait
        )

    async def succeeded(self, user_id: int) -> None:
        await key_attempts_db.forget(self._db, user_id)
