"""Preparation-time advice, as pure functions: how late and how close to the deadline each
warehouse and product was handed over lately, and where the preparation time («время на
сборку») should be raised (the words are bot/views/advice.py's).

A hand-over is late when the bot learnt of it after the deadline (outcome_at > shipment_date);
the margin of an on-time one is shipment_date − outcome_at. The bot learns of a hand-over at
its next scan, so margins are slightly understated, never flattering. Nothing here reads the
clock or the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Protocol

from bot.ozon.models import Posting

WINDOW = timedelta(days=30)
MIN_HAND_OVERS = 5  # fewer, and one late posting out of two would read as "late half the time"
LATE_SHARE_LIMIT = 0.10  # late more often than this: the preparation time is too short
MAX_PRODUCTS = 10  # advised products listed per store; the rest are counted


class HandOverRow(Protocol):
    """One posting handed over: when the bot learnt of it, against its deadline."""

    @property
    def store_id(self) -> int: ...
    @property
    def store(self) -> str: ...
    @property
    def shipment_date(self) -> datetime: ...
    @property
    def handed_over_at(self) -> datetime: ...
    @property
    def data(self) -> str: ...  # the posting JSON (bot.ozon.models.Posting)


@dataclass(frozen=True)
class Tally:
    """The hand-overs of one warehouse or one product (then `offer_id` is set)."""

    name: str
    handed_over: int
    late: int
    median_margin: timedelta | None  # of the on-time ones; None when none was on time
    offer_id: str | None = None

    @property
    def late_share(self) -> float:
        return self.late / self.handed_over if self.handed_over else 0.0

    @property
    def enough(self) -> bool:
        return self.handed_over >= MIN_HAND_OVERS

    @property
    def advised(self) -> bool:
        return self.enough and self.late_share > LATE_SHARE_LIMIT


@dataclass(frozen=True)
class StoreTally:
    store: str
    warehouses: list[Tally]  # every warehouse with a hand-over, by name
    products: list[Tally]  # only products with at least MIN_HAND_OVERS, most often late first


def recent(now: datetime, rows: Iterable[HandOverRow]) -> list[HandOverRow]:
    """The hand-overs inside the window (the query may have been asked for more)."""
    return [row for row in rows if row.handed_over_at >= now - WINDOW]


def tally_stores(now: datetime, rows: Iterable[HandOverRow]) -> dict[int, StoreTally]:
    """Per store id: its warehouses and its products with enough hand-overs."""
    by_store: dict[int, list[HandOverRow]] = defaultdict(list)
    for row in sorted(recent(now, rows), key=lambda row: row.handed_over_at):
        by_store[row.store_id].append(row)
    return {store_id: _tally_store(found) for store_id, found in by_store.items()}


def _tally_store(rows: Sequence[HandOverRow]) -> StoreTally:
    warehouses: dict[str, list[HandOverRow]] = defaultdict(list)
    products: dict[str, list[HandOverRow]] = defaultdict(list)
    names: dict[str, str] = {}  # offer_id → its latest name (rows are oldest first)
    for row in rows:
        posting = Posting.model_validate_json(row.data)
        warehouses[posting.warehouse or "—"].append(row)
        for product in posting.products:
            if not product.offer_id:
                continue
            names[product.offer_id] = product.name or product.offer_id
            found = products[product.offer_id]
            if not found or found[-1] is not row:  # one posting counts once per product
                found.append(row)
    product_tallies = [
        _tally(names[offer_id], found, offer_id)
        for offer_id, found in products.items()
        if len(found) >= MIN_HAND_OVERS
    ]
    product_tallies.sort(key=lambda x: (-x.late_share, -x.handed_over, x.offer_id or ""))
    return StoreTally(
        rows[0].store,
        [_tally(name, found) for name, found in sorted(warehouses.items())],
        product_tallies,
    )


def _tally(name: str, rows: Sequence[HandOverRow], offer_id: str | None = None) -> Tally:
    margins = [
        (row.shipment_date - row.handed_over_at).total_seconds()
        for row in rows
        if row.handed_over_at <= row.shipment_date
    ]
    middle = timedelta(seconds=median(margins)) if margins else None
    return Tally(name, len(rows), len(rows) - len(margins), middle, offer_id)
