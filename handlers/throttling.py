"""Outer middleware: one user cannot push the bot into Telegram's limits for everyone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.i18n.texts import texts_for
from bot.security.throttle import Throttle, Verdict
from storage import Database
from storage import chats as chats_db

log = logging.getLogger(__name__)


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, throttle: Throttle, db: Database):
        self._throttle = throttle
        self._db = db

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
        # A press always gets an answer, or its button spins; a message only the first time.
        if isinstance(event, CallbackQuery | Message) and (
            isinstance(event, CallbackQuery) or verdict is Verdict.REFUSED_FIRST
        ):
            await event.answer(await self._throttled(event, user))
        return None

    async def _throttled(self, event: CallbackQuery | Message, user: User) -> str:
        """ "Too many requests" in the chat's language (one lookup by key, only when told)."""
        message = event.message if isinstance(event, CallbackQuery) else event
        stored = await chats_db.chat_language(self._db, message.chat.id) if message else None
        # Before ChatSettingsMiddleware: no `tx` yet.
        return texts_for(stored or user.language_code)("throttled")


def _addressed_to_bot(event: TelegramObject) -> bool:
    """Presses, private messages, commands and replies to the bot; not a group's own talk,
    which the bot sees when it is an admin there."""
    if not isinstance(event, Message):
        return True
    if event.chat.type == "private" or (event.text or "").startswith("/"):
        return True
    reply = event.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.is_bot)
