"""The bot's operators (BOT_ADMIN_IDS): /stats, and reports of suspicious use."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.clock import utcnow
from bot.i18n.texts import texts_for
from storage import Database
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage.stats import Stats, bot_stats

log = logging.getLogger(__name__)


class OperatorService:
    def __init__(
        self,
        db: Database,
        operator_ids: frozenset[int],
        *,
        clock: Callable[[], datetime] = utcnow,
        on_outbox: Callable[[], None] = lambda: None,
        replica_id: str = "",
    ):
        self._db = db
        self._operators = operator_ids
        self.replica_id = replica_id  # the process that answers /stats
        self._clock = clock
        self._on_outbox = on_outbox

    def is_operator(self, user_id: int) -> bool:
        return user_id in self._operators

    async def stats(self, user_id: int) -> Stats | None:
        """None for anyone but an operator: nobody else sees beyond their own stores."""
        return await bot_stats(self._db) if self.is_operator(user_id) else None

    async def report_key_guessing(self, user_id: int, wrong_keys: int) -> None:
        log.warning("user %s sent %s wrong API keys in a row; slowed down", user_id, wrong_keys)
        for operator in sorted(self._operators):
            tx = texts_for(await chats_db.chat_language(self._db, operator))
            text = tx("operators.key_guessing", user_id=user_id, count=wrong_keys)
            await outbox_db.enqueue(
                self._db, chat_id=operator, thread_id=None, action="send", text=text,
                reply_markup=None, now=self._clock(),
            )  # fmt: skip
        self._on_outbox()
