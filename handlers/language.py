"""/language: the language the bot speaks in this chat (English, Russian, Simplified Chinese);
`/language ru` or a tap changes it. In a group, as every setting, for admins and owners."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.core.chat_rules import InvalidSetting
from bot.core.permissions import NotAllowed
from bot.i18n.catalogs import LANGUAGES, current_language, set_language
from bot.i18n.texts import Markup, button_text, t
from bot.services.chats import ChatService
from handlers.filters import Magic
from handlers.replies import display_name
from storage.chats import ChatSettings

router = Router(name="language")


@router.message(Command("language"))
async def language(
    message: Message, command: CommandObject, chats: ChatService, chat_settings: ChatSettings
) -> None:
    if not command.args:
        await message.answer(
            t("language.current", language=Markup(t(f"language.name.{current_language()}"))),
            reply_markup=_choices(),
        )
        return
    if message.from_user is not None:
        sender = message.sender_chat.id if message.sender_chat else None
        await message.answer(await _change(chats, message.chat.id, message.from_user,
                                           command.args, sender))  # fmt: skip


@router.callback_query(Magic(F.data.startswith("lang:")))
async def tap(query: CallbackQuery, chats: ChatService) -> None:
    if not isinstance(query.message, Message) or not query.data:
        await query.answer()
        return
    text = await _change(chats, query.message.chat.id, query.from_user, query.data[5:], None)
    await query.answer()
    await query.message.edit_text(text)


async def _change(
    chats: ChatService, chat_id: int, user: User, code: str, sender_chat_id: int | None
) -> str:
    try:
        await chats.change(chat_id, user.id, display_name(user), "language", code, sender_chat_id)
    except InvalidSetting:
        return t("language.unknown", languages=", ".join(LANGUAGES))
    except NotAllowed as refusal:
        return t(f"settings.not_allowed.{refusal.needed}")
    set_language(code.strip().lower())  # the answer already in the new language
    return t("language.set", language=Markup(t(f"language.name.{code.strip().lower()}")))


def _choices() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=button_text(f"language.name.{code}"),
                                     callback_data=f"lang:{code}")
                for code in LANGUAGES
            ]
        ]
    )  # fmt: skip
