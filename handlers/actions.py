"""Buttons on alerts: resolve (fast), answer the press at once, then perform and redraw."""

from __future__ import annotations

import asyncio
import html
import weakref

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ForceReply, Message, User

from bot.actions.service import ActionService, Actor, Refusal, Screen
from bot.i18n.texts import Markup, Texts
from bot.telegram.press_gate import PressTurn
from bot.views.buttons import AlertButton, StepButton
from handlers.connect import delete_secret, looks_like_api_key
from handlers.filters import Magic, plain_text
from handlers.replies import display_name

router = Router(name="actions")
# Callback data of buttons on alerts and on their action steps.
ALERT_PRESSES = (f"{AlertButton.__prefix__}:", f"{StepButton.__prefix__}:")
# Presses on one message are handled one at a time, so that a double tap acts once and the
# last edit shown is the last step taken.
_message_locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = (
    weakref.WeakValueDictionary()
)


def _lock_for(chat_id: int, message_id: int) -> asyncio.Lock:
    lock = _message_locks.get((chat_id, message_id))
    if lock is None:
        lock = _message_locks[(chat_id, message_id)] = asyncio.Lock()
    return lock


class Typing(StatesGroup):
    """The user is typing the text an action needs (Ozon's explanation, an own message, a
    tracking number, a box count)."""

    for_action = State()


def actor(user: User) -> Actor:
    return Actor(user.id, display_name(user))


@router.callback_query(Magic(F.data.startswith(ALERT_PRESSES)))
async def press(
    query: CallbackQuery,
    actions: ActionService,
    state: FSMContext,
    press_turn: PressTurn,
    tx: Texts,
) -> None:
    message = query.message
    if not isinstance(message, Message) or not query.data:
        await query.answer()
        return
    who = actor(query.from_user)
    lock = _lock_for(message.chat.id, message.message_id)
    if lock.locked():  # a second tap: behind the first, which may be letting presses first
        press_turn.release()
    async with lock:
        try:
            resolved = await actions.resolve(
                query.data, message.chat.id, who, message.message_id, tx=tx
            )
        except Refusal as refusal:
            await query.answer(refusal.text, show_alert=True)
            if refusal.refresh:
                await press_turn.let_waiting_presses_first()
                await actions.redraw(message.chat.id, message.message_id)
            return
        await query.answer()
        await press_turn.let_waiting_presses_first()
        try:
            screen = await actions.perform(resolved, who)
        except Refusal as refusal:  # the press was answered already: the alert says why
            await actions.redraw(message.chat.id, message.message_id, refusal.text)
            return
        if screen is not None:
            await _remember_typing(state, screen)
            await actions.show(resolved.message, screen)
            if screen.expects_text and message.chat.type != "private":
                # In groups a bot sees only replies to its messages (privacy mode): ask for one.
                # ForceReply reaches only users mentioned in the text: a link mentions anyone.
                mention = Markup(f'<a href="tg://user?id={who.id}">{html.escape(who.name)}</a>')
                prompt = tx("action.reply_here", mention=mention)
                await message.answer(prompt, reply_markup=ForceReply(selective=True))


@router.message(StateFilter(Typing.for_action), plain_text)
async def typed(message: Message, actions: ActionService, state: FSMContext, tx: Texts) -> None:
    token = (await state.get_data()).get("action", "")
    await state.clear()
    if message.from_user is None:
        return
    if looks_like_api_key(message.text or "") and len(message.text or "") >= 20:
        await delete_secret(tx, message)  # a key never becomes a buyer message or an explanation
        await message.answer(tx("key_like_text"))
        return
    try:
        screen, alert = await actions.typed(
            token, message.text or "", message.chat.id, actor(message.from_user), tx=tx
        )
    except Refusal as refusal:
        await message.answer(refusal.text)
        return
    await _remember_typing(state, screen)
    await actions.show(alert, screen)


async def _remember_typing(state: FSMContext, screen: Screen) -> None:
    if screen.expects_text:
        await state.set_state(Typing.for_action)
        await state.update_data(action=screen.expects_text)
    elif await state.get_state() == Typing.for_action.state:
        await state.clear()  # another button was pressed: the typing step is over
