"""The repeated-page shortcut, and only here: a page of the unfulfilled list Ozon sends again byte
for byte holds the postings the store's last scan stored, so it is neither decoded nor parsed;
what their stages depend on is kept per page between scans, in memory and in the database, so
that a replica taking the store over (or a restarted process) starts where the last scan ended."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.ozon import Posting
from storage import Database
from storage import scan_state as scan_state_db
from storage.scan_state import StoredPage


@dataclass(frozen=True, slots=True)
class Watched:
    """What the stages of a watched posting depend on: all a scan keeps of it between scans."""

    posting_number: str
    shipment_date: datetime
    warehouse_id: int
    express: bool = False  # due within about an hour: warned at stages of its own

    @classmethod
    def of(cls, posting: Posting) -> Watched:
        method = posting.delivery_method
        warehouse_id = method.warehouse_id if method and method.warehouse_id else 0
        return cls(posting.posting_number, posting.shipment_date, warehouse_id,
                   posting.is_express)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageMemo:
    """A page of the unfulfilled list as a store's last scan saw it (a bot.ozon KnownPage)."""

    digest: bytes
    cursor: str
    has_next: bool
    watched: tuple[Watched, ...]
    marked_at: datetime  # when its postings' seen time was last written


class PageCache:
    """Each store's pages as its last complete scan saw them, by the cursor they were asked
    with. Only the scan writes postings, so a page repeated byte for byte is known. A scan
    that writes a changed page drops the store's stored pages first (`forget_stored`), so the
    database never holds pages older than the postings stored."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pages: dict[int, dict[str, PageMemo]] = {}

    async def take(self, store_id: int) -> dict[str, PageMemo]:
        """The store's pages, forgotten in memory until `keep`: a scan that fails half-way
        leaves none but what the database holds of the last complete scan."""
        pages = self._pages.pop(store_id, None)
        if pages is None:  # not scanned by this process since it started or took the store
            stored = await scan_state_db.pages_of(self._db, store_id)
            pages = {page.asked_with: _memo_of(page) for page in stored}
        return pages

    async def forget(self, store_id: int) -> None:
        """The store's pages are read whole by its next scan (a posting changed outside it)."""
        self._pages.pop(store_id, None)
        await self.forget_stored(store_id)

    async def forget_stored(self, store_id: int) -> None:
        await scan_state_db.forget_pages(self._db, store_id)

    async def keep(self, store_id: int, pages: dict[str, PageMemo], *, changed: bool) -> None:
        """`changed`: the scan wrote a changed page (and dropped the stored ones)."""
        self._pages[store_id] = pages
        if changed:
            stored = [_stored(asked_with, memo) for asked_with, memo in pages.items()]
            await scan_state_db.replace_pages(self._db, store_id, stored)

    def forget_except(self, store_ids: set[int]) -> None:
        """Stores no longer scanned here (disconnected, paused, taken by another replica)
        take no memory, and are read from the database when they come back."""
        self._pages = {k: v for k, v in self._pages.items() if k in store_ids}


def _stored(asked_with: str, memo: PageMemo) -> StoredPage:
    watched = [
        [w.posting_number, w.shipment_date.isoformat(), w.warehouse_id, w.express]
        for w in memo.watched
    ]
    return StoredPage(asked_with, memo.digest, memo.cursor, memo.has_next,
                      json.dumps(watched, separators=(",", ":")), memo.marked_at)  # fmt: skip


def _memo_of(page: StoredPage) -> PageMemo:
    watched = tuple(
        Watched(number, datetime.fromisoformat(shipment), warehouse_id, express)
        for number, shipment, warehouse_id, express in json.loads(page.watched)
    )
    return PageMemo(page.digest, page.next_cursor, page.has_next, watched, page.marked_at)
