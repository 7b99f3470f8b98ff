"""Talking to the real bot process through the fakes: say something and wait for the answer,
read the alerts, count the scans."""

from __future__ import annotations

from datetime import UTC, datetime

from fakes.ozon import FakeOzon
from fakes.process import CLIENT_ID, SCAN_PATH, USER
from fakes.telegram import FakeTelegram


def now() -> datetime:
    return datetime.now(UTC)


def say(telegram: FakeTelegram, text: str, expect: str, chat: int = USER, **kwargs: object) -> str:
    """Sends `text` as the user and waits for a bot message containing `expect`."""
    before = len(telegram.texts(chat))
    telegram.user_message(chat, text, **kwargs)
    telegram.wait_for(lambda: any(expect in t for t in telegram.texts(chat)[before:]))
    return next(t for t in telegram.texts(chat)[before:] if expect in t)


def alerts(telegram: FakeTelegram, chat: int = USER) -> list[str]:
    """Alert messages: each starts with its stage (⏰ before the deadline, 🔴 overdue)."""
    return [t for t in telegram.texts(chat) if t.startswith(("⏰", "🔴"))]


def scans(ozon: FakeOzon) -> int:
    return sum(1 for call in ozon.calls_to(SCAN_PATH) if call["client_id"] == CLIENT_ID)


def wait_scans(ozon: FakeOzon, telegram: FakeTelegram, count: int) -> None:
    target = scans(ozon) + count
    telegram.wait_for(lambda: scans(ozon) >= target, timeout=20)
