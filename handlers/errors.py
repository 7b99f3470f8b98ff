"""Whatever a handler raises: the press is answered, the user gets one honest sentence with a
short reference, and the log gets the traceback under the same reference."""

from __future__ import annotations

import logging
import secrets

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.actions.service import MaybeDone
from bot.i18n.texts import t

log = logging.getLogger(__name__)
router = Router(name="errors")


@router.errors()
async def failed(event: ErrorEvent, bot: Bot) -> bool:
    reference = secrets.token_hex(3)
    log.error("update %s failed [ref %s]", event.update.update_id, reference,
              exc_info=event.exception)  # fmt: skip
    # An action that may have reached Ozon says where to check; anything else changed nothing.
    key = "error.maybe_done" if isinstance(event.exception, MaybeDone) else "error.nothing_done"
    text = t(key, reference=reference)
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
