"""/settings: one screen per chat; tap a setting to cycle through common values, or type
`/settings <name> <value>`. In a group only its admins may change the chat's own settings; who
may press a store's alert buttons is its owner's to decide, one screen per store."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import Field

from bot.config import Settings
from bot.core.chat_rules import (
    DEFAULT_ESCALATION_DELAY,
    DEFAULT_GROUP_THRESHOLD,
    DEFAULT_REPEAT_INTERVAL,
    ROLES,
    SETTABLE_ACTIONS,
    InvalidSetting,
)
from bot.core.leads import format_lead_time
from bot.core.permissions import NotAllowed
from bot.i18n.texts import Texts
from bot.services.chats import ChatService
from bot.services.stores import StoreService
from bot.views.format import format_lead
from handlers.filters import Magic
from handlers.replies import display_name, edit_in_place
from handlers.stores import MAX_ROW_ID

router = Router(name="settings")


class StoreRulesTap(CallbackData, prefix="rules"):
    """A store's button rules in this chat: open its screen (no action), move one action on to
    `role`, or go back to the chat's settings (store 0)."""

    store_id: int = Field(ge=0, le=MAX_ROW_ID)
    action: str = ""
    role: str = ""


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
    tx: Texts,
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
        await message.answer(tx("settings.invalid", reason=tx(error.key, **error.values)))
        return
    except NotAllowed as refusal:
        await message.answer(tx(f"settings.not_allowed.{refusal.needed}"))
        return
    text, keyboard = await _screen(tx, message.chat.id, chats, stores, settings)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(Magic(F.data.startswith("set:")))
async def tap(
    query: CallbackQuery,
    chats: ChatService,
    stores: StoreService,
    settings: Settings,
    tx: Texts,
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
        await query.answer(tx.plain(error.key, **error.values)[:190], show_alert=True)
        return
    except NotAllowed as refusal:
        await query.answer(tx(f"settings.not_allowed.{refusal.needed}"), show_alert=True)
        return
    await query.answer(tx("settings.saved"))
    text, keyboard = await _screen(tx, message.chat.id, chats, stores, settings)
    await edit_in_place(message, text, keyboard)


async def _screen(
    tx: Texts, chat_id: int, chats: ChatService, stores: StoreService, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    current = await chats.settings(chat_id)
    assert current is not None  # the middleware created the chat
    leads = current.lead_times or settings.alert_lead_times
    linked = await stores.linked(chat_id)
    escalation = (current.escalation_delay or DEFAULT_ESCALATION_DELAY) // 60
    repeat = (current.repeat_interval or DEFAULT_REPEAT_INTERVAL) // 60
    text = (
        tx("settings.title")
        + "\n"
        + tx(
            "settings.body",
            timezone=current.timezone,
            leads=", ".join(format_lead(tx, lead) for lead in leads),
            quiet=current.quiet_hours or tx("settings.off"),
            threshold=current.group_threshold or DEFAULT_GROUP_THRESHOLD,
            escalation=tx("settings.minutes", minutes=escalation),
            contacts=current.escalation_contacts or tx("settings.nobody"),
            repeat=tx("settings.minutes", minutes=repeat),
            stores=", ".join(store.name for store in linked) or tx("settings.none"),
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
                text=tx.plain(f"settings.button.{name}", value=_label(tx, name, shown[name])),
                callback_data=f"set:{name}:{_next(PRESETS[name], shown[name])}",
            )
        ]
        for name in PRESETS
    ]
    if chat_id < 0:  # in a private chat only the owner presses: the rules change nothing
        rows += [
            [
                InlineKeyboardButton(
                    text=tx.plain("settings.button.store_rules", store=store.name),
                    callback_data=StoreRulesTap(store_id=store.id).pack(),
                )
            ]
            for store in linked
        ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@router.callback_query(StoreRulesTap.filter())
async def store_rules(
    query: CallbackQuery,
    callback_data: StoreRulesTap,
    chats: ChatService,
    stores: StoreService,
    settings: Settings,
    tx: Texts,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    chat_id = message.chat.id
    if callback_data.store_id == 0:
        await query.answer()
        text, keyboard = await _screen(tx, chat_id, chats, stores, settings)
        await edit_in_place(message, text, keyboard)
        return
    if callback_data.action:
        try:
            await chats.change_button_rule(
                chat_id, query.from_user.id, display_name(query.from_user),
                callback_data.store_id, f"{callback_data.action} {callback_data.role}",
            )  # fmt: skip
        except InvalidSetting as error:
            await query.answer(tx.plain(error.key, **error.values)[:190], show_alert=True)
            return
        except NotAllowed:
            await query.answer(tx("settings.not_allowed.owner"), show_alert=True)
            return
    found = next(
        (rules for rules in await chats.button_rules(chat_id)
         if rules.store.id == callback_data.store_id),
        None,
    )  # fmt: skip
    if found is None:  # unlinked meanwhile, or a forged button
        await query.answer(tx("settings.store_not_linked"), show_alert=True)
        return
    await query.answer(tx("settings.saved") if callback_data.action else None)
    rows = []
    for action in SETTABLE_ACTIONS:
        role = found.rules[action]
        label = tx.plain("settings.button.permission", action=tx.plain(f"settings.action.{action}"),
                         role=tx.plain(f"settings.role.{role}"))  # fmt: skip
        data = StoreRulesTap(store_id=found.store.id, action=action, role=_next(ROLES, role))
        rows.append([InlineKeyboardButton(text=label, callback_data=data.pack())])
    back = StoreRulesTap(store_id=0).pack()
    rows.append([InlineKeyboardButton(text=tx.plain("button.back"), callback_data=back)])
    text = tx("settings.store_rules", store=found.store.name)
    await edit_in_place(message, text, InlineKeyboardMarkup(inline_keyboard=rows))


def _label(tx: Texts, name: str, value: str) -> str:
    if name == "leads":
        return value.replace(",", ", ")
    return tx.plain("settings.off") if value == "off" else value


def _next(options: tuple[str, ...], current: str) -> str:
    return (
        options[(options.index(current) + 1) % len(options)] if current in options else options[0]
    )
