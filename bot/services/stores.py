"""Store services used by the conversations: connect, list, disconnect, status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import utcnow
from bot.core.permissions import (
    ChatRoleOf,
    NotAllowed,
    RoleOf,
    allowed,
    private_chat_role,
    private_role,
)
from bot.ozon import REQUIRED_METHODS, SANDBOX_CLIENT_ID, InvalidApiKey, MissingRole, OzonApi
from bot.ozon.sandbox import sandbox_key
from bot.security.crypto import KeyCipher
from bot.security.key_attempts import KeyAttempts
from bot.security.throttle import FREE_KEY_ATTEMPTS
from storage import Database
from storage import postings as postings_db
from storage import stores as stores_db
from storage.postings import KnownPosting
from storage.stores import Store

STATUS_DEADLINES = 5


class TooManyAttempts(Exception):
    """Too many wrong keys in a row: the next try waits `wait` seconds."""

    def __init__(self, wait: float):
        super().__init__(f"wait {wait:.0f} s")
        self.wait = wait


async def _no_report(user_id: int, wrong_keys: int) -> None:
    return None


@dataclass(frozen=True)
class Connected:
    store_id: int
    name: str
    client_id: str
    missing_methods: list[str]
    sandbox: bool


@dataclass(frozen=True)
class StoreStatus:
    store: Store
    watched: int
    next_deadlines: list[KnownPosting]


class StoreService:
    def __init__(
        self,
        db: Database,
        ozon: OzonApi,
        cipher: KeyCipher,
        *,
        request_scan: Callable[[int], None] = lambda store_id: None,
        clock: Callable[[], datetime] = utcnow,
        role_of: RoleOf = private_role,
        chat_role_of: ChatRoleOf = private_chat_role,
        report_key_guessing: Callable[[int, int], Awaitable[None]] | None = None,
    ):
        self._db = db
        self._ozon = ozon
        self._cipher = cipher
        self._request_scan = request_scan
        self._clock = clock
        self._role_of = role_of
        self._chat_role_of = chat_role_of
        self._attempts = KeyAttempts(db, clock)
        self._report_key_guessing = report_key_guessing or _no_report

    async def connect(self, owner_user_id: int, client_id: str, api_key: str) -> Connected:
        """Checks the key with Ozon, then stores it encrypted and subscribes the owner's private
        chat. Raises the Seller API client's typed errors; nothing is stored when it raises."""
        wait = await self._attempts.wait_left(owner_user_id)
        if wait > 0:
            raise TooManyAttempts(wait)  # checked before Ozon sees the key
        seller = self._ozon.seller(client_id, api_key)
        try:
            roles = await seller.roles()
        except InvalidApiKey:
            wrong = await self._attempts.failed(owner_user_id)
            if wrong >= FREE_KEY_ATTEMPTS:
                await self._report_key_guessing(owner_user_id, wrong)
            raise
        await self._attempts.succeeded(owner_user_id)
        missing = roles.missing_methods(REQUIRED_METHODS)
        try:
            name = (await seller.seller_info()).display_name
        except MissingRole:
            name = ""
        now = self._clock()
        store_id = await stores_db.save_store(
            self._db,
            owner_user_id=owner_user_id,
            client_id=client_id,
            name=name or f"Store {client_id}",
            seal=lambda store_id: self._cipher.seal(store_id, api_key),
            missing_methods=missing,
            key_expires_at=roles.expires_at,
            now=now,
        )
        await stores_db.subscribe(self._db, owner_user_id, store_id, None, now)
        self._request_scan(store_id)
        return Connected(store_id, name or f"Store {client_id}", client_id, missing, False)

    async def connect_sandbox(self, owner_user_id: int) -> Connected:
        connected = await self.connect(owner_user_id, SANDBOX_CLIENT_ID, sandbox_key(self._clock()))
        return Connected(connected.store_id, connected.name, connected.client_id, [], True)

    async def stores_of(self, owner_user_id: int) -> list[Store]:
        return await stores_db.stores_of_owner(self._db, owner_user_id)

    async def store_of(self, owner_user_id: int, store_id: int) -> Store | None:
        return await stores_db.store_of_owner(self._db, owner_user_id, store_id)

    async def disconnect(self, user_id: int, store_id: int) -> Store | None:
        """Deletes the store and its key; None when it is gone or not the user's to delete
        (the two look alike, so nobody learns which stores exist)."""
        store = await self._authorised(user_id, store_id, user_id, "disconnect")
        if store is not None:
            await stores_db.delete_store(self._db, store.id)
        return store

    async def choices(
        self, user_id: int, chat_id: int, linking: bool, sender_chat_id: int | None = None
    ) -> list[Store]:
        """The stores the user may link to this group (their own, not linked yet), or unlink
        from it (their own, or every linked store for a group admin). Raises NotAllowed when
        the user may link none here: only a group admin may bring a store's alerts in."""
        chat_role = await self._chat_role_of(chat_id, user_id, sender_chat_id)
        linked = await stores_db.stores_in_chat(self._db, chat_id)
        if linking:
            if chat_role not in ("admin", "owner_admin"):
                raise NotAllowed("link", "owner_admin")
            linked_ids = {store.id for store in linked}
            owned = await stores_db.stores_of_owner(self._db, user_id)
            return [store for store in owned if store.id not in linked_ids]
        if chat_role in ("admin", "owner_admin"):
            return linked
        return [store for store in linked if store.owner_user_id == user_id]

    async def link(
        self, user_id: int, store_id: int, chat_id: int, thread_id: int | None
    ) -> Store | None:
        """Sends a store's alerts to a group (or one of its topics): the store's owner, who is
        an admin of the group. Only the new store is scanned at once."""
        store = await self._authorised(user_id, store_id, chat_id, "link")
        if store is not None:
            await stores_db.subscribe(self._db, chat_id, store.id, thread_id, self._clock())
            self._request_scan(store.id)
        return store

    async def unlink(self, user_id: int, store_id: int, chat_id: int) -> Store | None:
        """Stops a store's alerts in a group: its owner, or an admin of the group."""
        store = await self._authorised(user_id, store_id, chat_id, "unlink")
        if store is not None:
            await stores_db.unsubscribe(self._db, chat_id, store.id)
        return store

    async def _authorised(
        self, user_id: int, store_id: int, chat_id: int, operation: str
    ) -> Store | None:
        store = await stores_db.store_by_id(self._db, store_id)
        if store is None:
            return None
        role = await self._role_of(store.owner_user_id, chat_id, user_id)
        return store if allowed(role, operation) else None

    async def linked(self, chat_id: int) -> list[Store]:
        return await stores_db.stores_in_chat(self._db, chat_id)

    async def status(self, owner_user_id: int) -> list[StoreStatus]:
        result = []
        for store in await stores_db.stores_of_owner(self._db, owner_user_id):
            result.append(
                StoreStatus(
                    store,
                    await postings_db.watched_count(self._db, store.id),
                    await postings_db.next_deadlines(self._db, store.id, STATUS_DEADLINES),
                )
            )
        return result
