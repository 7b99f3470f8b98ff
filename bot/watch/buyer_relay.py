"""The buyer relay: new messages from buyers the bot wrote to, each relayed once under its
alert, in the seller's chat's language."""

from __future__ import annotations

import logging

from bot.i18n.texts import texts_for
from bot.ozon import OzonError, SellerClient
from bot.watch.context import StoreScan
from storage import Database
from storage import buyer_chats as buyer_chats_db
from storage import chats as chats_db
from storage import outbox as outbox_db

log = logging.getLogger(__name__)


class BuyerRelay:
    def __init__(self, db: Database):
        self._db = db

    async def relay(self, scan: StoreScan, client: SellerClient, only: str | None = None) -> None:
        """New messages from buyers the bot wrote to, each relayed once under its alert (of
        the one Ozon chat `only`, when a push notification named it)."""
        for chat in await buyer_chats_db.followed(self._db, scan.store.id, scan.now):
            if only is not None and chat.ozon_chat_id != only:
                continue
            try:
                history = await client.chat_history(chat.ozon_chat_id)
            except OzonError as error:
                log.warning("store %s: buyer chat of %s unreadable: %s", scan.store.client_id,
                            chat.posting_number, error)  # fmt: skip
                continue
            fresh = [m for m in history if m.message_id > chat.last_message_id]
            if not fresh:
                continue
            # the seller's chat's language, not the buyer's
            tx = texts_for(await chats_db.chat_language(self._db, chat.chat_id))
            async with self._db.transaction():
                for message in fresh:
                    if message.from_buyer and message.data:
                        text = tx(
                            "buyer.answered",
                            number=chat.posting_number,
                            text="\n".join(message.data)[:3000],
                        )
                        await outbox_db.tell(
                            self._db,
                            chat.chat_id,
                            text,
                            now=scan.now,
                            thread_id=chat.thread_id,
                            reply_to=chat.message_id,
                        )
                await buyer_chats_db.advance(self._db, chat, max(m.message_id for m in fresh))
