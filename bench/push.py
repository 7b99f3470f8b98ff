"""Benchmark 7, `--only push`: Ozon's push notifications posted to the real bot process at a
steady rate for a minute, its scans of every store running beside them. A tenth are new
postings close to their deadline, each owing one alert; the rest are far from any stage, and
some are sent twice, as Ozon does when an answer was lost. Measured: the receiver's answer time
(Ozon's limit is 5 s; the target a fiftieth of it), the time from a notification to its alert
at the fake Telegram, and what was lost or doubled. Both fakes run in child processes."""

from __future__ import annotations

import asyncio
import secrets
import socket
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.botrun import SeededStore, add_to_ozon, percentile, store_in_bot
from bench.child import FakeChild
from bench.report import Figure
from fakes.leaks import api_keys, telegram_requests
from fakes.ozon import FakeOzon
from fakes.ozon_push import push_message
from fakes.ports import free_port
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram
from storage import Database
from storage import push as push_db
from storage import stores as stores_db

CLOSE_EVERY = 10  # one notification in this many owes an alert
AGAIN_EVERY = 50  # one in this many is sent twice


@dataclass(frozen=True)
class PushResult:
    sent: int
    answers: list[float]  # s, each notification's answer time
    statuses: Counter[int]
    delays: list[float]  # s, notification to its alert at the fake Telegram
    lost: int
    doubled: int
    figures: list[Figure]


# ----- run in the fakes' processes -----


def push_ozon(stores: list[SeededStore], latency: float, rate: int) -> FakeOzon:
    ozon = FakeOzon()
    ozon.latency = latency
    ozon.rate_limit_per_second = rate
    add_to_ozon(ozon, stores)
    return ozon


def add_posting(ozon: FakeOzon, client_id: str, number: str, hours: float) -> None:
    """A posting Ozon has just made: the notification about it goes next."""
    posting = FakeOzon.make_posting(number, datetime.now(UTC) + timedelta(hours=hours))
    with ozon._lock:
        postings = [*ozon._stores[client_id].postings, posting]
    ozon.set_postings(client_id, postings)


def wait_polled(telegram: FakeTelegram, timeout: float) -> None:
    telegram.wait_for(lambda: any(c["method"] == "getUpdates" for c in telegram.sent), timeout)


def alerts_at(telegram: FakeTelegram, numbers: list[str]) -> dict[str, list[float]]:
    """When each posting's alert reached the fake (every time, to count doubles)."""
    wanted = set(numbers)
    found: dict[str, list[float]] = {}
    with telegram._lock:
        for call in telegram.sent:
            if call["method"] != "sendMessage" or call["status"] != 200:
                continue
            text = str(call["params"].get("text", ""))
            if "<b>" in text and (number := text.split("<b>")[2].split("</b>")[0]) in wanted:
                found.setdefault(number, []).append(call["at"])
    return found


# ----- run in the benchmark's process -----


