"""/settings: one screen per chat; tap a setting to cycle through common values, or type
`/settings <name> <value>`. In a group only admins and the owners of its stores may change it."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.chat_rules import (
    DEFAULT_ESCALATION_DELAY,
    DEFAULT_GROUP_THRESHOLD,
    DEFAULT_REPEAT_INTERVAL,
    ROLES,
    SETTABLE_ACTIONS,
    InvalidSetting,
)
from bot.chats import ChatService
from bot.config import Settings, format_lead_time
from bot.permissions import DEFAULT_RULES, NotAllowed
from bot.render import format_lead
from bot.stores import StoreService
from bot.texts import Markup, button_text, t
from handlers.filters import Magic
from handlers.replies import display_name

router = Router(name="settings")

# What a tap moves to next, per setting, written as a user would type it.
PRESETS = {
    "leads": ("1d,4h,1h", "2d,1d,4h,1h", "12h,4h,1h", "4h,1h"),
    "quiet": ("off", "22:00-08:00", "23:00-07:00", "00:00-08:00"),
    "threshold": ("3", "5", "10", "20"),
    "escalation": ("5", "15", "30", "60"),
    "repeat": ("30", "60", "120", "240"),
}


@router.message(Command("settings"))
async def settings(
    message: Message,
    command: CommandObject,
    chats: ChatService,
    stores: StoreService,
    settings: Settings,
) -> None:
    user = message.from_user
    if user is None:
        return
    args = (command.args or "").split(maxsplit=1)
    sender = message.sender_chat.id if message.sender_chat else None
    try:
        if args:
            await chats.change(message.chat.id, user.id, display_name(user), args[0].lower(),
                               args[1] if len(args) > 1 else "", sender)  # fmt: skip
        else:
            await chats.authorise(message.chat.id, user.id, "settings.view", sender)
    except InvalidSetting as error:
        await message.answer(t("settings.invalid", reason=str(error)[:300]))
        return
    except NotAllowed as refusal:
        await message.answer(t(f"settings.not_allowed.{refusal.needed}"))
        return
    text, keyboard = await _screen(message.chat.id, chats, stores, settings)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(Magic(F.data.startswith("set:")))
async def tap(
    query: CallbackQuery,
    chats: ChatService,
    stores: StoreService,
    settings: Settings,
) -> None:
    message = query.message
    if not isinstance(message, Message) or not query.data:
        await query.answer()
        return
    _, name, value = [*query.data.split(":", 2), "", ""][:3]
    try:
        user = query.from_user
        await chats.change(message.chat.id, user.id, display_name(user), name, value)
    except InvalidSetting as error:
        await query.answer(str(error)[:190], show_alert=True)
        return
    except NotAllowed as refusal:
        await query.answer(t(f"settings.not_allowed.{refusal.needed}"), show_alert=True)
        return
    await query.answer(t("settings.saved"))
    text, keyboard = await _screen(message.chat.id, chats, stores, settings)
    with contextlib.suppress(TelegramBadRequest):  # two admins tapping the same old screen
        await message.edit_text(text, reply_markup=keyboard)


async def _screen(
    chat_id: int, chats: ChatService, stores: StoreService, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    current = await chats.settings(chat_id)
    assert current is not None  # the middleware created the chat
    leads = current.lead_times or settings.alert_lead_times
    linked = await stores.linked(chat_id)
    escalation = (current.escalation_delay or DEFAULT_ESCALATION_DELAY) // 60
    repeat = (current.repeat_interval or DEFAULT_REPEAT_INTERVAL) // 60
    text = (
        t("settings.title")
        + "\n"
        + t(
            "settings.body",
            timezone=current.timezone,
            leads=", ".join(format_lead(lead) for lead in leads),
            quiet=current.quiet_hours or t("settings.off"),
            threshold=current.group_threshold or DEFAULT_GROUP_THRESHOLD,
            escalation=t("settings.minutes", minutes=escalation),
            contacts=current.escalation_contacts or Markup(t("settings.nobody")),
            repeat=t("settings.minutes", minutes=repeat),
            stores=", ".join(store.name for store in linked) or Markup(t("settings.none")),
        )
    )
    shown = {
        "leads": ",".join(format_lead_time(lead) for lead in leads),
        "quiet": current.quiet_hours or "off",
        "threshold": str(current.group_threshold or DEFAULT_GROUP_THRESHOLD),
        "escalation": str(escalation),
        "repeat": str(repeat),
    }
    rows = [
        [
            InlineKeyboardButton(
                text=button_text(f"settings.button.{name}", value=_label(name, shown[name])),
                callback_data=f"set:{name}:{_next(PRESETS[name], shown[name])}",
            )
        ]
        for name in PRESETS
    ]
    for action in SETTABLE_ACTIONS:
        role = current.permissions.get(action, DEFAULT_RULES[action])
        label = button_text("settings.button.permission", action=t(f"settings.action.{action}"),
                            role=t(f"settings.role.{role}"))  # fmt: skip
        rows.append(
            [InlineKeyboardButton(text=label,
                                  callback_data=f"set:permissions:{action} {_next(ROLES, role)}")]
        )  # fmt: skip
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _label(name: str, value: str) -> str:
    if name == "leads":
        return value.replace(",", ", ")
    return t("settings.off") if value == "off" else value


def _next(options: tuple[str, ...], current: str) -> str:
    return (
        options[(options.index(current) + 1) % len(options)] if current in options else options[0]
    )
