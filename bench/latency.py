"""Benchmark 5: postings crossing their last stage at random instants while the real bot scans
every few seconds; the time from each crossing to its alert reaching the fake Telegram."""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.botrun import SeededStore, mono_to_wall, percentile, seed_stores
from bench.report import Figure
from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram

LEAD = timedelta(hours=1)  # the only lead time: a posting is silent until it crosses it
MARGIN = timedelta(seconds=3)  # after the bot is up, before the first crossing


@dataclass(frozen=True)
class LatencyResult:
    postings: int
    alerted: int
    latencies: list[float]
    figures: list[Figure]


def run(postings: int = 20, intervals: int = 10, interval: int = 2, seed: int = 1) -> LatencyResult:
    """One store and one chat per posting, so neither grouping nor the 1 msg/s per chat pacing
    adds to a posting's latency."""
    rng = random.Random(seed)
    stores = [SeededStore(str(30_000 + i), f"lat-{i}", [700_000 + i]) for i in range(postings)]
    span = intervals * interval
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTelegram() as telegram,
        FakeOzon() as ozon,
    ):
        process = BotProcess(
            Path(tmp), telegram, ozon, LOG_LEVEL="WARNING", ALERT_LEAD_TIMES="1h",
            CHECK_INTERVAL_SECONDS=str(interval),
        )  # fmt: skip
        seed_stores(process, ozon, stores)
        for store in stores:
            ozon.set_postings(store.client_id, [])
        process.start()
        try:
            telegram.wait_for(lambda: telegram.calls_to("getUpdates"), 30)
            start = datetime.now(UTC) + MARGIN
            crossings = {
                store.chats[0]: start + timedelta(seconds=rng.uniform(0, span)) for store in stores
            }
            for store in stores:
                crossing = crossings[store.chats[0]]
                posting = FakeOzon.make_posting(f"{store.client_id}-0001-1", crossing + LEAD)
                ozon.set_postings(store.client_id, [posting])
            time.sleep((start - datetime.now(UTC)).total_seconds() + span)
            telegram.wait_for(lambda: len(_first_alerts(telegram)) >= postings, 3 * interval + 10)
            arrivals = _first_alerts(telegram)
        finally:
            process.kill()
    latencies = [
        (mono_to_wall(at) - crossings[chat]).total_seconds() for chat, at in arrivals.items()
    ]
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    budget = interval + 2
    figures = [
        Figure("latency", "crossing to alert p50", p50, "s", interval),
        Figure("latency", "crossing to alert p99", p99, "s", budget, f"<= {budget}",
               p99 <= budget),
        Figure("latency", "missed alerts", postings - len(latencies), "alerts", None, "== 0",
               len(latencies) == postings),
    ]  # fmt: skip
    return LatencyResult(postings, len(latencies), latencies, figures)


def _first_alerts(telegram: FakeTelegram) -> dict[int, float]:
    """Chat -> arrival (monotonic) of the first accepted alert there."""
    first: dict[int, float] = {}
    for call in telegram.calls_to("sendMessage"):
        if call["status"] == 200 and call["params"]["text"].startswith(("⏰", "🔴")):
            first.setdefault(int(call["params"]["chat_id"]), call["at"])
    return first
