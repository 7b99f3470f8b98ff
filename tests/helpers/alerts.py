"""Alerts as the fake Telegram shows them: find one, read its buttons, press one."""

from __future__ import annotations

from fakes.process import USER
from fakes.telegram import FakeTelegram

CANCEL = "/v2/posting/fbs/cancel"


def alert_of(telegram: FakeTelegram, number: str) -> dict | None:
    return next(
        (
            m
            for m in telegram.bot_messages(USER)
            if f"<b>{number}</b>" in m["text"] and not m["deleted"]
        ),
        None,
    )


def buttons(message: dict) -> dict[str, str]:
    """Button label -> callback data (URL buttons left out)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def tap(telegram: FakeTelegram, number: str, label: str, expect: str) -> dict:
    """Presses the first button whose label contains `label`; waits for `expect` on the alert."""
    message = alert_of(telegram, number)
    assert message is not None
    data = next(d for text, d in buttons(message).items() if label in text)
    telegram.press(USER, message["message_id"], data)
    telegram.wait_for(lambda: expect in (alert_of(telegram, number) or {}).get("text", ""))
    return alert_of(telegram, number) or {}


def tap_wait(telegram: FakeTelegram, number: str, expect: str) -> dict:
    """Waits for `expect` on the alert of `number` (after a press made elsewhere)."""
    telegram.wait_for(lambda: expect in (alert_of(telegram, number) or {}).get("text", ""))
    return alert_of(telegram, number) or {}


def group_alert(telegram: FakeTelegram, number: str, chat: int) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if f"<b>{number}</b>" in m["text"]), None)
