"""What one scan of one store carries from part to part (bot/watch/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.deadlines import Due, warehouse_warn_at
from bot.core.leads import Leads
from bot.ozon import Posting
from bot.watch.page_cache import PageMemo, Watched
from storage.stores import Store, Subscriber
from storage.warehouses import WarehouseDays


@dataclass
class StoreScan:
    """What one scan of one store carries from page to page."""

    store: Store
    subscribers: list[Subscriber]
    now: datetime
    due: list[Due] = field(default_factory=list)
    postings: dict[str, Posting] = field(default_factory=dict)  # those in `due`
    queued: set[tuple[int, str]] = field(default_factory=set)  # (chat, posting) in `due`
    warehouses: dict[int, WarehouseDays] = field(default_factory=dict)
    awaiting: dict[str, Posting] = field(default_factory=dict)  # watched, not packed yet
    reads_stock: bool = False  # the stock check runs after this scan: every posting parsed
    pages: dict[str, PageMemo] = field(default_factory=dict)  # this scan's, by cursor asked with
    seen: set[str] = field(default_factory=set)  # postings listed on this scan's pages
    pages_changed: bool = False  # a page not repeated was read: the stored pages are dropped

    def warn_at(self, watched: Watched) -> datetime:
        """The deadline, or the end of the last working day of its warehouse before it."""
        found = self.warehouses.get(watched.warehouse_id)
        return warehouse_warn_at(watched.shipment_date, found)


def leads_of(subscriber: Subscriber, leads: Leads, express: bool = False) -> tuple[int, ...]:
    """The chat's warning stages (or the configured ones); an express posting's own."""
    return leads.of(subscriber.lead_times, express)
