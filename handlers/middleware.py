"""Outer middlewares: every chat that talks to the bot has a row with its settings, and every
handler gets the texts of the chat's language as `tx` (of the user's, for a press with no chat);
a press on a message Telegram no longer shows the bot is answered, not handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, InaccessibleMessage, Message, TelegramObject, User

from bot.clock import utcnow
from bot.core.timezones import default_timezone
from bot.i18n.texts import texts_for
from storage import Database
from storage import chats as chats_db


class ChatSettingsMiddleware(BaseMiddleware):
    def __init__(self, db: Database):
        self._db = db

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, CallbackQuery) else event
        user: User | None = data.get("event_from_user")
        if isinstance(message, Message | InaccessibleMessage):
            chat = message.chat
            settings = await chats_db.chat_settings(self._db, chat.id)
            if settings is None:
                language = user.language_code if user else None
                await chats_db.ensure_chat(
                    self._db, chat.id, chat.type, default_timezone(language), language, utcnow()
                )
                settings = await chats_db.chat_settings(self._db, chat.id)
            elif settings.paused:
                await chats_db.resume_chat(self._db, chat.id)
            data["chat_settings"] = settings
            tx = data["tx"] = texts_for(settings.language if settings else None)
        else:  # a press on an inline message: no chat, the user's own language
            tx = data["tx"] = texts_for(user.language_code if user else None)
        if isinstance(event, CallbackQuery) and not isinstance(message, Message):
            # Too old (or inline): no handler can show a step on it; the press still gets an
            # answer, or its button spins.
            await event.answer(tx("answer.inaccessible"), show_alert=True)
            return None
        return await handler(event, data)
