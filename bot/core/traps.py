"""Statuses and substatuses that trap sellers: the posting looks done or on its way, and is
not. Each gets a message of its own, once, when a posting enters it (pure rules).

- `not_accepted`: the sorting centre did not scan it on arrival; only the Disputed tab in
  Seller Center resolves it.
- `ship_failed`: Ozon did not accept the packing; it must be packed again.
- `posting_not_in_carriage`: packed, but in no shipment, so no courier collects it («已标记发货
  但未揽收»: marked as shipped, never collected)."""

from __future__ import annotations

from bot.ozon.models import Posting

TRAP_STATUSES = frozenset({"not_accepted"})
TRAP_SUBSTATUSES = frozenset({"ship_failed", "posting_not_in_carriage"})


def trap_entered(status: str, substatus: str, before: tuple[str, str] | None) -> str | None:
    """The trap a posting has just entered (its status or substatus), given its status and
    substatus `before` (None: first seen); None when it is in none or was already in it."""
    trap = status if status in TRAP_STATUSES else substatus if substatus in TRAP_SUBSTATUSES else ""
    if not trap or (before is not None and trap in before):
        return None
    return trap


def can_pack_again(posting: Posting) -> bool:
    """A failed packing the bot can send again (`ship_async_retry`): one package of products
    Ozon knows by SKU, nothing per unit (marking codes, declarations…) to enter first."""
    return (
        posting.substatus == "ship_failed"
        and not posting.needs_unit_data
        and bool(posting.products)
        and all(product.sku for product in posting.products)
    )
