"""Buttons on alerts: resolve (fast), answer the press at once, then perform and redraw."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User

from bot.actions import ActionService, Actor, Refusal, Screen

router = Router(name="actions")


class Typing(StatesGroup):
    """The user is typing the text an action needs (Ozon's explanation, an own message)."""

    for_action = State()


def actor(user: User) -> Actor:
    return Actor(user.id, f"@{user.username}" if user.username else user.full_name)


@router.callback_query(F.data.startswith(("al:", "ac:")))
async def press(query: CallbackQuery, actions: ActionService, state: FSMContext) -> None:
    message = query.message
    if not isinstance(message, Message) or not query.data:
        await query.answer()
        return
    who = actor(query.from_user)
    try:
        resolved = await actions.resolve(query.data, message.chat.id, who)
    except Refusal as refusal:
        await query.answer(refusal.text, show_alert=True)
        if refusal.refresh:
            alert = await actions.alert_screen_for(message.chat.id, message.message_id)
            if alert is not None:
                await _show(message, alert)
        return
    await query.answer()
    screen = await actions.perform(resolved, who)
    if screen is not None:
        await _remember_typing(state, screen)
        await _show(message, screen)


@router.message(Typing.for_action, F.text, ~F.text.startswith("/"))
async def typed(message: Message, actions: ActionService, state: FSMContext) -> None:
    token = (await state.get_data()).get("action", "")
    await state.clear()
    if message.from_user is None:
        return
    try:
        screen, alert = await actions.typed(
            token, message.text or "", message.chat.id, actor(message.from_user)
        )
    except Refusal as refusal:
        await message.answer(refusal.text)
        return
    await _remember_typing(state, screen)
    if alert.telegram_message_id is not None and message.bot is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.bot.edit_message_text(
                chat_id=message.chat.id,
                message_id=alert.telegram_message_id,
                text=screen.text,
                reply_markup=screen.keyboard,
            )


async def _remember_typing(state: FSMContext, screen: Screen) -> None:
    if screen.expects_text:
        await state.set_state(Typing.for_action)
        await state.update_data(action=screen.expects_text)


async def _show(message: Message, screen: Screen) -> None:
    with contextlib.suppress(TelegramBadRequest):  # "not modified" on a repeated press
        await message.edit_text(screen.text, reply_markup=screen.keyboard)
