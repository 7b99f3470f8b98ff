"""The leak search itself finds a secret wherever a bot process may have left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from fakes.leaks import leaks
from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e

SECRET = "canary-3b9f77e0-key"


def test_the_search_finds_a_key_in_the_log_in_telegram_and_in_the_database(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store("9090", SECRET)
    process = BotProcess(tmp_path, telegram, ozon)
    BotProcess.started.remove(process)  # never started: nothing for the after-test search
    assert leaks(process) == []

    process.log_path.write_text(f"DEBUG something key={SECRET}\n")
    telegram.user_message(1, "hello")  # the user's own text is no leak
    process.database.parent.mkdir(parents=True)
    with sqlite3.connect(process.database) as connection:
        connection.execute("CREATE TABLE t (v TEXT)")
        connection.execute("INSERT INTO t VALUES (?)", (f"plain {SECRET}",))
    assert not any("request" in place for place in leaks(process))
    httpx.post(
        f"{telegram.url}/bot{telegram.token}/sendMessage", json={"chat_id": 1, "text": SECRET}
    ).raise_for_status()
    found = leaks(process)
    assert "cana… in the bot's log" in found
    assert "cana… in the database file bot.sqlite3" in found
    assert "cana… in a sendMessage request" in found
