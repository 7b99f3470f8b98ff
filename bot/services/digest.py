"""Sends each chat its daily digest at its chosen time, and builds one on demand (/digest)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.core.digest import day_bounds, digest_due
from bot.i18n.texts import texts_for
from bot.ozon import OzonError
from bot.ozon.models import ErrorIndex
from bot.security.crypto import UnreadableKey
from bot.services.wiring import Wiring
from bot.views.chart import due_per_hour_png
from bot.views.digest import render_digest
from storage import digests as digests_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.digests import DigestChat

log = logging.getLogger(__name__)
CHART_HOURS = 48


class DigestService:
    def __init__(self, wiring: Wiring):
        self._db = wiring.db
        self._sellers = wiring.sellers
        self._clock = wiring.clock
        self._on_outbox = wiring.on_outbox

    async def send_due(self) -> int:
        """Queues the digest of every chat whose time has come today; returns how many."""
        now = self._clock()
        sent = 0
        for chat in await digests_db.digest_chats(self._db):
            local_date = digest_due(now, chat.timezone, chat.digest_time, chat.sent_on)
            if local_date is None:
                continue
            if chat.sent_on is None:  # a chat new to the digest starts tomorrow; /digest works
                await digests_db.mark_digest_sent(self._db, chat.chat_id, local_date)
                continue
            try:
                text, chart = await self._build(chat, now)
            except Exception:
                log.exception("chat %s: the digest could not be built", chat.chat_id)
                continue
            async with self._db.transaction():
                for action, body, photo in (("send", text, None), ("photo", "", chart)):
                    await outbox_db.enqueue(
                        self._db, chat_id=chat.chat_id, thread_id=chat.thread_id, action=action,
                        text=body, reply_markup=None, now=now, silent=True, photo=photo,
                    )  # fmt: skip
                await digests_db.mark_digest_sent(self._db, chat.chat_id, local_date)
            sent += 1
        if sent:
            self._on_outbox()
        return sent

    async def digest_for(self, chat_id: int) -> tuple[str, bytes] | None:
        """The digest of a chat now (None: the bot has never seen the chat)."""
        chat = await digests_db.digest_chat(self._db, chat_id)
        return await self._build(chat, self._clock()) if chat else None

    async def _build(self, chat: DigestChat, now: datetime) -> tuple[str, bytes]:
        _, tomorrow_end = day_bounds(now, chat.timezone, 1)
        yesterday = day_bounds(now, chat.timezone, -1)
        horizon = max(tomorrow_end, now + timedelta(hours=CHART_HOURS))
        pending = await digests_db.watched_before(self._db, chat.chat_id, horizon)
        settled = await digests_db.settled_between(self._db, chat.chat_id, *yesterday)
        indexes = await self._error_indexes(chat.chat_id)
        tx = texts_for(chat.language)
        text = render_digest(
            tx, now, chat.timezone, [p for p in pending if p.shipment_date < tomorrow_end],
            settled, indexes,
        )  # fmt: skip
        labels = {
            "title": tx.plain("digest.chart_title"),
            "now_label": tx.plain("digest.now"),
            "overdue_label": tx.plain("digest.overdue_label"),
        }
        chart = await asyncio.to_thread(  # matplotlib takes a fifth of a second: off the loop
            due_per_hour_png,
            [p.shipment_date for p in pending if p.shipment_date > now],
            now,
            chat.timezone,
            overdue=sum(1 for p in pending if p.shipment_date <= now),
            hours=CHART_HOURS,
            **labels,
        )
        return text, chart

    async def _error_indexes(self, chat_id: int) -> dict[str, ErrorIndex]:
        """Each linked store's error index, where its key may read it."""
        found = {}
        for store in await stores_db.stores_in_chat(self._db, chat_id):
            if store.state != "active":
                continue
            try:
                found[store.name] = await self._sellers.of(store).error_index()
            except (OzonError, UnreadableKey) as error:
                log.info("store %s: no error index for the digest: %s", store.client_id, error)
        return found
