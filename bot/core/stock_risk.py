"""Stock risk, as pure functions: postings awaiting packaging whose products their warehouse
has no unit to spare for. Found before the deadline is even near, so that the seller can
restock, message the buyers or cancel with the right reason while it costs the least.

What Ozon can tell: `present` is what the seller declared on the shelf, the units `reserved`
for ordered postings included, and `free_stock` what is left for new orders. Ozon reserves a
posting's units when it is ordered, so its own count covers the waiting postings almost
always; a shelf emptier than declared is invisible to the API. Two things are told: Ozon's
count itself below what the waiting postings need (rare, and certain), and no free unit left,
where every unit counted is promised and one missing on the shelf leaves a posting unpacked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ozon.models import Posting, WarehouseStock

AWAITING_PACKAGING = "awaiting_packaging"


@dataclass(frozen=True)
class Shortfall:
    sku: int
    offer_id: str
    warehouse_id: int
    warehouse: str
    needed: int  # items the waiting postings need
    present: int  # items Ozon counts at the warehouse, the reserved ones included
    reserved: int  # items promised to postings ordered and not yet handed over
    free: int  # items left for new orders
    postings: tuple[str, ...]  # the postings that need this product there, earliest first

    @property
    def short(self) -> bool:
        """Ozon's own count cannot cover the waiting postings."""
        return self.present < self.needed


def products_at_risk(postings: Sequence[Posting]) -> list[int]:
    """The SKUs whose stock to ask Ozon about."""
    return sorted({p.sku for posting in _waiting(postings) for p in posting.products if p.sku})


def shortfalls(postings: Sequence[Posting], stocks: Sequence[WarehouseStock]) -> list[Shortfall]:
    """Products a warehouse's waiting postings need and it has no unit to spare of: fewer
    counted than needed, or none free. A product Ozon reported no stock line for is left
    out: unknown is not the same as none."""
    needed: dict[tuple[int, int], int] = defaultdict(int)
    # By posting number, in deadline order (a dict keeps insertion order and finds in O(1)).
    who: dict[tuple[int, int], dict[str, Posting]] = defaultdict(dict)
    for posting in sorted(_waiting(postings), key=lambda p: p.shipment_date):
        warehouse_id = posting.delivery_method.warehouse_id if posting.delivery_method else None
        for product in posting.products:
            if product.sku and warehouse_id:
                needed[(product.sku, warehouse_id)] += product.quantity
                who[(product.sku, warehouse_id)][posting.posting_number] = posting
    found = []
    for stock in stocks:
        key = (stock.sku, stock.warehouse_id)
        no_free = stock.free_stock is not None and stock.free_stock <= 0
        if key in needed and (stock.present < needed[key] or no_free):
            first = next(iter(who[key].values()))
            offer_id = next((p.offer_id for p in first.products if p.sku == stock.sku), "")
            found.append(
                Shortfall(stock.sku, stock.offer_id or offer_id, stock.warehouse_id,
                          stock.warehouse_name or first.warehouse, needed[key], stock.present,
                          stock.reserved, stock.free_stock or 0, tuple(who[key]))
            )  # fmt: skip
    return sorted(found, key=lambda shortfall: (shortfall.warehouse, shortfall.sku))


def _waiting(postings: Sequence[Posting]) -> list[Posting]:
    return [posting for posting in postings if posting.status == AWAITING_PACKAGING]
