"""Benchmark 1: full scans by the real Scanner against N stores × M postings, beside a "floor"
(the same pages fetched and decoded by a bare httpx loop at the same concurrency). The target is
on the scan a running bot makes every interval; the first scan of a fresh database and the first
after a restart are reported beside it. The steady scan and the floor take turns, a few rounds,
and each is reported by its median: this machine's speed drifts by a fifth within minutes, and
one of each, a minute apart, measured the drift as much as the bot."""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import httpx
from cryptography.fernet import Fernet

from bench.child import FakeChild
from bench.report import Figure
from bench.scan_ozon import answer_statuses, api_key, client_id, seeded_ozon
from bot.core.deadlines import watch_window
from bot.ozon import OzonApi
from bot.ozon.transport import PAGE_SIZE, wire_time
from bot.perf.heap import tune_garbage_collection
from bot.security.crypto import KeyCipher
from bot.services.sellers import Sellers
from bot.watch.scanner import STORE_CONCURRENCY, Scanner
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db

LEAD_TIMES = (86400, 14400, 3600)  # bot/config.py's default
PATH = "/v4/posting/fbs/unfulfilled/list"
ROUNDS = 3  # of the floor and the steady scan, in turn
T = TypeVar("T")


@dataclass(frozen=True)
class Cost:
    wall: float
    cpu: float

    @classmethod
    def median(cls, costs: list[Cost]) -> Cost:
        walls, cpus = [cost.wall for cost in costs], [cost.cpu for cost in costs]
        return cls(statistics.median(walls), statistics.median(cpus))


@dataclass(frozen=True)
class Scans:
    postings: int  # the postings the scanner stored
    fresh: Cost  # the first scan of a fresh database: every posting stored, every alert created
    steady: Cost  # the next scans by the same scanner: what a running bot does every interval
    restart: Cost  # the first scan of a new scanner on that database: every page read again
    rss_mb: float  # the process's peak after the fresh and steady scans
    floor: Cost  # the floor, in turn with the steady scans
    floor_postings: int  # the fewest postings a floor round decoded


@dataclass(frozen=True)
class ScanResult:
    scans: Scans
    ozon_statuses: dict[str, int]
    figures: list[Figure]


async def seed(url: str | None, path: Path, cipher: KeyCipher, stores: int) -> None:
    """Stores and their owners' chats, written with the storage functions in one transaction
    (on PostgreSQL at `url`, or SQLite at `path`)."""
    db = await Database.connect(url, path)
    now = datetime.now(UTC)
    async with db.transaction():
        for index in range(stores):
            owner = 100_000 + index
            await chats_db.ensure_chat(db, owner, "private", "Europe/Moscow", "ru", now)
            store_id = await stores_db.save_store(
                db, owner_user_id=owner, client_id=client_id(index), name=f"Shop {index}",
                seal=lambda sid, i=index: cipher.seal(sid, api_key(i)), missing_methods=[],
                key_expires_at=None, now=now,
            )  # fmt: skip
            await stores_db.subscribe(db, owner, store_id, None, now)
    await db.close()


async def run_scans(url: str, path: Path, cipher: KeyCipher, stores: int) -> Scans:
    db = await Database.open(path)
    api = OzonApi(url)
    tune_garbage_collection()  # as the bot does once it has started

    async def timed(scan: Callable[[], Awaitable[T]]) -> tuple[T, Cost]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = await scan()
        return result, Cost(time.perf_counter() - wall, time.process_time() - cpu)

    try:
        running = Scanner(db, Sellers(api, cipher), LEAD_TIMES)
        _, fresh = await timed(running.scan_all)
        floor_seen: list[int] = []
        floors: list[Cost] = []
        steadies: list[Cost] = []
        rss_mb = 0.0
        for _ in range(ROUNDS):
            steadies.append((await timed(running.scan_all))[1])
            if not floors:
                # A running bot's peak: read before the floor's pages and client are in the
                # process (and the restart below is another bot process).
                rss_mb = peak_rss_mb()
            seen, floor = await timed(lambda: run_floor(url, stores))
            floor_seen.append(seen)
            floors.append(floor)
        del running
        _, restart = await timed(Scanner(db, Sellers(api, cipher), LEAD_TIMES).scan_all)
        stored = int(await db.fetch_value("SELECT COUNT(*) FROM postings"))
        return Scans(stored, fresh, Cost.median(steadies), restart, rss_mb, Cost.median(floors),
                     min(floor_seen))  # fmt: skip
    finally:
        await api.aclose()
        await db.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_floor(url: str, stores: int, concurrency: int = STORE_CONCURRENCY) -> int:
    """The least any scan must do: every page, in sequence per store, `concurrency` stores
    (a scanner's 8) at a time."""
    cutoff_from, cutoff_to = watch_window(datetime.now(UTC), LEAD_TIMES)
    body = {
        "filter": {"cutoff_from": wire_time(cutoff_from), "cutoff_to": wire_time(cutoff_to)},
        "sort_dir": "ASC",
        "limit": PAGE_SIZE,
    }
    limit = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)  # as OzonApi's

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:

        async def one(index: int) -> int:
            headers = {"Client-Id": client_id(index), "Api-Key": api_key(index)}
            seen, cursor = 0, ""
            async with limit:
                while True:
                    request = body | ({"cursor": cursor} if cursor else {})
                    response = await http.post(PATH, json=request, headers=headers)
                    response.raise_for_status()
                    page = response.json()
                    seen += len(page["postings"])
                    if not page["has_next"]:
                        return seen
                    cursor = page["cursor"]

        return sum(await asyncio.gather(*(one(i) for i in range(stores))))


def run(
    stores: int, postings: int, latency: float = 0.05, rate_limit: int | None = 50
) -> ScanResult:
    # Importing the bot (aiogram.types above all) is most of the RSS: the baseline.
    rss_imports_mb = peak_rss_mb()
    cipher = KeyCipher([Fernet.generate_key().decode()])
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeChild(seeded_ozon, stores, postings, latency, rate_limit) as ozon,
    ):
        path = Path(tmp) / "bot.sqlite3"
        asyncio.run(seed(None, path, cipher, stores))
        scans = asyncio.run(run_scans(ozon.url, path, cipher, stores))
        statuses = ozon.run(answer_statuses)
    rss_mb = scans.rss_mb
    total = max(stores * postings, 1)
    per_10k = 10_000 / total
    steady, fresh, restart, floor = scans.steady, scans.fresh, scans.restart, scans.floor
    figures = [
        Figure("scan", "wall", steady.wall, "s", floor.wall, "ratio <= 1.2",
               steady.wall <= 1.2 * floor.wall),
        Figure("scan", "cpu per 10k postings", steady.cpu * per_10k, "s", floor.cpu * per_10k,
               "ratio <= 1.5", steady.cpu <= 1.5 * floor.cpu),
        Figure("scan", "fresh database: wall", fresh.wall, "s", floor.wall),
        Figure("scan", "fresh database: cpu per 10k", fresh.cpu * per_10k, "s",
               floor.cpu * per_10k),
        Figure("scan", "after a restart: wall", restart.wall, "s", floor.wall),
        Figure("scan", "after a restart: cpu per 10k", restart.cpu * per_10k, "s",
               floor.cpu * per_10k),
        Figure("scan", "peak rss", rss_mb, "MB", rss_imports_mb, "<= 200", rss_mb <= 200),
        Figure("scan", "postings scanned", scans.postings, "postings", total, "ratio == 1",
               scans.postings == total),
    ]  # fmt: skip
    return ScanResult(scans, statuses, figures)
