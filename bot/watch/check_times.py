"""When a periodic check of each store (stock, deliveries) last ran: in memory for the stores
this process scans, and in the database, so that a replica taking a store over (or a restarted
process) neither repeats a check that is not due nor skips one that is."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import Database
from storage import scan_state as scan_state_db


class CheckTimes:
    def __init__(self, db: Database, kind: str, every: timedelta):
        self._db = db
        self._kind = kind
        self._every = every
        self._last: dict[int, datetime | None] = {}

    async def due(self, store_id: int, now: datetime) -> bool:
        if store_id not in self._last:
            self._last[store_id] = await scan_state_db.checked_at(self._db, store_id, self._kind)
        last = self._last[store_id]
        return last is None or now - last >= self._every

    async def done(self, store_id: int, now: datetime) -> None:
        self._last[store_id] = now
        await scan_state_db.mark_checked(self._db, store_id, self._kind, now)

    async def forget(self, store_id: int) -> None:
        """The check is due at the store's next scan."""
        self._last[store_id] = None
        await scan_state_db.forget_check(self._db, store_id, self._kind)

    def forget_except(self, store_ids: set[int]) -> None:
        """Stores no longer scanned here are read from the database when they come back."""
        self._last = {k: v for k, v in self._last.items() if k in store_ids}
