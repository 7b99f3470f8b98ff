"""Benchmark 6, `--only fleet`: replicas of `python -m bot` on one PostgreSQL database (a server
the benchmark starts), the fakes playing Telegram and Ozon. An outbox of alerts is drained by
the fleet while every replica runs: the rate against TELEGRAM_GLOBAL_RATE and Telegram's limits
are checked on the fake's log. Then the leader is killed (SIGKILL): how long until another
replica polls Telegram, and until every store the dead one scanned is asked of Ozon again."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from bench.botrun import SeededStore, seed_stores
from bench.report import Figure
from bench.send import SendResult, analyse, chat_ids, seed_outbox
from bot.services.leadership import LEADER
from fakes.ozon import FakeOzon
from fakes.postgres import PostgresServer
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram
from storage import Database

API_KEY = "fleet-key"
UNFULFILLED = "/v4/posting/fbs/unfulfilled/list"


@dataclass(frozen=True)
class FleetResult:
    sends: SendResult
    poller_moved: float  # s from the kill to the first getUpdates after it
    stores_taken: float  # s from the kill to the last of its stores asked of Ozon again
    taken: int  # the stores the killed leader scanned
    interval: int
    figures: list[Figure]


def run(alerts: int, chats: int, rate: float, replicas: int = 3, stores: int = 30,
        interval: int = 20, *, failover: bool = True) -> FleetResult:  # fmt: skip
    """`failover`: kill the leader after the sends and time the takeover (tests/test_replicas.py
    proves the takeover itself; a tiny run checks the sends only)."""
    server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as telegram, FakeOzon() as ozon:
            url = server.database()
            env = {"DATABASE_URL": url, "ENCRYPTION_KEY": Fernet.generate_key().decode(),
                   "TELEGRAM_GLOBAL_RATE": str(rate), "CHECK_INTERVAL_SECONDS": str(interval),
                   "LOG_LEVEL": "INFO"}  # fmt: skip
            fleet = []
            for n in range(replicas):
                (Path(tmp) / f"replica-{n}").mkdir()
                fleet.append(BotProcess(Path(tmp) / f"replica-{n}", telegram, ozon,
                                        REPLICA_ID=f"replica-{n}", **env))  # fmt: skip
            seeded = [SeededStore(str(30_000 + n), API_KEY, [600_000 + n]) for n in range(stores)]
            seed_stores(fleet[0], ozon, seeded)
            asyncio.run(_seed(url, alerts, chats))
            try:
                return _measure(fleet, telegram, ozon, url, alerts, rate, interval, failover)
            finally:
                for process in fleet:
                    process.kill()
    finally:
        server.stop()


def _measure(fleet: list[BotProcess], telegram: FakeTelegram, ozon: FakeOzon, url: str,
             alerts: int, rate: float, interval: int, failover: bool) -> FleetResult:  # fmt: skip
    for process in fleet:
        process.start()
    # Long enough for everything at 90 % of the rate and the groups' per-minute limit, twice.
    telegram.wait_for(lambda: _delivered(telegram) >= alerts, 2 * alerts / rate + 120)
    sends = analyse(telegram, alerts, rate, "fleet")
    if not failover:
        return FleetResult(sends, 0.0, 0.0, 0, interval, sends.figures)
    leader, owned = asyncio.run(_leader_and_its_stores(url))
    killed = time.monotonic()
    next(p for p in fleet if p.env["REPLICA_ID"] == leader).kill()
    telegram.wait_for(lambda: _polled_since(telegram, killed) is not None, 60)
    ozon.wait_for(lambda: _all_asked_since(ozon, owned, killed) is not None, 4 * interval + 60)
    moved = (_polled_since(telegram, killed) or killed) - killed
    taken = (_all_asked_since(ozon, owned, killed) or killed) - killed
    figures = [
        *sends.figures,
        Figure("fleet", "the poller moves after a kill -9", moved, "s", 10.0, "<= 10 s",
               moved <= 10),
        Figure("fleet", f"its {len(owned)} stores scanned again", taken, "s",
               float(interval), "ratio <= 2", taken <= 2 * interval),
    ]  # fmt: skip
    return FleetResult(sends, moved, taken, len(owned), interval, figures)


async def _seed(url: str, alerts: int, chats: int) -> None:
    db = await Database.connect(url, Path("unused"))
    try:
        await seed_outbox(db, alerts, chat_ids(chats))
    finally:
        await db.close()


async def _leader_and_its_stores(url: str) -> tuple[str, set[str]]:
    db = await Database.connect(url, Path("unused"))
    try:
        leader = await db.fetch_value("SELECT replica FROM role_owners WHERE role = ?", (LEADER,))
        rows = await db.fetch_all(
            "SELECT s.client_id FROM store_owners o JOIN stores s ON s.id = o.store_id"
            " WHERE o.replica = ?",
            (leader,),
        )
        return str(leader), {row["client_id"] for row in rows}
    finally:
        await db.close()


def _delivered(telegram: FakeTelegram) -> int:
    return len({
        call["params"]["text"]
        for call in telegram.sent
        if call["method"] == "sendMessage" and call["status"] == 200
        and str(call["params"].get("text", "")).startswith("alert ")
    })  # fmt: skip


def _polled_since(telegram: FakeTelegram, moment: float) -> float | None:
    return next(
        (c["at"] for c in telegram.sent if c["method"] == "getUpdates" and c["at"] > moment),
        None,
    )


def _all_asked_since(ozon: FakeOzon, clients: set[str], moment: float) -> float | None:
    """When the last of `clients` was first asked for its unfulfilled list after `moment`."""
    first: dict[str, float] = {}
    for call in ozon.calls:
        if call["path"] == UNFULFILLED and call["at"] > moment and call["client_id"] in clients:
            first.setdefault(call["client_id"], call["at"])
    return max(first.values()) if len(first) == len(clients) else None
