"""Replicas of `python -m bot` on one PostgreSQL database, the fakes playing Telegram and Ozon:
one polls and sends, all scan their share; kill -9 the leader and another takes over the
polling, the sending and its stores, with every alert sent once."""

from __future__ import annotations

import bisect
import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bench.botrun import SeededStore, seed_stores
from fakes.ozon import FakeOzon
from fakes.postgres import PostgresServer
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of
from tests.helpers.chat import now, say

pytestmark = pytest.mark.e2e
STORES = 4


def replica(name: str, tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon,
            env: dict[str, str], *, start: bool = True) -> BotProcess:  # fmt: skip
    workdir = tmp_path / name
    workdir.mkdir()
    process = BotProcess(workdir, telegram, ozon, REPLICA_ID=name, **env)
    return process.start() if start else process


def posting(number: str) -> dict:
    return FakeOzon.make_posting(number, now() + timedelta(hours=3))


def told(telegram: FakeTelegram, number: str) -> int:
    return sum(f"<b>{number}</b>" in text for text in telegram.texts(USER))


def test_the_leader_killed_mid_run_is_replaced_and_nothing_is_lost(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, postgres: PostgresServer
) -> None:
    env = {"DATABASE_URL": postgres.database(), "ENCRYPTION_KEY": Fernet.generate_key().decode()}
    clients = [f"{CLIENT_ID}{n}" for n in range(STORES)]
    for client in clients:
        ozon.add_store(client, API_KEY, name=f"Shop {client}")
        ozon.set_postings(client, [posting(f"{client}-0001-1")])
    first = replica("a", tmp_path, telegram, ozon, env)
    telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
    second = replica("b", tmp_path, telegram, ozon, env)
    for client in clients:
        say(telegram, f"/connect {client} {API_KEY}", "Connected")
    telegram.wait_for(lambda: all(alert_of(telegram, f"{c}-0001-1") for c in clients), 30)

    first.kill()  # the leader, polling and sending, mid-run
    for client in clients:
        ozon.set_postings(client, [posting(f"{client}-0001-1"), posting(f"{client}-0002-1")])
    telegram.wait_for(lambda: all(alert_of(telegram, f"{c}-0002-1") for c in clients), 60)
    say(telegram, "/stores", "Shop")  # the survivor polls now
    assert second.running
    # Each once; at most one twice: a message Telegram accepted just before the kill, which
    # the leader had no time to mark sent (the outbox's one possible duplicate).
    counts = [told(telegram, f"{c}-000{n}-1") for c in clients for n in (1, 2)]
    assert min(counts) == 1 and sum(counts) <= len(counts) + 1
    assert telegram.violations == []
    assert ozon.violations == []
    second.stop()


def test_three_replicas_lose_nothing_when_two_die_and_the_server_restarts(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, postgres: PostgresServer
) -> None:
    """300 stores, each alerting its own chat, on 3 replicas; the leader is killed while it
    sends, another while it scans, then PostgreSQL restarts: every alert owed arrives, and at
    most one twice (one Telegram accepted just before a kill)."""
    env = {"DATABASE_URL": postgres.database(), "ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "CHECK_INTERVAL_SECONDS": "2",
           # 300 alerts take 25 s to send: the replicas have taken their shares long before.
           "TELEGRAM_GLOBAL_RATE": "12"}  # fmt: skip
    stores = [SeededStore(f"77{n:04d}", f"key-77{n:04d}", [700_000 + n]) for n in range(300)]
    replicas = [replica(name, tmp_path, telegram, ozon, env, start=False) for name in "abc"]
    seed_stores(replicas[0], ozon, stores)
    for store in stores:
        ozon.set_postings(store.client_id, [posting(f"{store.client_id}-1")])
    leader, scanning, survivor = replicas
    leader.start()  # the first to start leads: the only one to poll
    telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
    scanning.start()
    survivor.start()
    # The leader lets go of a share for each replica that joined.
    telegram.wait_for(lambda: all("took" in p.logs() for p in replicas), timeout=30)
    assert len(alerts_sent(telegram)) < len(stores)  # the outbox is still draining

    leader.kill()  # mid-send: the outbox is still draining
    scanning.kill()  # mid-scan: every replica scans its share each 2 s
    postgres.restart()
    for store in stores[:100]:  # new work after the failover
        ozon.set_postings(store.client_id, [posting(f"{store.client_id}-1"),
                                            posting(f"{store.client_id}-2")])  # fmt: skip
    owed = {f"{s.client_id}-1" for s in stores} | {f"{s.client_id}-2" for s in stores[:100]}
    telegram.wait_for(lambda: owed <= set(alerts_sent(telegram)), timeout=120)
    sent = alerts_sent(telegram)
    assert len(sent) - len(set(sent)) <= 1
    # Telegram's limits held for the fleet: 30 messages a second overall (12 asked for), one a
    # second a chat.
    stamps = sorted(call["at"] for call in telegram.calls_to("sendMessage"))
    assert max(bisect.bisect_left(stamps, at + 1.0) - i for i, at in enumerate(stamps)) <= 30
    assert [b for s in stores for b in telegram.limit_breaches(s.chats[0], slack=0.05)] == []
    assert survivor.running
    assert telegram.violations == [] and ozon.violations == []
    survivor.stop()


def alerts_sent(telegram: FakeTelegram) -> list[str]:
    """The posting number of each alert sent (sendMessage), repeats included."""
    return [
        number
        for call in telegram.calls_to("sendMessage")
        if call["status"] == 200
        for number in re.findall(r"<b>(77\d{4}-\d)</b>", call["params"].get("text", ""))
    ]
