"""Benchmark 1 on a fleet (`--database postgresql --replicas N`): the steady scan of every store
by N replicas of the bot's Scanner, each in a process of its own, sharing the stores through
the database as running replicas do (bench/replica.py), beside the bare-httpx floor at the
replicas' concurrency. Then one replica is killed (SIGKILL), and the first scan of its stores
by the survivors that take them over is measured against the floor too."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from bench.child import FakeChild
from bench.replica import ReplicaSetup, ScanReport, serve
from bench.report import Figure
from bench.scan import LEAD_TIMES, ROUNDS, Cost, run_floor, seed
from bench.scan_ozon import seeded_ozon
from bot.security.crypto import KeyCipher
from bot.watch.scanner import STORE_CONCURRENCY
from bot.watch.shares import SHORTEST_LEASE
from fakes.postgres import PostgresServer
from storage import Database

CHECK_INTERVAL = 120.0  # CHECK_INTERVAL_SECONDS's default: a steady scan must fit in it


@dataclass(frozen=True)
class Round:
    wall: float  # from the word go to the last replica's answer
    reports: list[ScanReport]  # per replica, in the replicas' order

    @property
    def cpu(self) -> float:
        return sum(report.cpu for report in self.reports)


@dataclass(frozen=True)
class FleetScan:
    replicas: int
    engine: str
    postings: int  # stored after the first scan
    owned: int  # stores owned by the replicas after the first scan (each by one)
    fresh: Round
    steady: Cost  # medians of the rounds, CPU summed over the replicas
    database_cpu: float  # the PostgreSQL server's CPU over the steady rounds (median)
    floor: Cost
    takeover: Round | None  # the survivors' first scan after a replica was killed
    taken_stores: int  # the killed replica's stores
    takeover_cpu: float  # the takeover round's CPU less what the survivors' own stores cost


class Fleet:
    """N replica processes, told to scan together."""

    def __init__(self, setups: Sequence[ReplicaSetup]):
        context = multiprocessing.get_context("spawn")
        self._conns = []
        self.processes = []
        for setup in setups:
            mine, theirs = context.Pipe()
            process = context.Process(target=serve, args=(theirs, setup), daemon=True)
            process.start()
            self._conns.append(mine)
            self.processes.append(process)
        for conn in self._conns:
            assert conn.recv() == "ready"

    def scan(self) -> Round:
        began = time.perf_counter()
        for conn in self._conns:
            conn.send("scan")
        reports = [conn.recv() for conn in self._conns]
        return Round(time.perf_counter() - began, reports)

    def kill_last(self) -> None:
        """SIGKILL to the last replica, between scans: its stores wait for its lease to run out."""
        self.processes.pop().kill()
        self._conns.pop()

    def stop(self) -> None:
        for conn in self._conns:
            conn.send("stop")
        for process in self.processes:
            process.join(30)


def database_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on the machine (the benchmark's own)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)
            if fields[0].endswith("(postgres"):
                values = fields[1].split()
                total += int(values[11]) + int(values[12])  # utime, stime
    return total / ticks


@contextlib.contextmanager
def database(engine: str) -> Iterator[str | None]:
    if engine == "sqlite":
        yield None
        return
    server = PostgresServer().start()
    try:
        yield server.database()
    finally:
        server.stop()


def measure(url: str | None, path: Path, ozon_url: str, key: str, stores: int,
            replicas: int, lease: float) -> FleetScan:  # fmt: skip
    fleet = Fleet([
        ReplicaSetup(f"replica-{n}", url, path, ozon_url, key, lease, LEAD_TIMES)
        for n in range(replicas)
    ])  # fmt: skip
    try:
        fresh = fleet.scan()
        steadies, floors, database_cpus = [], [], []
        for _ in range(ROUNDS):
            spent = database_cpu()
            steadies.append(fleet.scan())
            database_cpus.append(database_cpu() - spent)
            wall, cpu = time.perf_counter(), time.process_time()
            asyncio.run(run_floor(ozon_url, stores, STORE_CONCURRENCY * replicas))
            floors.append(Cost(time.perf_counter() - wall, time.process_time() - cpu))
        takeover, taken, takeover_cpu = None, 0, 0.0
        if replicas > 1:
            taken = steadies[-1].reports[-1].stores
            fleet.kill_last()
            time.sleep(lease + 2)  # its lease runs out
            takeover = fleet.scan()
            own = sum(
                statistics.median(r.reports[n].cpu for r in steadies) for n in range(replicas - 1)
            )
            takeover_cpu = takeover.cpu - own
        fleet.stop()
    finally:
        for process in fleet.processes:
            process.kill()
    stored = asyncio.run(_count(url, path))
    return FleetScan(
        replicas, "sqlite" if url is None else "postgresql", stored,
        sum(report.stores for report in fresh.reports) if url else stores, fresh,
        Cost.median([Cost(r.wall, r.cpu) for r in steadies]),
        statistics.median(database_cpus), Cost.median(floors), takeover, taken, takeover_cpu,
    )  # fmt: skip


async def _count(url: str | None, path: Path) -> int:
    db = await Database.connect(url, path)
    try:
        return int(await db.fetch_value("SELECT COUNT(*) FROM postings"))
    finally:
        await db.close()


def run(stores: int, postings: int, latency: float, rate_limit: int | None, engine: str,
        replicas: int, lease: float = SHORTEST_LEASE.total_seconds(),
        ) -> tuple[FleetScan, list[Figure]]:  # fmt: skip
    """`lease`: the replicas' (the bot's shortest by default; its own is half an interval)."""
    key = Fernet.generate_key().decode()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeChild(seeded_ozon, stores, postings, latency, rate_limit) as ozon,
        database(engine) as url,
    ):
        path = Path(tmp) / "bot.sqlite3"
        asyncio.run(seed(url, path, KeyCipher([key]), stores))
        result = measure(url, path, ozon.url, key, stores, replicas, lease)
    return result, figures(result, stores, postings)


def figures(result: FleetScan, stores: int, postings: int) -> list[Figure]:
    total = stores * postings
    per_10k = 10_000 / max(total, 1)
    steady, floor, fresh = result.steady, result.floor, result.fresh
    name = f"{result.replicas} replicas, {result.engine}"
    found = [
        Figure("scan", f"{name}: steady wall", steady.wall, "s", CHECK_INTERVAL,
               "<= 120 s", steady.wall <= CHECK_INTERVAL),
        Figure("scan", f"{name}: steady wall against the floor", steady.wall, "s", floor.wall),
        Figure("scan", f"{name}: steady cpu per 10k postings", steady.cpu * per_10k, "s",
               floor.cpu * per_10k, "ratio <= 1.5", steady.cpu <= 1.5 * floor.cpu),
        Figure("scan", f"{name}: fresh database: wall", fresh.wall, "s", floor.wall),
        Figure("scan", f"{name}: fresh database: cpu per 10k", fresh.cpu * per_10k, "s",
               floor.cpu * per_10k),
        Figure("scan", f"{name}: postings stored", result.postings, "postings", total,
               "ratio == 1", result.postings == total),
        Figure("scan", f"{name}: stores owned after the first scan", result.owned, "stores",
               stores, "ratio == 1", result.owned == stores),
    ]  # fmt: skip
    if result.engine == "postgresql":
        found.append(Figure("scan", f"{name}: database server cpu per 10k (steady)",
                            result.database_cpu * per_10k, "s", floor.cpu * per_10k))  # fmt: skip
    if result.takeover is not None and result.taken_stores:
        taken_10k = 10_000 / (result.taken_stores * postings)
        found += [
            Figure("scan", f"{name}: takeover of {result.taken_stores} stores: cpu per 10k",
                   result.takeover_cpu * taken_10k, "s", floor.cpu * per_10k, "ratio <= 2",
                   result.takeover_cpu * taken_10k <= 2 * floor.cpu * per_10k),
            Figure("scan", f"{name}: takeover round: wall", result.takeover.wall, "s",
                   floor.wall),
        ]  # fmt: skip
    return found
