"""The buttons of alerts: what Ozon allows for a posting now, the team's steps, and a link to
the posting in Seller Center. Each carries the alert's random token, checked on every press."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.cutoff import cutoff_owed
from bot.core.traps import can_pack_again
from bot.i18n.texts import Texts
from bot.ozon.models import Posting
from bot.views.buttons import SNOOZE_MINUTES, AlertButton, AlertVerb
from bot.views.render import PostingView

SELLER_CENTER_POSTINGS = "https://seller.ozon.ru/app/postings/fbs"
SELLER_CENTER_POSTING = "https://seller.ozon.ru/app/postings/fbs?postingDetails={number}"
MAX_GROUP_BUTTONS = 90  # Telegram allows 100 buttons on a message
BOX_COUNT = "box_count"  # stands for a multi-box posting still to pack among the offers

# An alert's rows of buttons: label, verb, and the `available_actions` entry that offers it.
ANSWERS = (
    ("button.cancel", AlertVerb.CANCEL, "cancel"),
    ("button.message_buyer", AlertVerb.BUYER, "can_create_chat"),
)
PARTS = (("button.cancel_items", AlertVerb.CANCEL_ITEMS, "product_cancel"),)
DATES = (
    ("button.set_cutoff", AlertVerb.EXTEND, "set_cutoff"),
    ("button.timeslot", AlertVerb.TIMESLOT, "set_timeslot"),
)
STEPS = (
    ("button.tracking", AlertVerb.TRACK, "set_track_number"),
    ("button.delivering", AlertVerb.DELIVERING, "non_int_delivering"),
    ("button.boxes", AlertVerb.BOXES, BOX_COUNT),
    ("button.repack", AlertVerb.REPACK, "ship_async_retry"),
)
ALERT_ROWS = (ANSWERS, PARTS, DATES, STEPS)
ON_ITS_WAY = (
    ("button.last_mile", AlertVerb.LAST_MILE, "non_int_last_mile"),
    ("button.delivered", AlertVerb.DELIVERED, "non_int_delivered"),
    ("button.message_buyer", AlertVerb.BUYER, "can_create_chat"),
)


def alert_keyboard(
    tx: Texts,
    posting: Posting,
    token: str | None,
    now: datetime,
    *,
    team: bool = False,
    claimed: bool = False,
) -> InlineKeyboardMarkup:
    """The buttons Ozon allows for the posting now (none without a token: nothing to do),
    in a team chat claim and snooze, and the link to it in Seller Center."""
    rows: list[list[InlineKeyboardButton]] = []
    if token and team:
        rows.append([_alert_button(tx, "button.release" if claimed else "button.claim", token,
                                   AlertVerb.RELEASE if claimed else AlertVerb.CLAIM)])  # fmt: skip
        rows.append(
            [
                InlineKeyboardButton(
                    text=tx.plain(f"button.snooze_{minutes}"),
                    callback_data=AlertButton(
                        token=token, verb=AlertVerb.SNOOZE, arg=minutes
                    ).pack(),
                )
                for minutes in SNOOZE_MINUTES
            ]
        )
    if token:
        allowed = set(posting.available_actions)
        if not cutoff_owed(posting, now):
            allowed.discard("set_cutoff")
        # More than one unit: cancelling some leaves a posting to ship.
        if sum(p.quantity for p in posting.products) <= 1:
            allowed.discard("product_cancel")
        if not can_pack_again(posting):
            allowed.discard("ship_async_retry")  # Seller Center: per-unit data to enter
        if posting.is_multibox and posting.status == "awaiting_packaging":
            allowed.add(BOX_COUNT)  # Ozon names no action for it
        for row in ALERT_ROWS:
            offered = _offered(tx, token, allowed, row)
            if row is DATES and not offered:
                offered = [_alert_button(tx, "button.ask_ozon", token, AlertVerb.ASK)]
            rows += [offered] if offered else []
    return _with_link(tx, posting, rows)


def promise_keyboard(tx: Texts, posting: Posting, token: str | None) -> InlineKeyboardMarkup:
    """A posting on its way: the delivery steps Ozon offers, a message to the buyer, and the
    link to it in Seller Center."""
    offered = _offered(tx, token, set(posting.available_actions), ON_ITS_WAY) if token else []
    return _with_link(tx, posting, [offered] if offered else [])


def _offered(
    tx: Texts, token: str, allowed: set[str], row: Sequence[tuple[str, AlertVerb, str]]
) -> list[InlineKeyboardButton]:
    """The buttons of a row whose `available_actions` entry Ozon offers now."""
    return [_alert_button(tx, label, token, verb) for label, verb, action in row
            if action in allowed]  # fmt: skip


def _with_link(
    tx: Texts, posting: Posting, rows: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup:
    url = SELLER_CENTER_POSTING.format(number=posting.posting_number)
    rows.append([InlineKeyboardButton(text=tx.plain("alert.open_button"), url=url)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _alert_button(tx: Texts, label: str, token: str, verb: AlertVerb) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=tx.plain(label), callback_data=AlertButton(token=token, verb=verb).pack()
    )


def group_keyboard(
    tx: Texts, views: Sequence[PostingView], token: str | None
) -> InlineKeyboardMarkup:
    """A button per pending posting, opening its own alert to act on it, and the link to
    the postings in Seller Center."""
    buttons = [
        InlineKeyboardButton(
            text=tx.plain("button.open", number=view.posting.posting_number),
            callback_data=AlertButton(token=token, verb=AlertVerb.OPEN, arg=str(index)).pack(),
        )
        for index, view in enumerate(views)
        if token and view.outcome is None
    ][:MAX_GROUP_BUTTONS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [InlineKeyboardButton(text=tx.plain("group.open_button"), url=SELLER_CENTER_POSTINGS)]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)
