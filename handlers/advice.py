"""/advice: per warehouse and product of the chat's stores, how often the last 30 days' postings
were handed over late and how close to the deadline, and where to raise the preparation time."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.i18n.texts import Texts
from bot.services.advice import AdviceService
from bot.services.chats import ChatService
from handlers.replies import answer_in_parts, may_here

router = Router(name="advice")


@router.message(Command("advice"))
async def advice_command(
    message: Message, advice: AdviceService, chats: ChatService, tx: Texts
) -> None:
    if not await may_here(tx, message, chats, "advice"):
        return
    await answer_in_parts(message, await advice.advice_for(tx, message.chat.id))
