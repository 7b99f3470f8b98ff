"""Several replicas on one database: one of them leads. The leader polls Telegram (a second
poller gets 409), sends the outbox (so Telegram's limits hold for the whole fleet, and each
message is sent once, in order per chat) and runs the periodic jobs; every replica scans its
share of the stores (bot/watch/shares.py). A leader silent for LEADER_LEASE is replaced by the
first replica to notice, within LEADER_LEASE and a heartbeat. On SQLite the one process leads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import utcnow
from storage import Database
from storage import replicas as replicas_db

log = logging.getLogger(__name__)
LEADER = "leader"
LEADER_LEASE = timedelta(seconds=6)
HEARTBEAT_SECONDS = LEADER_LEASE.total_seconds() / 3


class Leadership:
    def __init__(
        self, db: Database | None, replica: str, *, clock: Callable[[], datetime] = utcnow
    ):
        """`db` None: the only process, which always leads."""
        self._db = db
        self.replica = replica
        self._clock = clock
        self._leading = asyncio.Event()
        self._following = asyncio.Event()
        self._renewed_at: datetime | None = None
        if db is None:
            self._leading.set()
        else:
            self._following.set()

    @property
    def leading(self) -> bool:
        """Leads, and renewed it within the lease: a leader that cannot reach the database
        stops sending before another replica may take over."""
        if self._db is None:
            return True
        fresh = self._renewed_at is not None and self._clock() - self._renewed_at < LEADER_LEASE
        return self._leading.is_set() and fresh

    async def tick(self) -> None:
        """This replica's sign of life, and the leadership taken if the leader fell silent
        (or kept, if this replica leads); run every HEARTBEAT_SECONDS."""
        if self._db is None:
            return
        now = self._clock()
        try:
            leads = await self._renew(self._db, now)
        except Exception:
            # Not renewed: past the lease another replica may lead, so this one stops first.
            if self._renewed_at is None or now - self._renewed_at >= LEADER_LEASE:
                self._step(False)
            raise
        self._step(leads)
        if leads:
            self._renewed_at = now

    async def _renew(self, db: Database, now: datetime) -> bool:
        await replicas_db.heartbeat(db, self.replica, now)
        owner = await replicas_db.role_owner(db, LEADER)
        if owner == self.replica:
            return True
        if owner is not None and owner in await replicas_db.alive(db, now - LEADER_LEASE):
            return False
        return await replicas_db.take_role(db, self.replica, LEADER, owner, now)

    def _step(self, leads: bool) -> None:
        if leads != self._leading.is_set():
            log.info("replica %s %s", self.replica, "leads now" if leads else "follows now")
        (self._leading if leads else self._following).set()
        (self._following if leads else self._leading).clear()

    async def wait_leading(self) -> None:
        await self._leading.wait()

    async def wait_following(self) -> None:
        await self._following.wait()
