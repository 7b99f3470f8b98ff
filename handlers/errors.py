"""Whatever a handler raises: the press is answered, the user gets one honest sentence (in the
chat's language) with a short reference, and the log gets the traceback under the same
reference."""

from __future__ import annotations

import logging
import secrets

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, ErrorEvent, User

from bot.actions.service import MaybeDone
from bot.i18n.texts import Texts, texts_for
from bot.services.chats import ChatService

log = logging.getLogger(__name__)
router = Router(name="errors")


@router.errors()
async def failed(
    event: ErrorEvent,
    bot: Bot,
    chats: ChatService,
    event_chat: Chat | None = None,
    event_from_user: User | None = None,
) -> bool:
    reference = secrets.token_hex(3)
    log.error("update %s failed [ref %s]", event.update.update_id, reference,
              exc_info=event.exception)  # fmt: skip
    # An action that may have reached Ozon says where to check; anything else changed nothing.
    key = "error.maybe_done" if isinstance(event.exception, MaybeDone) else "error.nothing_done"
    tx = await _texts(chats, event_chat, event_from_user)
    text = tx(key, reference=reference)
    query = event.update.callback_query
    message = event.update.message or (query.message if query else None)
    try:
        if query is not None:
            try:
                await bot.answer_callback_query(query.id, text=text[:200], show_alert=True)
                return True
            except TelegramAPIError:
                pass  # answered already, before the work that failed: say it in the chat
        if message is not None:
            await bot.send_message(message.chat.id, text)
    except TelegramAPIError as error:
        log.warning("could not tell the user of failure %s: %s", reference, error.message)
    return True


async def _texts(chats: ChatService, chat: Chat | None, user: User | None) -> Texts:
    """The texts of the chat's language, as ChatSettingsMiddleware chose them; the user's when
    there is no chat or its settings cannot be read. An error comes with the update's data, not
    the handler's (no `tx`, no `chat_settings`): the settings are read again."""
    settings = None
    if chat is not None:
        try:
            settings = await chats.settings(chat.id)
        except Exception as error:  # the failure may be the database's: still tell the user
            log.warning("could not read the language of chat %s: %s", chat.id, error)
    if settings is not None:
        return texts_for(settings.language)
    return texts_for(user.language_code if user else None)
