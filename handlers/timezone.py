"""/timezone: show the chat's time zone, or change it with `/timezone <IANA name>`."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.clock import utcnow
from bot.core.chat_rules import InvalidSetting
from bot.i18n.texts import Texts
from bot.services.chats import ChatService
from bot.views.format import format_moment
from handlers.filters import private_chat
from handlers.replies import display_name
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
    user = message.from_user
    if user is None:
        return
    try:  # through the settings, so the change is recorded with who made it
        await chats.change(message.chat.id, user.id, display_name(user), "timezone", command.args)
    except InvalidSetting:
        await message.answer(tx("timezone.unknown", value=command.args.strip()[:64]))
        return
    settings = await chats.settings(message.chat.id)
    zone = settings.timezone if settings else "UTC"
    await message.answer(tx("timezone.set", timezone=zone, now=format_moment(tx, utcnow(), zone)))
