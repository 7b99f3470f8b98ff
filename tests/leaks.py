"""Searches everything a bot process left behind for the secrets it was given: its log (at DEBUG),
every request it made to Telegram (texts, buttons, popups, files) and the bytes of its database."""

from __future__ import annotations

import json
from collections import defaultdict

from tests.botproc import BotProcess

MIN_SECRET_LENGTH = 8  # shorter test keys ("x") would match by chance


def secrets_of(process: BotProcess) -> set[str]:
    """The API keys the fake Ozon knows, the encryption key, the bot token's secret part and
    the webhook secret."""
    keys = {store.api_key for store in process.ozon.stores()}
    keys.add(process.env.get("ENCRYPTION_KEY", ""))
    keys.add(process.env.get("BOT_TOKEN", "").partition(":")[2])
    keys.add(process.env.get("WEBHOOK_SECRET", ""))
    return {key for key in keys if len(key) >= MIN_SECRET_LENGTH}


def leaks(process: BotProcess) -> list[str]:
    """Where each secret was found, as 'secret… in place'."""
    places: dict[str, bytearray] = defaultdict(bytearray)
    if process.log_path.exists():
        places["the bot's log"] += process.log_path.read_bytes()
    for call in process.telegram.sent:
        if call["method"] != "setWebhook":  # where the webhook secret belongs
            places[f"a {call['method']} request"] += json.dumps(call["params"]).encode()
    for messages in process.telegram.messages.values():
        for message in messages.values():
            for upload in (message.get("document"), message.get("photo")):
                if isinstance(upload, dict):
                    places["a file sent to Telegram"] += bytes(upload.get("content", b""))
    for path in process.database.parent.glob(process.database.name + "*"):
        places[f"the database file {path.name}"] += path.read_bytes()
    return [
        f"{secret[:4]}… in {place}"
        for secret in sorted(secrets_of(process))
        for place, content in places.items()
        if secret.encode() in content
    ]
