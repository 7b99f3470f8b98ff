"""Each store's own address for Ozon's push notifications (the base URL and an unguessable
token), made when the owner first looks at /stores and replaced on request, and the state of
its push: not set up, receiving, or silent."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.clock import utcnow
from bot.core.push import PushState, push_state
from storage import Database
from storage import push as push_db
from storage import stores as stores_db
from storage.stores import Store

TOKEN_BYTES = 24  # 192 bits: not guessable by any number of tries Ozon's quota would allow


class PushAddresses:
    def __init__(
        self, db: Database, base_url: str | None, *, clock: Callable[[], datetime] = utcnow
    ):
        """`base_url`: OZON_PUSH_BASE_URL (None: push is off, no store has an address)."""
        self._db = db
        self._base = base_url.rstrip("/") if base_url else None
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self._base is not None

    async def addresses(self, stores: Sequence[Store]) -> dict[int, str]:
        """Each store's address, a token made for a store that has none yet."""
        found = {}
        for store in stores:
            token = await push_db.token_of(self._db, store.id)
            if token is None:
                token = secrets.token_urlsafe(TOKEN_BYTES)
                await push_db.set_token(self._db, store.id, token)
            found[store.id] = f"{self._base}/{token}"
        return found

    async def rotate(self, owner_user_id: int, store_id: int) -> tuple[Store, str] | None:
        """A new token for the owner's store: the old address is answered 404 from now on."""
        store = await stores_db.store_of_owner(self._db, owner_user_id, store_id)
        if store is None or self._base is None:
            return None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        await push_db.set_token(self._db, store.id, token)
        return store, f"{self._base}/{token}"

    def state(self, store: Store) -> tuple[PushState, int]:
        """The store's push state and the minutes since Ozon was last heard from."""
        now = self._clock()
        minutes = int((now - store.push_seen_at).total_seconds() // 60) if store.push_seen_at else 0
        return push_state(store.push_seen_at, now), minutes
