"""Telegram's sending limits, kept by the bot itself: Telegram has no bulk API and answers
excess with 429s. About 30 messages a second overall, 1 a second per chat, 20 a minute per
group (edits count too)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

PER_CHAT_INTERVAL = 1.0
GROUP_WINDOW, GROUP_LIMIT = 60.0, 20


class SendPacer:
    def __init__(self, messages_per_second: float, clock: Callable[[], float] = time.monotonic):
        self._interval = 1.0 / messages_per_second
        self._clock = clock
        self._next_any = 0.0
        self._next_in_chat: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def ready_at(self, chat_id: int) -> float:
        """The earliest moment (on the pacer's clock) a message to this chat may go."""
        moment = max(self._next_any, self._next_in_chat.get(chat_id, 0.0))
        sends = self._group_sends.get(chat_id)
        if sends is not None and len(sends) >= GROUP_LIMIT:
            moment = max(moment, sends[0] + GROUP_WINDOW)
        return moment

    def wait(self, chat_id: int) -> float:
        return max(0.0, self.ready_at(chat_id) - self._clock())

    def record(self, chat_id: int) -> None:
        now = self._clock()
        self._next_any = max(self._next_any, now) + self._interval
        self._next_in_chat[chat_id] = now + PER_CHAT_INTERVAL
        if chat_id < 0:  # a group: also the per-minute limit
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(now)
            while sends and sends[0] <= now - GROUP_WINDOW:
                sends.popleft()

    def pause_all(self, seconds: float) -> None:
        """Telegram asked everybody to wait (a 429 with retry_after)."""
        self._next_any = max(self._next_any, self._clock() + seconds)
