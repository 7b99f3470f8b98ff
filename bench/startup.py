"""Benchmark 4: `python -m bot` on a big database (stores and a million alert rows) to its first
getUpdates, beside the time to import aiogram as it ships (every Telegram type built at import;
the bot builds them on first use instead, bot/perf/aiogram_types.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Figure
from bot.security.crypto import KeyCipher
from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram
from storage import Database
from storage.db import db_time

BATCH = 100_000


@dataclass(frozen=True)
class StartupResult:
    start_seconds: float
    import_seconds: float
    alerts: int
    figures: list[Figure]


def seed(path: Path, key: str, ozon: FakeOzon, stores: int, alerts: int) -> None:
    """The schema from the migrations (Database.open), then rows by plain executemany."""

    async def migrate() -> None:
        await (await Database.open(path)).close()

    path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(migrate())
    now = db_time(datetime.now(UTC))
    cipher = KeyCipher([key])
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO chats (id, type, timezone, language, created_at) VALUES (?, ?, ?, ?, ?)",
            [(600_000 + i, "private", "UTC", "en", now) for i in range(stores)],
        )
        db.executemany(
            "INSERT INTO stores (id, owner_user_id, client_id, name, api_key_encrypted,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i + 1, 600_000 + i, str(20_000 + i), f"Shop {i}", cipher.seal(i + 1, f"k{i}"), now)
                for i in range(stores)
            ],
        )
        db.executemany(
            "INSERT INTO subscriptions (chat_id, store_id, created_at) VALUES (?, ?, ?)",
            [(600_000 + i, i + 1, now) for i in range(stores)],
        )
        for start in range(0, alerts, BATCH):
            ids = range(start + 1, min(alerts, start + BATCH) + 1)
            db.executemany(
                "INSERT INTO messages (id, chat_id, store_id, kind, stage, telegram_message_id,"
                " created_at, token) VALUES (?, ?, ?, 'alert', 3600, ?, ?, ?)",
                [(n, 600_000 + n % stores, n % stores + 1, n, now, f"t{n}") for n in ids],
            )
            db.executemany(
                "INSERT INTO alerts (id, chat_id, store_id, posting_number, shipment_date,"
                " stage, message_id, created_at) VALUES (?, ?, ?, ?, ?, 3600, ?, ?)",
                [(n, 600_000 + n % stores, n % stores + 1, f"{n}-1-1", now, n, now) for n in ids],
            )
    for i in range(stores):
        ozon.add_store(str(20_000 + i), f"k{i}")


def import_seconds() -> float:
    """A fresh interpreter importing aiogram as it ships, less one doing nothing."""

    def timed(code: str) -> float:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - began

    return timed("import aiogram.types") - timed("pass")


def run(stores: int = 1000, alerts: int = 1_000_000, timeout: float = 60) -> StartupResult:
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTelegram() as telegram,
        FakeOzon() as ozon,
    ):
        process = BotProcess(Path(tmp), telegram, ozon, LOG_LEVEL="WARNING")
        seed(process.database, process.env["ENCRYPTION_KEY"], ozon, stores, alerts)
        began = time.monotonic()
        process.start()
        try:
            telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout)
            first = telegram.calls_to("getUpdates")[0]["at"]
        finally:
            process.kill()
    start = first - began
    baseline = import_seconds()
    figures = [
        Figure("startup", "start to first getUpdates", start, "s", baseline, "<= 2",
               start <= 2),
    ]  # fmt: skip
    return StartupResult(start, baseline, alerts, figures)
