"""The bot on PostgreSQL (DATABASE_URL), as a process: it starts, alerts and acts as on SQLite,
says in one line what is wrong with a database it cannot use, keeps its password out of every
log and message, rides out the server restarting, and takes over a seller's SQLite database
(`migrate-db`)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from fakes.ozon import FakeOzon
from fakes.postgres import PASSWORD, PostgresServer
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess, run_cli
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of
from tests.helpers.chat import now, say

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot_env(postgres: PostgresServer) -> dict[str, str]:
    return {"DATABASE_URL": postgres.database()}


def posting(number: str, hours: float) -> dict:
    return FakeOzon.make_posting(number, now() + timedelta(hours=hours))


def test_the_bot_runs_on_postgresql_and_survives_its_restart(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon, postgres: PostgresServer
) -> None:
    ozon.set_postings(CLIENT_ID, [posting("9100-0001-1", 3)])
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: alert_of(telegram, "9100-0001-1"), timeout=20)
    assert not bot.database.exists()  # nothing went to SQLite

    postgres.restart()
    ozon.set_postings(CLIENT_ID, [posting("9100-0001-1", 3), posting("9100-0002-1", 3)])
    telegram.wait_for(lambda: alert_of(telegram, "9100-0002-1"), timeout=30)
    say(telegram, "/stores", "Romashka")
    assert bot.running


def settings_env(tmp_path: Path, url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("OZON_", "BOT_", "TELEGRAM_", "DATABASE_"))}  # fmt: skip
    return clean | {"BOT_TOKEN": "123456:ABC-DEF", "DATABASE_URL": url,
                    "ENCRYPTION_KEY": Fernet.generate_key().decode(),
                    "DATABASE_PATH": str(tmp_path / "bot.sqlite3")}  # fmt: skip


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ("postgresql://bot:not-the-password@127.0.0.1:{port}/postgres", "refused the login"),
        ("postgresql://bot:{password}@127.0.0.1:9/postgres", "cannot be reached"),
        ("postgresql://bot:{password}@127.0.0.1:{port}/no_such_db", "no such database"),
        ("postgresql://bot:{password}@127.0.0.1:port/postgres", "not a usable"),
        ("mysql://bot:{password}@127.0.0.1/postgres", "DATABASE_URL is invalid"),
    ],
)
def test_a_database_the_bot_cannot_use_is_one_line_without_its_password(
    tmp_path: Path, postgres: PostgresServer, wrong: str, said: str
) -> None:
    url = wrong.format(port=postgres.port, password=PASSWORD)
    result = run_cli(env=settings_env(tmp_path, url), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert "not-the-password" not in result.stderr


def test_a_seller_moves_from_sqlite_to_postgresql_and_no_chat_is_alerted_twice(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, postgres: PostgresServer
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [posting("9300-0001-1", 3)])
    key = Fernet.generate_key().decode()
    on_sqlite = BotProcess(tmp_path, telegram, ozon, ENCRYPTION_KEY=key).start()
    telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: alert_of(telegram, "9300-0001-1"), timeout=20)
    assert on_sqlite.stop() == 0

    url = postgres.database()
    env = {**on_sqlite.env}
    moved = run_cli("migrate-db", "--to", url, env=env, cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "the counts match" in moved.stdout and "stores: 1 rows" in moved.stdout
    assert PASSWORD not in moved.stdout + moved.stderr
    again = run_cli("migrate-db", "--to", url, env=env, cwd=tmp_path)
    assert again.returncode == 2 and "is not empty" in again.stderr

    ozon.set_postings(CLIENT_ID, [posting("9300-0001-1", 3), posting("9300-0002-1", 3)])
    on_postgresql = BotProcess(tmp_path, telegram, ozon, ENCRYPTION_KEY=key, DATABASE_URL=url)
    on_postgresql.start()
    telegram.wait_for(lambda: alert_of(telegram, "9300-0002-1"), timeout=30)
    say(telegram, "/stores", "Romashka")  # the key, still encrypted with the same key, reads
    told = [t for t in telegram.texts(USER) if "<b>9300-0001-1</b>" in t]
    assert len(told) == 1  # alerted on SQLite, not again on PostgreSQL
    on_postgresql.stop()
