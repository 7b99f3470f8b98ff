"""/timezone: show the chat's time zone, or change it with `/timezone <IANA name>`."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.clock import utcnow
from bot.i18n.texts import Texts
from bot.services.chats import ChatService
from bot.views.format import format_moment
from handlers.filters import private_chat
from storage.chats import ChatSettings

router = Router(name="timezone")
router.message.filter(private_chat)


@router.message(Command("timezone"))
async def timezone(
    message: Message,
    command: CommandObject,
    chat_settings: ChatSettings,
    chats: ChatService,
    tx: Texts,
) -> None:
    if not command.args:
        now = format_moment(tx, utcnow(), chat_settings.timezone)
        await message.answer(tx("timezone.current", timezone=chat_settings.timezone, now=now))
        return
    zone = await chats.set_timezone(message.chat.id, command.args)
    if zone is None:
        await message.answer(tx("timezone.unknown", value=command.args.strip()[:64]))
        return
    await message.answer(tx("timezone.set", timezone=zone, now=format_moment(tx, utcnow(), zone)))
