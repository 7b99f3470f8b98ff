"""/status: per store, postings watched and the next deadlines in the chat's time zone."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.clock import utcnow
from bot.i18n.texts import Texts
from bot.services.stores import StoreService
from bot.views.format import format_duration, format_moment, time_left
from handlers.filters import private_chat
from handlers.replies import answer_in_parts
from handlers.stores import store_state
from storage.chats import ChatSettings

router = Router(name="status")
router.message.filter(private_chat)


@router.message(Command("status"))
async def status(
    message: Message, stores: StoreService, chat_settings: ChatSettings, tx: Texts
) -> None:
    report = await stores.status(message.chat.id)
    if not report:
        await message.answer(tx("status.none"))
        return
    now = utcnow()
    blocks: list[str] = []
    for item in report:
        if item.store.state != "active":
            blocks.append(
                tx("status.paused", store=item.store.name, state=store_state(tx, item.store))
            )
            continue
        scanned = (
            tx(
                "status.scanned",
                ago=format_duration(tx, (now - item.store.last_scan_at).total_seconds()),
            )
            if item.store.last_scan_at
            else tx("status.not_scanned")
        )
        lines = [tx("status.store", store=item.store.name, count=item.watched, scanned=scanned)]
        lines += [
            tx(
                "status.deadline_line",
                number=posting.posting_number,
                deadline=format_moment(tx, posting.shipment_date, chat_settings.timezone),
                left=time_left(tx, posting.shipment_date, now),
            )
            for posting in item.next_deadlines
        ]
        blocks.append("\n".join(lines))
    await answer_in_parts(message, "\n\n".join(blocks))
