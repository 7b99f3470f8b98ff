"""/digest: the daily digest now — postings due today and tomorrow, yesterday's late hand-overs
and cancellations, the error index, and the chart of the next 48 hours."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.i18n.texts import Texts
from bot.services.chats import ChatService
from bot.services.digest import DigestService
from handlers.replies import answer_in_parts, may_here

router = Router(name="digest")


@router.message(Command("digest"))
async def digest(message: Message, digests: DigestService, chats: ChatService, tx: Texts) -> None:
    if not await may_here(tx, message, chats, "digest"):
        return
    built = await digests.digest_for(message.chat.id)
    if built is None:
        return
    text, chart = built
    await answer_in_parts(message, text)
    await message.answer_photo(BufferedInputFile(chart, filename="digest.png"))