def run(stores: int = 1000, rate: float = 100.0, seconds: float = 60.0, latency: float = 0.05,
        ozon_rate: int = 50) -> PushResult:  # fmt: skip
    seeded = [SeededStore(str(880_000 + i), f"bench-push-key-{i}", [950_000 + i])
              for i in range(stores)]  # fmt: skip
    port = free_port()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeChild(FakeTelegram, keep=[telegram_requests]) as telegram,
        FakeChild(push_ozon, seeded, latency, ozon_rate, keep=[api_keys]) as ozon,
    ):
        # Scans of every store back to back beside the notifications: push healthy or not.
        process = BotProcess(Path(tmp), telegram, ozon, LOG_LEVEL="WARNING",  # type: ignore[arg-type]
                             CHECK_INTERVAL_SECONDS="5", PUSH_POLL_INTERVAL_SECONDS="1",
                             TELEGRAM_GLOBAL_RATE="30",
                             OZON_PUSH_BASE_URL=f"http://127.0.0.1:{port}/ozon",
                             OZON_PUSH_PORT=str(port))  # fmt: skip
        store_in_bot(process, seeded)
        urls = asyncio.run(_tokens(process, f"http://127.0.0.1:{port}/ozon"))
        process.start()
        try:
            _wait_listening(port, 30)
            telegram.run(wait_polled, 30)  # started: sending, scanning
            sent, answers, statuses, close = asyncio.run(
                _load(ozon, urls, rate, seconds)  # type: ignore[arg-type]
            )
            numbers = list(close)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                arrived = telegram.run(alerts_at, numbers)
                if len(arrived) == len(numbers):
                    break
                time.sleep(0.5)
            time.sleep(2)  # a double would come within this
            arrived = telegram.run(alerts_at, numbers)
        finally:
            process.kill()
    delays = [times[0] - close[number] for number, times in arrived.items()]
    lost = len(numbers) - len(arrived)
    doubled = sum(len(times) - 1 for times in arrived.values())
    answered_ms = [a * 1000 for a in answers]
    figures = [
        Figure("push", "answer p99", percentile(answered_ms, 0.99), "ms", 5000.0, "<= 100",
               percentile(answered_ms, 0.99) <= 100),
        Figure("push", "answer p50", percentile(answered_ms, 0.5), "ms", 5000.0),
        Figure("push", "notification to alert p99", percentile(delays, 0.99), "s", None,
               "<= 2", percentile(delays, 0.99) <= 2),
        Figure("push", "notification to alert p50", percentile(delays, 0.5), "s"),
        Figure("push", "notifications answered 200", statuses[200], "notifications", sent,
               "ratio == 1", statuses[200] == sent),
        Figure("push", "lost / doubled alerts", lost + doubled, "alerts", None, "== 0",
               lost + doubled == 0),
    ]  # fmt: skip
    return PushResult(sent, answers, statuses, delays, lost, doubled, figures)


async def _tokens(process: BotProcess, base: str) -> dict[str, str]:
    """Each store's push address, its token written as /stores would."""
    db = await Database.connect(process.env.get("DATABASE_URL"), process.database)
    try:
        urls = {}
        for store in await stores_db.all_stores(db):
            token = secrets.token_urlsafe(24)
            await push_db.set_token(db, store.id, token)
            urls[store.client_id] = f"{base}/{token}"
        return urls
    finally:
        await db.close()


Load = tuple[int, list[float], Counter[int], dict[str, float]]


async def _load(ozon: FakeChild, urls: dict[str, str], rate: float, seconds: float) -> Load:
    """Posts `rate` notifications a second for `seconds`; returns how many, their answer
    times, their statuses, and when each posting owing an alert was notified."""
    clients = sorted(urls)
    answers: list[float] = []
    statuses: Counter[int] = Counter()
    close: dict[str, float] = {}

    async def one(http: httpx.AsyncClient, url: str, body: dict) -> None:
        began = time.monotonic()
        try:
            response = await http.post(url, json=body)
            statuses[response.status_code] += 1
        except httpx.HTTPError:
            statuses[0] += 1
        answers.append(time.monotonic() - began)

    async with httpx.AsyncClient(timeout=10) as http:
        tasks = []
        began = time.monotonic()
        count = int(rate * seconds)
        for i in range(count):
            await asyncio.sleep(max(0.0, began + i / rate - time.monotonic()))
            # Every store in turn, and those owing an alert spread over the chats too.
            client = clients[(i + i // CLOSE_EVERY) % len(clients)]
            number = f"{client}-{i:06d}-1"
            hours = 2 if i % CLOSE_EVERY == 0 else 40
            await asyncio.to_thread(ozon.run, add_posting, client, number, hours)
            body = push_message("TYPE_NEW_POSTING", posting_number=number,
                                seller_id=int(client))  # fmt: skip
            if hours == 2:
                close[number] = time.monotonic()
            tasks.append(asyncio.create_task(one(http, urls[client], body)))
            if i % AGAIN_EVERY == 0:
                tasks.append(asyncio.create_task(one(http, urls[client], body)))
        await asyncio.gather(*tasks)
    return len(tasks), answers, statuses, close


def _wait_listening(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the push receiver did not start listening")
