"""Group chats: /subscribe and /unsubscribe link a store's alerts to a group (or a forum
topic); a group that became a supergroup keeps its subscriptions; a member's new status
replaces the cached role."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from pydantic import Field

from bot.core.permissions import NotAllowed
from bot.i18n.texts import Texts, texts_for
from bot.services.chats import ChatService
from bot.services.stores import StoreService
from bot.telegram.members import MemberRoles
from handlers.connect import contains_api_key, delete_secret
from handlers.filters import Magic, group_chat
from handlers.replies import bot_username, edit_in_place
from handlers.stores import MAX_ROW_ID
from storage.stores import Store

log = logging.getLogger(__name__)
router = Router(name="groups")
router.message.filter(group_chat)

ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot stands in for anonymous admins


class LinkStore(CallbackData, prefix="grp"):
    action: str  # 'link' or 'unlink'
    store_id: int = Field(ge=0, le=MAX_ROW_ID)
    thread_id: int = Field(default=0, ge=0, le=MAX_ROW_ID)


@router.message(Magic(F.text.func(contains_api_key) | F.caption.func(contains_api_key)))
async def key_in_group(message: Message, chats: ChatService, tx: Texts) -> None:
    """A key in a group is never used: it goes at once, and its owner is told to revoke it,
    since everyone in the group may have seen it."""
    deleted = await delete_secret(tx, message, tell_if_kept=False)
    log.warning("a message that looked like an API key was posted in chat %s", message.chat.id)
    user = message.from_user
    warned = False
    if message.bot and user and not user.is_bot and user.id != ANONYMOUS_ADMIN:
        # The private message speaks the user's own language, not the group's.
        own = await chats.settings(user.id)
        private_tx = texts_for(own.language if own else user.language_code)
        try:
            await message.bot.send_message(
                user.id, private_tx("key_in_group.private", group=message.chat.title or "")
            )
            warned = True
        except (TelegramBadRequest, TelegramForbiddenError):
            pass  # the user never opened a private chat with the bot: the group hears it
    text: str = tx("key_in_group.deleted" if deleted else "key_in_group.kept")
    if not warned:
        text += " " + tx("key_in_group.revoke")
    await message.answer(text)


@router.chat_member()
async def member_changed(update: ChatMemberUpdated, roles: MemberRoles) -> None:
    """Promoted, demoted or gone: the role applies from the next update, not minutes later."""
    member = update.new_chat_member
    roles.member_changed(update.chat.id, member.user.id, member.status)


@router.message(Magic(F.migrate_to_chat_id))
async def migrated(message: Message, chats: ChatService) -> None:
    if message.migrate_to_chat_id:
        await chats.migrate(message.chat.id, message.migrate_to_chat_id)


@router.message(CommandStart())
async def start_in_group(message: Message, tx: Texts) -> None:
    await message.answer(tx("group.start"))


@router.message(Command("stores", "status", "history", "timezone"))
async def private_only(message: Message, tx: Texts) -> None:
    username = await bot_username(message)
    await message.answer(tx("group.private_command", bot_username=username))


@router.message(Command("subscribe", "unsubscribe"))
async def pick_stores(message: Message, stores: StoreService, tx: Texts) -> None:
    user = message.from_user
    if user is None or user.id == ANONYMOUS_ADMIN:
        await message.answer(tx("group.anonymous"))
        return
    linking = (message.text or "").lstrip("/").startswith("subscribe")
    try:
        choices = await stores.choices(user.id, message.chat.id, linking)
    except NotAllowed:
        await message.answer(tx("group.not_allowed.link"))
        return
    if not choices and linking and not await stores.stores_of(user.id):
        username = await bot_username(message)
        await message.answer(tx("group.no_stores", bot_username=username))
        return
    if not choices:
        await message.answer(tx("group.all_linked" if linking else "group.nothing_linked"))
        return
    thread = message.message_thread_id if message.is_topic_message else None
    action = "link" if linking else "unlink"
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[_button(tx, store, action, thread)] for store in choices]
    )
    topic = tx("group.topic") if thread else ""
    text = tx("group.pick_link", topic=topic) if linking else tx("group.pick_unlink")
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(LinkStore.filter())
async def link(
    query: CallbackQuery, callback_data: LinkStore, stores: StoreService, tx: Texts
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    thread = callback_data.thread_id or None
    linking = callback_data.action == "link"
    if linking:
        store = await stores.link(
            query.from_user.id, callback_data.store_id, message.chat.id, thread
        )
    else:
        store = await stores.unlink(query.from_user.id, callback_data.store_id, message.chat.id)
    if store is None:
        refusal = "group.not_allowed.link" if linking else "group.not_allowed.unlink"
        await query.answer(tx(refusal), show_alert=True)
        return
    await query.answer()
    if linking:
        text = tx("group.linked", store=store.name, topic=tx("group.topic") if thread else "")
    else:
        text = tx("group.unlinked", store=store.name)
    await edit_in_place(message, text)


def _button(tx: Texts, store: Store, action: str, thread: int | None) -> InlineKeyboardButton:
    data = LinkStore(action=action, store_id=store.id, thread_id=thread or 0).pack()
    return InlineKeyboardButton(
        text=tx.plain("stores.store_button", store=store.name), callback_data=data
    )
