"""Webhook mode of the real bot process: Telegram posts updates, a secret guards the door."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.ports import free_port
from fakes.process import USER, BotProcess, run_cli
from fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e

SECRET = "wh_Secret-7f3a9c0d2b"
START_TEXT = "I watch your Ozon FBS and rFBS postings"
HELP_TEXT = "<b>Commands</b>"


def test_webhook_mode_answers_only_updates_with_the_secret(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/webhook"
    process = BotProcess(
        tmp_path,
        telegram,
        ozon,
        WEBHOOK_URL=url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
    ).start()
    try:
        telegram.wait_for(lambda: telegram.calls_to("setWebhook"), timeout=20)
        (call,) = telegram.calls_to("setWebhook")
        assert call["status"] == 200
        params = call["params"]
        assert params["url"] == url
        assert params["secret_token"] == SECRET
        assert params["drop_pending_updates"] is False
        assert {"message", "callback_query"} <= set(params["allowed_updates"])

        # Someone who found the URL but lacks the secret is turned away unheard.
        for wrong in ("not-the-secret", None):
            refused = telegram.message_update(USER, "/help")
            assert telegram.deliver_via_webhook(refused, wrong) == 401

        answered = telegram.message_update(USER, "/start")
        assert telegram.deliver_via_webhook(answered, SECRET) == 200
        telegram.wait_for(lambda: any(START_TEXT in text for text in telegram.texts(USER)))
        texts = telegram.texts(USER)
        assert len(texts) == 1 and not any(HELP_TEXT in text for text in texts), texts
        assert telegram.calls_to("getUpdates") == []

        assert process.stop() == 0
    finally:
        process.kill()
    logs = process.logs()
    assert "stopped" in logs
    assert SECRET not in logs
    assert telegram.violations == []
    assert ozon.violations == []


def test_half_a_webhook_configuration_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WEBHOOK_")}
    env |= {
        "BOT_TOKEN": "1:x",
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "WEBHOOK_URL": "https://bot.example.com/tg/webhook",
    }
    result = run_cli(env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "WEBHOOK_SECRET" in lines[0], result.stderr
