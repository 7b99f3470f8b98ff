"""Delivery to Telegram: one sender drains the outbox, so nothing owed lives only in memory.

An item leaves the outbox only after Telegram accepted it (or can never accept it), so a crash
at any moment loses nothing; it can repeat one message that Telegram accepted just before."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, ReplyParameters

from bot.clock import utcnow
from bot.core.deadlines import split_text
from bot.i18n.texts import texts_for
from bot.telegram.pacing import SendPacer, paced
from storage import Database
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
TELEGRAM_TEXT_LIMIT = 4096


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        clock: Callable[[], datetime] = utcnow,
        messages_per_second: float = 25.0,
        batch: int = 100,
        pacer: SendPacer | None = None,
        active: Callable[[], bool] = lambda: True,
    ):
        """`active`: whether this process sends now (of several replicas, the leader does)."""
        self._db = db
        self._active = active
        self._bot = bot
        self._clock = clock
        self.pacer = pacer or paced(bot, messages_per_second)
        self._batch = batch
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the item in flight, then return from `run`."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            if not self._active():
                await self.pacer.idle(1.0, self._wake)
                continue
            try:
                items = await outbox_db.due(self._db, self._clock(), self._batch)
            except Exception:  # a database hiccup must not end all delivery: tried again
                log.exception("reading the outbox failed")
                items = []
            pause = await self._send_ready(items) if items else 1.0
            if pause > 0:
                await self.pacer.idle(pause, self._wake)

    async def _send_ready(self, items: list[OutboxItem]) -> float:
        """Sends, in order, the items whose chat Telegram's limits allow now (a chat that must
        wait keeps its order, other chats go ahead); returns how long to wait before the next
        try (0 to go on at once)."""
        soonest = 1.0
        for item in items:
            if self._stopping:
                return 0.0
            wait = self.pacer.wait(item.chat_id)
            if 0 < wait <= self.pacer.interval:
                # Its turn comes within one step of the overall pace: waited for here, with the
                # batch in hand (going back to the outbox for every message cost a tenth of
                # the rate on PostgreSQL).
                await self.pacer.sleep(wait)
                wait = self.pacer.wait(item.chat_id)
            if wait > 0:
                soonest = min(soonest, wait)
                continue  # the request itself takes its turn (PacedRequests): others go ahead
            try:
                if not await self.deliver(item):
                    return 0.0  # re-read the outbox after a rate limit
            except Exception:
                # The item stays owed; a database hiccup must not stop all delivery.
                log.exception("delivering outbox item %s failed", item.id)
                return 1.0
            soonest = 0.0
        return soonest

    async def deliver(self, item: OutboxItem) -> bool:
        """Tries one item; returns False when Telegram asked to slow down."""
        try:
            await self._send(item)
        except TelegramRetryAfter as error:
            log.warning("Telegram asks to wait %s s", error.retry_after)
            self.pacer.pause_all(error.retry_after)
            return False
        except TelegramMigrateToChat as error:
            log.info("chat %s became supergroup %s", item.chat_id, error.migrate_to_chat_id)
            await chats_db.migrate_chat(self._db, item.chat_id, error.migrate_to_chat_id)
        except TelegramForbiddenError as error:
            await self._unreachable(item, error.message)
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                await outbox_db.complete(self._db, item)
            elif "chat not found" in error.message:
                await self._unreachable(item, error.message)
            else:
                # Resending the same request cannot succeed: drop it, loudly.
                log.error("Telegram refused outbox item %s: %s", item.id, error.message)
                await outbox_db.complete(self._db, item)
        except (TelegramNetworkError, TelegramServerError) as error:
            delay = min(MAX_BACKOFF, timedelta(seconds=2 ** min(item.attempts, 10)))
            log.warning("sending outbox item %s failed (%s); retry in %s", item.id, error, delay)
            await outbox_db.postpone(self._db, item, self._clock() + delay)
        return True

    async def _send(self, item: OutboxItem) -> None:
        markup = (
            InlineKeyboardMarkup.model_validate_json(item.reply_markup)
            if item.reply_markup
            else None
        )
        if item.action == "photo":
            picture = BufferedInputFile(await outbox_db.photo_of(self._db, item.id), "chart.png")
            sent = await self._bot.send_photo(
                chat_id=item.chat_id, photo=picture, caption=item.text or None,
                message_thread_id=item.thread_id, disable_notification=item.silent or None,
            )  # fmt: skip
            await outbox_db.complete(self._db, item, sent.message_id)
            return
        if item.action == "send":
            reply = (
                ReplyParameters(
                    message_id=item.reply_to_telegram_id, allow_sending_without_reply=True
                )
                if item.reply_to_telegram_id
                else None
            )
            # Telegram takes 4,096 characters: a longer text goes in parts split between lines,
            # the buttons with the last part, which is the one later edits change.
            parts = split_text(item.text, TELEGRAM_TEXT_LIMIT)
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                sent = await self._bot.send_message(
                    chat_id=item.chat_id,
                    text=part,
                    message_thread_id=item.thread_id,
                    reply_markup=markup if last else None,
                    reply_parameters=reply if index == 0 else None,
                    disable_notification=item.silent or None,
                )
            await outbox_db.complete(self._db, item, sent.message_id)
            return
        if item.telegram_message_id is None:
            # Its send was refused for good (pending sends absorb edits), so there is
            # nothing on screen to edit.
            log.info("outbox item %s edits a message that was never delivered", item.id)
        else:
            await self._bot.edit_message_text(
                chat_id=item.chat_id,
                message_id=item.telegram_message_id,
                text=item.text,
                reply_markup=markup,
            )
        await outbox_db.complete(self._db, item)

    async def _unreachable(self, item: OutboxItem, reason: str) -> None:
        """The bot was blocked or removed: stop owing the chat alerts, and tell the owners of
        the stores it watched (in private) so that nobody relies on a silent group."""
        log.warning(
            "chat %s is unreachable (%s): its subscriptions are paused", item.chat_id, reason
        )
        async with self._db.transaction():
            stores = await stores_db.stores_in_chat(self._db, item.chat_id)
            await stores_db.pause_chat(self._db, item.chat_id)
            await outbox_db.drop_chat(self._db, item.chat_id)
            owners: dict[int, list[str]] = {}
            for store in stores:
                if store.owner_user_id != item.chat_id:
                    owners.setdefault(store.owner_user_id, []).append(store.name)
            for owner, names in owners.items():
                tx = texts_for(await chats_db.chat_language(self._db, owner))
                text = tx("chat.unreachable", stores=", ".join(names))
                await outbox_db.tell(self._db, owner, text, now=self._clock())
