"""The repeated-page shortcut, and only here: a page of the unfulfilled list Ozon sends again byte
for byte holds the postings the store's last scan stored, so it is neither decoded nor parsed;
what their stages depend on is kept per page between scans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.ozon import Posting


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
    with. Only the scan writes postings, so a page repeated byte for byte is known."""

    def __init__(self) -> None:
        self._pages: dict[int, dict[str, PageMemo]] = {}

    def take(self, store_id: int) -> dict[str, PageMemo]:
        """The store's pages, forgotten until `keep`: a scan that fails half-way leaves none,
        and the next one reads every page."""
        return self._pages.pop(store_id, {})

    def keep(self, store_id: int, pages: dict[str, PageMemo]) -> None:
        self._pages[store_id] = pages

    def forget_except(self, store_ids: set[int]) -> None:
        """Stores no longer scanned (disconnected, paused) take no memory."""
        self._pages = {k: v for k, v in self._pages.items() if k in store_ids}
