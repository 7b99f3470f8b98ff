"""A store's health as the owner and its chats hear of it: Ozon failing for it (tried less and
less often, the chats told once), Ozon back, a key Ozon refuses, a key about to expire, and a
method Ozon has switched off (the owner and the bot's operators told once)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.i18n.texts import texts_for
from bot.ozon import REQUIRED_METHODS, InvalidApiKey, MethodGone, MissingRole, OzonError
from bot.views.format import format_duration, format_moment
from storage import Database
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.stores import Store

log = logging.getLogger(__name__)

OUTAGE_NOTICE_AFTER = timedelta(minutes=10)  # Ozon failing this long: the chats are told
MAX_CIRCUIT_WAIT = timedelta(minutes=15)
KEY_WARNING_DAYS = (1, 7)  # most urgent first
# What stops when Ozon switches a method off, in the owner's words.
FEATURE_OF = {
    "/v2/product/info/stocks-by-warehouse/fbs": "feature.stock",
    "/v4/posting/fbs/unfulfilled/list": "feature.deadlines",
    "/v4/posting/fbs/list": "feature.deadlines",
}


class StoreHealth:
    def __init__(self, db: Database, operator_ids: frozenset[int] = frozenset()):
        self._db = db
        self._operators = operator_ids
        self._scanned: dict[int, datetime] = {}  # healthy stores scanned, not yet written

    async def failing(self, store: Store, now: datetime) -> None:
        """Ozon keeps failing for this store: wait longer between tries (up to 15 min), and
        after a while tell its chats once that alerts may be late."""
        since = store.failing_since or now
        failing_for = now - since
        wait = min(MAX_CIRCUIT_WAIT, max(timedelta(seconds=30), failing_for))
        notify = not store.outage_notified and failing_for >= OUTAGE_NOTICE_AFTER
        async with self._db.transaction():
            await stores_db.mark_failing(
                self._db, store.id, since, now + wait, store.outage_notified or notify
            )
            if notify:
                await self._tell_store_chats(store, "store.ozon_down", now, since=since)

    async def recovered(self, store: Store, now: datetime) -> None:
        if store.failing_since is None and store.next_try_at is None and not store.outage_notified:
            # Nothing to close: only the scan time changes, written with the others' (`flush`).
            self._scanned[store.id] = now
            return
        async with self._db.transaction():
            await stores_db.mark_scanned(self._db, store.id, now)
            if store.outage_notified:
                await self._tell_store_chats(store, "store.ozon_back", now)

    async def flush(self) -> None:
        """Writes the scan times of the healthy stores scanned since the last flush at once:
        on PostgreSQL a transaction of its own per store was a fifth of a steady scan's CPU."""
        scanned, self._scanned = self._scanned, {}
        if scanned:
            await stores_db.mark_scanned_at(self._db, scanned)

    async def _tell_store_chats(
        self, store: Store, key: str, now: datetime, since: datetime | None = None
    ) -> None:
        for sub in await stores_db.subscribers(self._db, store.id):
            tx = texts_for(sub.language)
            when = format_moment(tx, since, sub.timezone) if since else ""
            text = tx(key, store=store.name, since=when)
            await outbox_db.tell(self._db, sub.chat_id, text, now=now, thread_id=sub.thread_id)

    async def warn_key_expiry(self, store: Store, now: datetime) -> None:
        """Warns the owner 7 days and 1 day before the API key expires, once each."""
        if store.key_expires_at is None:
            return
        left = store.key_expires_at - now
        due = next((d for d in KEY_WARNING_DAYS if left <= timedelta(days=d)), None)
        if due is None or (store.key_warned_days is not None and store.key_warned_days <= due):
            return
        tx = texts_for(await chats_db.chat_language(self._db, store.owner_user_id))
        text = tx("store.key_expires", store=store.name,
                  when=format_duration(tx, max(left.total_seconds(), 60)))  # fmt: skip
        async with self._db.transaction():
            await stores_db.mark_key_warned(self._db, store.id, due)
            await outbox_db.tell(self._db, store.owner_user_id, text, now=now)

    async def key_rejected(self, store: Store, error: OzonError, now: datetime) -> None:
        log.warning("store %s: Ozon rejected the key: %s", store.client_id, error.message)
        tx = texts_for(await chats_db.chat_language(self._db, store.owner_user_id))
        text = tx("store.key_invalid", store=store.name, reason=error.message) + (
            tx("store.needs_role", methods=", ".join(REQUIRED_METHODS))
            if isinstance(error, MissingRole)
            else ""
        )
        async with self._db.transaction():
            state = "key_invalid" if isinstance(error, InvalidApiKey) else "key_refused"
            await stores_db.set_store_state(self._db, store.id, state)
            await outbox_db.tell(self._db, store.owner_user_id, text, now=now)

    async def method_gone(self, store: Store, error: MethodGone, now: datetime) -> None:
        """Ozon answers a method as switched off: what the bot did with it has stopped. The
        owner hears it once per store, the operators once per method (they update the bot)."""
        log.error("store %s: Ozon has switched %s off: %s", store.client_id, error.path,
                  error.message)  # fmt: skip
        async with self._db.transaction():  # recorded as told only together with the telling
            store_new, first = await stores_db.first_gone(self._db, store.id, error.path, now)
            if store_new:
                tx = texts_for(await chats_db.chat_language(self._db, store.owner_user_id))
                feature = tx.plain(FEATURE_OF.get(error.path, "feature.other"))
                text = tx("store.method_gone", store=store.name, method=error.path,
                          feature=feature)  # fmt: skip
                await outbox_db.tell(self._db, store.owner_user_id, text, now=now)
            for operator in sorted(self._operators) if first else ():
                tx = texts_for(await chats_db.chat_language(self._db, operator))
                text = tx("operators.method_gone", method=error.path, client_id=store.client_id,
                          reason=error.message)  # fmt: skip
                await outbox_db.tell(self._db, operator, text, now=now)
