"""aiogram's FSM storage in the bot's database: a conversation (the /connect wizard, a typed
explanation, an own text to the buyer) continues on whichever replica receives the next update,
and after a restart. Reads are lookups by key, so an update pays one index search."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from bot.clock import utcnow
from storage import Database
from storage import conversations as conversations_db


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow):
        self._db = db
        self._clock = clock
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state
        await conversations_db.set_state(self._db, self._keys.build(key), name, self._clock())

    async def get_state(self, key: StorageKey) -> str | None:
        found = await conversations_db.conversation(self._db, self._keys.build(key))
        return found[0] if found else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        text = json.dumps(dict(data), ensure_ascii=False)
        await conversations_db.set_data(self._db, self._keys.build(key), text, self._clock())

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        found = await conversations_db.conversation(self._db, self._keys.build(key))
        return dict(json.loads(found[1])) if found else {}

    async def close(self) -> None:
        """The database is the bot's, closed with it."""
