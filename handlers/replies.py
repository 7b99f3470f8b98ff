"""Shared by the conversations: replies longer than one Telegram message, people's names."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message, User

from bot.core.deadlines import split_text
from bot.core.permissions import NotAllowed
from bot.i18n.texts import Texts
from bot.services.chats import ChatService
from bot.telegram.sender import TELEGRAM_TEXT_LIMIT


async def answer_in_parts(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answers with as few messages as fit the text, split between lines; the keyboard goes
    with the last one."""
    parts = split_text(text, TELEGRAM_TEXT_LIMIT)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.answer(part, reply_markup=reply_markup if last else None)


def display_name(user: User) -> str:
    """How a person is named in notes and the audit log: @username, or their name."""
    return f"@{user.username}" if user.username else user.full_name


async def may_here(tx: Texts, message: Message, chats: ChatService, operation: str) -> bool:
    """Whether the sender may do `operation` in this chat; if not, they are told who may."""
    if message.from_user is None:
        return False
    sender = message.sender_chat.id if message.sender_chat else None
    try:
        await chats.authorise(message.chat.id, message.from_user.id, operation, sender)
    except NotAllowed as refusal:
        await message.answer(tx(f"settings.not_allowed.{refusal.needed}"))
        return False
    return True


async def edit_in_place(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edits a screen the press was answered on; a second tap on the same screen leaves it
    as it is, and Telegram's "message is not modified" is not an error for the user."""
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in str(error):
            raise


async def bot_username(message: Message) -> str:
    """The bot's @username, for the texts that point to its private chat."""
    return (await message.bot.me()).username or "" if message.bot else ""
