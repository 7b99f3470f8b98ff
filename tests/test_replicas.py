"""Two replicas of `python -m bot` on one PostgreSQL database, the fakes playing Telegram and
Ozon: one polls and sends, both scan their share; kill -9 the leader and the other takes over
the polling, the sending and its stores, with every alert sent once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from fakes.ozon import FakeOzon
from fakes.postgres import PostgresServer
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of
from tests.helpers.chat import now, say

pytestmark = pytest.mark.e2e
STORES = 4


def replica(name: str, tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon,
            env: dict[str, str]) -> BotProcess:  # fmt: skip
    workdir = tmp_path / name
    workdir.mkdir()
    return BotProcess(workdir, telegram, ozon, REPLICA_ID=name, **env).start()


def posting(number: str) -> dict:
    return FakeOzon.make_posting(number, now() + timedelta(hours=3))


def told(telegram: FakeTelegram, number: str) -> int:
    return sum(f"<b>{number}</b>" in text for text in telegram.texts(USER))


def test_the_leader_killed_mid_run_is_replaced_and_nothing_is_doubled(
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
    assert [told(telegram, f"{c}-000{n}-1") for c in clients for n in (1, 2)] == [1] * 8
    assert telegram.violations == []
    assert ozon.violations == []
    second.stop()
