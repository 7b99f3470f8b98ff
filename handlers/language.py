"""/language: the language the bot speaks in this chat (English, Russian, Simplified Chinese);
`/language ru` or a tap changes it. In a group, as every setting, for admins and owners."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.core.chat_rules import InvalidSetting
from bot.core.permissions import NotAllowed
from bot.i18n.catalogs import LANGUAGES
from bot.i18n.texts import Texts, texts_for
from bot.services.chats import ChatService
from handlers.filters import Magic
from handlers.replies import display_name, edit_in_place

router = Router(name="language")


@router.message(Command("language"))
async def language(message: Message, command: CommandObject, chats: ChatService, tx: Texts) -> None:
    if not command.args:
        await message.answer(
            tx("language.current", language=tx(f"language.name.{tx.language}")),
            reply_markup=_choices(tx),
        )
        return
    if message.from_user is not None:
        sender = message.sender_chat.id if message.sender_chat else None
        await message.answer(await _change(tx, chats, message.chat.id, message.from_user,
                                           command.args, sender))  # fmt: skip


@router.callback_query(Magic(F.data.startswith("lang:")))
async def tap(query: CallbackQuery, chats: ChatService, tx: Texts) -> None:
    if not isinstance(query.message, Message) or not query.data:
        await query.answer()
        return
    text = await _change(tx, chats, query.message.chat.id, query.from_user, query.data[5:], None)
    await query.answer()
    await edit_in_place(query.message, text)


async def _change(
    tx: Texts,
    chats: ChatService,
    chat_id: int,
    user: User,
    code: str,
    sender_chat_id: int | None,
) -> str:
    try:
        await chats.change(chat_id, user.id, display_name(user), "language", code, sender_chat_id)
    except InvalidSetting:
        return tx("language.unknown", languages=", ".join(LANGUAGES))
    except NotAllowed as refusal:
        return tx(f"settings.not_allowed.{refusal.needed}")
    new = texts_for(code.strip().lower())  # the answer already in the new language
    return new("language.set", language=new(f"language.name.{new.language}"))


def _choices(tx: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=tx.plain(f"language.name.{code}"),
                                     callback_data=f"lang:{code}")
                for code in LANGUAGES
            ]
        ]
    )  # fmt: skip
