"""/stores: each store with its state, and Disconnect with a confirmation."""

from __future__ import annotations

import math

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import Field

from bot.clock import utcnow
from bot.i18n.texts import Markup, Texts
from bot.ozon import SANDBOX_CLIENT_ID
from bot.services.push import PushAddresses
from bot.services.stores import StoreService
from handlers.filters import private_chat
from handlers.replies import answer_in_parts, bot_username
from storage.stores import Store

router = Router(name="stores")
router.message.filter(private_chat)

EXPIRY_WARNING_DAYS = 30
# SQLite's largest integer: a forged button with a larger id must not reach a query, where it
# raises OverflowError; it stays unmatched and gets the answer for stale buttons.
MAX_ROW_ID = 2**63 - 1


class StoreAction(CallbackData, prefix="store"):
    action: str  # 'ask', 'yes' or 'no'; 'push': a new push address
    store_id: int = Field(ge=0, le=MAX_ROW_ID)


@router.message(Command("stores"))
async def list_stores(
    message: Message, stores: StoreService, push: PushAddresses, tx: Texts
) -> None:
    owned = await stores.stores_of(message.chat.id)
    if not owned:
        await message.answer(tx("stores.none"))
        return
    username = await bot_username(message)
    text = _list_text(tx, owned)
    real = [store for store in owned if store.client_id != SANDBOX_CLIENT_ID]
    shown = owned if push.enabled else [s for s in owned if s.client_id == SANDBOX_CLIENT_ID]
    if shown:  # the sample store shows how push looks, even where push is not set up
        urls = await push.addresses(real) if push.enabled else {}
        text += "\n\n" + _push_text(tx, shown, push, urls)
    keyboard = _list_keyboard(tx, owned, username or "", push_buttons=push.enabled)
    await answer_in_parts(message, text, keyboard)


@router.callback_query(StoreAction.filter(F.action == "push"))
async def new_push_address(
    query: CallbackQuery, callback_data: StoreAction, push: PushAddresses, tx: Texts
) -> None:
    rotated = await push.rotate(query.from_user.id, callback_data.store_id)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if rotated is None:
        await query.message.answer(tx("stores.gone"))
        return
    store, url = rotated
    await query.message.answer(tx("push.rotated", store=store.name, url=url))


@router.callback_query(StoreAction.filter(F.action == "ask"))
async def ask_disconnect(
    query: CallbackQuery, callback_data: StoreAction, stores: StoreService, tx: Texts
) -> None:
    store = await stores.store_of(query.from_user.id, callback_data.store_id)
    await query.answer()
    if store is None:
        await _edit(query, tx("stores.gone"))
        return
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(tx.plain("stores.confirm_yes"), "yes", store.id),
                _button(tx.plain("stores.confirm_no"), "no", store.id),
            ]
        ]
    )
    await _edit(query, tx("stores.confirm", store=store.name), keyboard)


@router.callback_query(StoreAction.filter(F.action.in_({"yes", "no"})))
async def answer_disconnect(
    query: CallbackQuery, callback_data: StoreAction, stores: StoreService, tx: Texts
) -> None:
    owner, store_id = query.from_user.id, callback_data.store_id
    if callback_data.action == "yes":
        store, done = await stores.disconnect(owner, store_id), "stores.disconnected"
    else:
        store, done = await stores.store_of(owner, store_id), "stores.kept"
    await query.answer()
    await _edit(query, tx(done, store=store.name) if store else tx("stores.gone"))


def store_state(tx: Texts, store: Store) -> Markup:
    if store.state in ("key_invalid", "key_refused"):
        return tx(f"stores.state.{store.state}")
    if store.key_expires_at is not None:
        days = math.ceil((store.key_expires_at - utcnow()).total_seconds() / 86400)
        if days <= 0:
            return tx("stores.state.expired")
        if days <= EXPIRY_WARNING_DAYS:
            return tx("stores.state.expires", days=days)
    if store.missing_methods:
        return tx("stores.state.missing_roles", methods=", ".join(store.missing_methods))
    return tx("stores.state.watching")


def _list_text(tx: Texts, owned: list[Store]) -> str:
    lines = [tx("stores.header")]
    lines += [
        tx("stores.line", store=s.name, client_id=s.client_id, state=store_state(tx, s))
        for s in owned
    ]
    return "\n".join(lines)


def _push_text(tx: Texts, owned: list[Store], push: PushAddresses, urls: dict[int, str]) -> str:
    lines = [tx("push.header")]
    for store in owned:
        state, minutes = push.state(store)
        told = tx(f"push.state.{state}", minutes=minutes)
        if store.id in urls:
            lines.append(tx("push.line", store=store.name, url=urls[store.id], state=told))
        else:
            lines.append(tx("push.sample_line", store=store.name, state=told))
    if urls:
        lines.append(tx("push.steps"))
    return "\n".join(lines)


def _list_keyboard(
    tx: Texts, owned: list[Store], bot_username: str, *, push_buttons: bool = False
) -> InlineKeyboardMarkup:
    rows = [
        [_button(tx.plain("stores.disconnect_button", store=s.name), "ask", s.id)] for s in owned
    ]
    if push_buttons:
        rows += [[_button(tx.plain("push.rotate_button", store=s.name), "push", s.id)]
                 for s in owned if s.client_id != SANDBOX_CLIENT_ID]  # fmt: skip
    # Telegram's startgroup link: pick a group, the bot joins it, then /subscribe there.
    add = f"https://t.me/{bot_username}?startgroup=alerts"
    rows.append([InlineKeyboardButton(text=tx.plain("group.add_button"), url=add)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _button(text: str, action: str, store_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=StoreAction(action=action, store_id=store_id).pack()
    )


async def _edit(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)
