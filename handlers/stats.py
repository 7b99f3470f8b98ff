"""/stats for the bot's operators (BOT_ADMIN_IDS): counts across all stores, nothing about any
one of them. Anyone else gets the answer to an unknown command."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.clock import utcnow
from bot.i18n.texts import Markup, Texts
from bot.services.operators import OperatorService
from bot.views.format import format_duration, format_moment
from handlers.filters import private_chat

router = Router(name="stats")
router.message.filter(private_chat)


@router.message(Command("stats"))
async def stats(message: Message, operators: OperatorService, tx: Texts) -> None:
    figures = await operators.stats(message.from_user.id if message.from_user else 0)
    if figures is None:
        await message.answer(tx("unknown_text"))
        return
    now = utcnow()
    await message.answer(
        tx(
            "stats.body",
            stores=figures.stores,
            active=figures.stores_active,
            failing=figures.stores_failing,
            private=figures.private_chats,
            groups=figures.group_chats,
            paused=figures.paused_subscriptions,
            outbox=figures.outbox_depth,
            oldest=_ago(tx, figures.oldest_owed_at, now),
            last_scan=_ago(tx, figures.last_scan_at, now),
            stalest_scan=_ago(tx, figures.stalest_scan_at, now),
        )
        + "\n"
        + tx("stats.replica", replica=operators.replica_id)
    )


def _ago(tx: Texts, moment: datetime | None, now: datetime) -> Markup:
    if moment is None:
        return tx("stats.never")
    ago = format_duration(tx, max((now - moment).total_seconds(), 1))
    return tx("stats.ago", moment=format_moment(tx, moment, "UTC"), ago=ago)
