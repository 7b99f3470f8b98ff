"""Searches everything a bot process left behind for the secrets it was given: its log (at DEBUG),
every request it made to Telegram (texts, buttons, popups, files) and the bytes of its database."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram

MIN_SECRET_LENGTH = 8  # shorter test keys ("x") would match by chance


def _on(fake: Any, function: Callable[[Any], Any]) -> Any:
    """`function(fake)`, where the fake is: here, or in a child process (bench/child.py)."""
    remote = getattr(fake, "run", None)
    return remote(function) if remote is not None else function(fake)


def api_keys(ozon: FakeOzon) -> set[str]:
    return {store.api_key for store in ozon.stores()}


def telegram_requests(telegram: FakeTelegram) -> list[tuple[str, bytes]]:
    """(what, content) of every request made to the fake Telegram and every file sent."""
    found = []
    for call in telegram.sent:
        if call["method"] != "setWebhook":  # where the webhook secret belongs
            found.append((f"a {call['method']} request", json.dumps(call["params"]).encode()))
    for messages in telegram.messages.values():
        for message in messages.values():
            for upload in (message.get("document"), message.get("photo")):
                if isinstance(upload, dict):
                    found.append(("a file sent to Telegram", bytes(upload.get("content", b""))))
    return found


def secrets_of(process: BotProcess) -> set[str]:
    """The API keys the fake Ozon knows, the encryption key, the bot token's secret part, the
    webhook secret and the database password."""
    keys = _on(process.ozon, api_keys)
    keys.add(process.env.get("ENCRYPTION_KEY", ""))
    keys.add(process.env.get("BOT_TOKEN", "").partition(":")[2])
    keys.add(process.env.get("WEBHOOK_SECRET", ""))
    keys.add(urlsplit(process.env.get("DATABASE_URL", "")).password or "")
    return {key for key in keys if len(key) >= MIN_SECRET_LENGTH}


def leaks(process: BotProcess) -> list[str]:
    """Where each secret was found, as 'secret… in place'."""
    places: dict[str, bytearray] = defaultdict(bytearray)
    if process.log_path.exists():
        places["the bot's log"] += process.log_path.read_bytes()
    for place, content in _on(process.telegram, telegram_requests):
        places[place] += content
    for path in process.database.parent.glob(process.database.name + "*"):
        places[f"the database file {path.name}"] += path.read_bytes()
    return [
        f"{secret[:4]}… in {place}"
        for secret in sorted(secrets_of(process))
        for place, content in places.items()
        if secret.encode() in content
    ]
