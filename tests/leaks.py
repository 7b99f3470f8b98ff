"""Searches everything a bot process left behind for the secrets it was given: its log (at DEBUG),
every request it made to Telegram (texts, buttons, popups, files) and the bytes of its database."""

from __future__ import annotations

import json

from tests.botproc import BotProcess

MIN_SECRET_LENGTH = 8  # shorter test keys ("x") would match by chance


def secrets_of(process: BotProcess) -> set[str]:
    """The API keys the fake Ozon knows, the encryption key and the bot token's secret part."""
    keys = {store.api_key for store in process.ozon.stores()}
    keys.add(process.env.get("ENCRYPTION_KEY", ""))
    keys.add(process.env.get("BOT_TOKEN", "").partition(":")[2])
    return {key for key in keys if len(key) >= MIN_SECRET_LENGTH}


def leaks(process: BotProcess) -> list[str]:
    """Where each secret was found, as 'secret… in place'."""
    places: dict[str, bytes] = {"the bot's log": process.log_path.read_bytes()
                                if process.log_path.exists() else b""}  # fmt: skip
    for call in process.telegram.sent:
        places[f"a {call['method']} request"] = places.get(
            f"a {call['method']} request", b""
        ) + json.dumps(call["params"], ensure_ascii=False).encode()
    for messages in process.telegram.messages.values():
        for message in messages.values():
            document = message.get("document")
            if isinstance(document, dict):
                places["a file sent to Telegram"] = places.get(
                    "a file sent to Telegram", b""
                ) + bytes(document.get("content", b""))
    for path in process.database.parent.glob(process.database.name + "*"):
        places[f"the database file {path.name}"] = path.read_bytes()
    return [
        f"{secret[:4]}… in {place}"
        for secret in sorted(secrets_of(process))
        for place, content in places.items()
        if secret.encode() in content
    ]
