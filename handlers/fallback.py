"""Private messages no other handler took: a stray API key is deleted, the rest get a hint.
A button press no other handler took (forged, or from a keyboard long gone) is answered too."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n.texts import Texts
from handlers.connect import delete_secret, looks_like_api_key
from handlers.filters import Magic, private_chat

router = Router(name="fallback")
router.message.filter(private_chat)

# A key pasted after a restart forgot the /connect step, or without /connect at all.
MIN_STRAY_KEY_LENGTH = 20


@router.message(Magic(F.text))
async def stray_text(message: Message, tx: Texts) -> None:
    text = (message.text or "").strip()
    if len(text) >= MIN_STRAY_KEY_LENGTH and looks_like_api_key(text):
        await delete_secret(tx, message)
        await message.answer(tx("key_like_text"))
    else:
        await message.answer(tx("unknown_text"))


@router.callback_query()
async def stray_press(query: CallbackQuery, tx: Texts) -> None:
    await query.answer(tx("answer.invalid"))
