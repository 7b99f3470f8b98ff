"""/connect: a two-step wizard (Client-Id, then API key) or `/connect CLIENT_ID API_KEY`."""

from __future__ import annotations

import contextlib
import logging
import re

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from bot.config import Settings
from bot.i18n.texts import Texts
from bot.ozon import InvalidApiKey, OzonError, OzonUnavailable, RateLimited
from bot.services.stores import Connected, StoreService, TooManyAttempts
from bot.views.format import format_duration, format_lead, ozon_reason
from handlers.filters import group_chat, plain_text, private_chat
from handlers.replies import bot_username
from storage.chats import ChatSettings

log = logging.getLogger(__name__)
router = Router(name="connect")
MAX_CLIENT_ID_LENGTH = 20
MIN_KEY_LENGTH = 8


class ConnectWizard(StatesGroup):
    client_id = State()
    api_key = State()


@router.message(Command("connect"), group_chat)
async def connect_in_group(message: Message, tx: Texts) -> None:
    if len((message.text or "").split()) > 2:
        await delete_secret(tx, message)  # it may carry a key: never leave it in a group
    username = await bot_username(message)
    await message.answer(tx("connect.private_only", bot_username=username))


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, tx: Texts) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    await message.answer(tx("cancelled" if had_state else "nothing_to_cancel"))


@router.message(Command("connect"), private_chat)
async def connect(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    stores: StoreService,
    settings: Settings,
    chat_settings: ChatSettings,
    tx: Texts,
) -> None:
    args = (command.args or "").split()
    await state.clear()
    if args == ["demo"]:
        connected = await stores.connect_sandbox(message.chat.id)
        await message.answer(_connected_text(tx, connected, settings, chat_settings))
    elif not args:
        await state.set_state(ConnectWizard.client_id)
        await message.answer(tx("connect.ask_client_id"))
    elif len(args) == 2:
        await delete_secret(tx, message)
        await _check_and_save(tx, message, args[0], args[1], stores, settings, chat_settings)
    else:
        await delete_secret(tx, message)  # any argument but "demo" may be a key
        await message.answer(tx("connect.usage"))


@router.message(StateFilter(ConnectWizard.client_id), private_chat, plain_text)
async def got_client_id(message: Message, state: FSMContext, tx: Texts) -> None:
    client_id = (message.text or "").strip()
    if not looks_like_client_id(client_id):
        if len(client_id) > MAX_CLIENT_ID_LENGTH:
            await delete_secret(tx, message)  # most likely the API key, pasted one step early
        await message.answer(tx("connect.bad_client_id"))
        return
    await state.update_data(client_id=client_id)
    await state.set_state(ConnectWizard.api_key)
    await message.answer(tx("connect.ask_api_key", client_id=client_id))


@router.message(StateFilter(ConnectWizard.api_key), private_chat, plain_text)
async def got_api_key(
    message: Message,
    state: FSMContext,
    stores: StoreService,
    settings: Settings,
    chat_settings: ChatSettings,
    tx: Texts,
) -> None:
    await delete_secret(tx, message)
    client_id = (await state.get_data()).get("client_id", "")
    await state.clear()
    await _check_and_save(
        tx, message, client_id, (message.text or "").strip(), stores, settings, chat_settings
    )


async def _check_and_save(
    tx: Texts,
    message: Message,
    client_id: str,
    api_key: str,
    stores: StoreService,
    settings: Settings,
    chat_settings: ChatSettings,
) -> None:
    if not looks_like_client_id(client_id):
        await message.answer(tx("connect.bad_client_id"))
        return
    if not looks_like_api_key(api_key):
        await message.answer(tx("connect.bad_key"))
        return
    progress = await message.answer(tx("connect.checking"))
    try:
        connected = await stores.connect(message.chat.id, client_id, api_key)
    except TooManyAttempts as error:
        text: str = tx("connect.too_many", wait=format_duration(tx, max(error.wait, 60)))
    except InvalidApiKey as error:
        text = tx("connect.invalid_key", reason=error.message)
    except (OzonUnavailable, RateLimited):
        text = tx("connect.ozon_unavailable")
    except OzonError as error:
        text = tx("connect.failed", reason=ozon_reason(tx, error))
    else:
        text = _connected_text(tx, connected, settings, chat_settings)
    await progress.edit_text(text)


def _connected_text(tx: Texts, connected: Connected, settings: Settings, chat: ChatSettings) -> str:
    if connected.sandbox:
        return tx("connect.demo_done")
    leads = chat.lead_times or settings.alert_lead_times
    text: str = tx(
        "connect.done",
        store=connected.name,
        client_id=connected.client_id,
        interval=format_duration(tx, settings.check_interval_seconds),
        lead_times=", ".join(format_lead(tx, lead) for lead in leads),
        timezone=chat.timezone,
    )
    if connected.missing_methods:
        text += "\n\n" + tx("connect.missing_roles", methods=", ".join(connected.missing_methods))
    return text


def looks_like_client_id(text: str) -> bool:
    """A Client-Id is a short number in ASCII digits: "١٢٣" or "²" pass isdigit() but cannot
    even be sent as an HTTP header."""
    return 0 < len(text) <= MAX_CLIENT_ID_LENGTH and text.isascii() and text.isdigit()


def looks_like_api_key(text: str) -> bool:
    """Ozon keys are long single words of ASCII letters, digits and dashes."""
    return len(text) >= MIN_KEY_LENGTH and text.isascii() and text.isprintable() and " " not in text


async def delete_secret(tx: Texts, message: Message, *, tell_if_kept: bool = True) -> bool:
    """Deletes a message that may carry a key; returns whether it is gone."""
    try:
        await message.delete()
    except (TelegramBadRequest, TelegramForbiddenError) as error:
        log.warning("could not delete a message carrying an API key: %s", error.message)
        if tell_if_kept:
            with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
                await message.answer(tx("connect.key_deleted_failed"))
        return False
    return True


# A word of 20+ ASCII letters, digits and dashes with both letters and digits in it (an Ozon key
# is a UUID), standing alone: not part of a link or a file name.
_KEY_WORD = re.compile(
    r"(?<![\w/.@-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{20,}(?![\w/.-])"
)


def contains_api_key(text: str | None) -> bool:
    return bool(text) and _KEY_WORD.search(text or "") is not None
