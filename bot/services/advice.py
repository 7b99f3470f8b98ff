"""Builds the preparation-time advice of a chat (/advice) from the hand-overs the bot has seen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.clock import utcnow
from bot.core.advice import WINDOW
from bot.i18n.texts import Texts
from bot.views.advice import render_advice
from storage import Database
from storage import advice as advice_db
from storage import stores as stores_db


class AdviceService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow):
        self._db = db
        self._clock = clock

    async def advice_for(self, tx: Texts, chat_id: int) -> str:
        """The advice for the stores linked to the chat, in `tx`'s language."""
        now = self._clock()
        linked = await stores_db.stores_in_chat(self._db, chat_id)
        rows = await advice_db.handed_over_since(self._db, chat_id, now - WINDOW)
        return render_advice(tx, now, rows, {store.id: store.name for store in linked})
