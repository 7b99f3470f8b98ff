"""Outer middleware: one user cannot push the bot into Telegram's limits for everyone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.texts import t
from bot.throttle import Throttle, Verdict

log = logging.getLogger(__name__)


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, throttle: Throttle):
        self._throttle = throttle

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not _addressed_to_bot(event):
            return await handler(event, data)
        verdict = self._throttle.take(user.id)
        if verdict is Verdict.ALLOWED:
            return await handler(event, data)
        if verdict is Verdict.REFUSED_FIRST:
            log.warning("user %s is sending faster than the bot answers; slowed down", user.id)
        if isinstance(event, CallbackQuery):
            await event.answer(t("throttled"))  # a press always gets an answer, or it spins
        elif verdict is Verdict.REFUSED_FIRST and isinstance(event, Message):
            await event.answer(t("throttled"))
        return None


def _addressed_to_bot(event: TelegramObject) -> bool:
    """Presses, private messages, commands and replies to the bot; not a group's own talk,
    which the bot sees when it is an admin there."""
    if not isinstance(event, Message):
        return True
    if event.chat.type == "private" or (event.text or "").startswith("/"):
        return True
    reply = event.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.is_bot)
