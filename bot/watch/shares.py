"""Replicas on one PostgreSQL database share the stores: each store is scanned by one replica,
which keeps it while it lives (its page cache keeps paying); a replica silent for longer than
its lease has its stores taken over by the others (bot/core/shares.py decides who takes what).
On SQLite there is one process, and it scans every store. A replica's sign of life is written
by its leadership heartbeat (bot/services/leadership.py) and by each of its scans."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.core.shares import plan_shares
from storage import Database
from storage import replicas as replicas_db

log = logging.getLogger(__name__)
SHORTEST_LEASE = timedelta(seconds=10)


def lease_for(check_interval_seconds: int) -> timedelta:
    """How long a replica's silence means it died: half a scan interval (so its stores are
    scanned again within about 1.5 intervals), never so short that a busy moment looks dead."""
    return max(timedelta(seconds=check_interval_seconds / 2), SHORTEST_LEASE)


class StoreShares:
    def __init__(
        self,
        db: Database,
        replica: str,
        lease: timedelta,
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._db = db
        self.replica = replica
        self.lease = lease
        self._clock = clock

    async def mine(self, stores: Sequence[int]) -> set[int]:
        """The stores this replica scans now, after taking its share and letting go of what
        is beyond it."""
        now = self._clock()
        await replicas_db.heartbeat(self._db, self.replica, now)
        alive = await replicas_db.alive(self._db, now - self.lease)
        plan = plan_shares(stores, await replicas_db.owners(self._db), alive, self.replica)
        await replicas_db.release(self._db, self.replica, plan.release)
        taken = await replicas_db.take(self._db, self.replica, plan.take, now)
        if plan.release or taken:
            log.info("replica %s: took %d stores, let go of %d, keeps %d", self.replica,
                     len(taken), len(plan.release), len(plan.keep))  # fmt: skip
        return set(plan.keep) | taken

    async def claim(self, store_id: int) -> bool:
        """A store this replica was asked to scan at once (just connected or linked): its if
        nobody alive owns it."""
        now = self._clock()
        owners = await replicas_db.owners(self._db)
        owner = owners.get(store_id)
        if owner == self.replica:
            return True
        if owner is not None and owner in await replicas_db.alive(self._db, now - self.lease):
            return False  # its owner scans it within an interval
        return bool(await replicas_db.take(self._db, self.replica, {store_id: owner}, now))

    async def leave(self) -> None:
        await replicas_db.leave(self._db, self.replica)
