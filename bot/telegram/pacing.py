"""Telegram's sending limits, kept by the bot itself: Telegram has no bulk API and answers
excess with 429s. About 30 messages a second overall, 1 a second per chat, 20 a minute per
group (edits count too).

One pacer counts everything the bot sends to a chat: the outbox sender asks it which chats may
have their turn now, and every request that writes to a chat (an outbox item, a press's redraw,
a reply in a conversation) takes its turn through `PacedRequests`, the bot session's
middleware, so no way past the limits is left."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

PER_CHAT_INTERVAL = 1.0
GROUP_WINDOW, GROUP_LIMIT = 60.0, 20
# The requests that put something in a chat and count against its limits.
CHAT_WRITES = (SendMessage, SendPhoto, SendDocument, CopyMessage, ForwardMessage,
               EditMessageText, EditMessageReplyMarkup, EditMessageCaption)  # fmt: skip


class SendPacer:
    def __init__(
        self,
        messages_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        group_limit: int = GROUP_LIMIT,
        group_window: float = GROUP_WINDOW,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self._interval = 1.0 / messages_per_second
        # The clock and the sleep are the pacer's own, so that a test may run time faster.
        self.clock = clock
        self.sleep = sleep
        self._group_limit = group_limit
        self._group_window = group_window
        self._next_any = 0.0
        self._next_in_chat: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    @property
    def interval(self) -> float:
        """Seconds between two messages at the overall rate."""
        return self._interval

    def ready_at(self, chat_id: int) -> float:
        """The earliest moment (on the pacer's clock) a message to this chat may go."""
        return max(self._limit_at(chat_id), self._next_in_chat.get(chat_id, 0.0))

    def wait(self, chat_id: int) -> float:
        return max(0.0, self.ready_at(chat_id) - self.clock())

    async def turn(self, chat_id: int) -> None:
        """Waits until a message to this chat may go as far as the hard limits go (overall, per
        group), and counts it. The one-a-second pace within a chat is kept by the outbox,
        which asks `wait` first; a reply to someone who just wrote goes at once."""
        while (wait := self._limit_at(chat_id) - self.clock()) > 0:
            await self.sleep(wait)
        self.record(chat_id)

    def _limit_at(self, chat_id: int) -> float:
        moment = self._next_any
        sends = self._group_sends.get(chat_id)
        if sends is not None and len(sends) >= self._group_limit:
            moment = max(moment, sends[-self._group_limit] + self._group_window)
        return moment

    async def idle(self, seconds: float, wake: asyncio.Event) -> None:
        """Waits `seconds` on the pacer's clock, or until `wake` is set."""
        sleeping = asyncio.ensure_future(self.sleep(seconds))
        woken = asyncio.ensure_future(wake.wait())
        await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        sleeping.cancel()
        woken.cancel()

    def record(self, chat_id: int) -> None:
        now = self.clock()
        self._next_any = max(self._next_any, now) + self._interval
        self._next_in_chat[chat_id] = now + PER_CHAT_INTERVAL
        if chat_id < 0:  # a group: also the per-minute limit
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(now)
            while sends and sends[0] <= now - self._group_window:
                sends.popleft()

    def pause_all(self, seconds: float) -> None:
        """Telegram asked everybody to wait (a 429 with retry_after)."""
        self._next_any = max(self._next_any, self.clock() + seconds)


class PacedRequests(BaseRequestMiddleware):
    """The bot session's middleware: every request that writes to a chat waits for its turn."""

    def __init__(self, pacer: SendPacer):
        self._pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Any,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(method, CHAT_WRITES) and isinstance(chat_id, int):
            await self._pacer.turn(chat_id)
        return await make_request(bot, method)


def paced(bot: Any, messages_per_second: float, **limits: Any) -> SendPacer:
    """A pacer for everything this bot sends, installed on its session."""
    pacer = SendPacer(messages_per_second, **limits)
    bot.session.middleware(PacedRequests(pacer))
    return pacer
