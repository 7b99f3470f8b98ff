"""The sample store's own push notifications: the order that comes in a minute after the
sample store is connected (bot/ozon/sandbox.py) is told as Ozon would tell it, written to the
inbox like a received notification, so its alert comes at once instead of at the next scan."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.core.push import PushType
from bot.ozon import SANDBOX_CLIENT_ID
from bot.ozon.sandbox import PUSHED_AFTER, PUSHED_SAMPLE
from storage import Database
from storage import push as push_db

KEY = f"sample:{PUSHED_SAMPLE}"
TOLD_FOR = timedelta(days=1)  # a sample store older than this has seen its order long ago


class SamplePush:
    def __init__(
        self,
        db: Database,
        on_notification: Callable[[], None],
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._db = db
        self._on_notification = on_notification
        self._clock = clock

    async def tick(self) -> int:
        """Tells each sample store whose order has come in; returns how many were told."""
        now = self._clock()
        span = (now - TOLD_FOR, now - PUSHED_AFTER)
        told = 0
        for store_id in await push_db.stores_without(self._db, SANDBOX_CLIENT_ID, KEY, span):
            body = {"message_type": PushType.NEW_POSTING.value, "posting_number": PUSHED_SAMPLE}
            told += await push_db.receive(self._db, store_id, PushType.NEW_POSTING.value, KEY,
                                          json.dumps(body), now)  # fmt: skip
        if told:
            self._on_notification()
        return told
