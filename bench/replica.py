"""One replica of the fleet scan benchmark, in a process of its own: the bot's Scanner with its
StoreShares over the shared database, beating its heart as the running bot does, and scanning
when the benchmark says so (bench/fleet_scan.py)."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing.connection
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.clock import utcnow
from bot.ozon import OzonApi
from bot.perf.heap import tune_garbage_collection
from bot.security.crypto import KeyCipher
from bot.services.leadership import HEARTBEAT_SECONDS
from bot.services.sellers import Sellers
from bot.watch.scanner import Scanner
from bot.watch.shares import StoreShares
from storage import Database
from storage import replicas as replicas_db


@dataclass(frozen=True)
class ReplicaSetup:
    name: str
    database_url: str | None  # None: SQLite at `path`, one process scanning every store
    path: Path
    ozon_url: str
    encryption_key: str
    lease_seconds: float
    lead_times: tuple[int, ...]


@dataclass(frozen=True)
class ScanReport:
    wall: float
    cpu: float
    stores: int  # the stores this replica owns after the scan


def serve(conn: multiprocessing.connection.Connection, setup: ReplicaSetup) -> None:
    asyncio.run(_serve(conn, setup))


async def _serve(conn: multiprocessing.connection.Connection, setup: ReplicaSetup) -> None:
    db = await Database.connect(setup.database_url, setup.path)
    api = OzonApi(setup.ozon_url)
    shares = None
    if setup.database_url is not None:
        shares = StoreShares(db, setup.name, timedelta(seconds=setup.lease_seconds))
    sellers = Sellers(api, KeyCipher([setup.encryption_key]))
    scanner = Scanner(db, sellers, setup.lead_times, shares=shares)
    tune_garbage_collection()  # as the bot does once it has started
    beating = asyncio.create_task(_beat(db, setup.name)) if shares else None
    if shares:
        await replicas_db.heartbeat(db, setup.name, utcnow())
    conn.send("ready")
    try:
        while await asyncio.to_thread(conn.recv) == "scan":
            wall, cpu = time.perf_counter(), time.process_time()
            await scanner.scan_all()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            owners = await replicas_db.owners(db) if shares else {}
            owned = sum(owner == setup.name for owner in owners.values())
            conn.send(ScanReport(wall, cpu, owned))
    finally:
        if beating:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
        await api.aclose()
        await db.close()


async def _beat(db: Database, name: str) -> None:
    """The running bot's leadership heartbeat is the replica's sign of life between scans."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        await replicas_db.heartbeat(db, name, utcnow())
