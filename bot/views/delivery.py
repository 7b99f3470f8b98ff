"""What an alert says of Ozon's delivery, beyond the FBS deadline: who delivers an rFBS
posting, the window promised to the buyer, a multi-box posting's boxes, and the postings that
look done and are not (bot/core/traps.py)."""

from __future__ import annotations

from bot.i18n.texts import Texts
from bot.ozon.models import Posting
from bot.views.format import format_moment

DELIVERY_KINDS = ("3pl_tracking", "non_integrated", "aggregator", "hybryd")


def delivery_lines(
    tx: Texts, posting: Posting, timezone: str, rfbs_warehouse: bool = False
) -> list[str]:
    """rFBS: who delivers, the window promised to the buyer, and a multi-box posting's boxes.
    A posting is rFBS by its own delivery type, or, naming none, by its warehouse's."""
    lines: list[str] = []
    kind = posting.tpl_integration_type
    if posting.is_rfbs(rfbs_warehouse):
        lines.append(tx("alert.delivery", kind=tx(f"delivery.{kind}" if kind in DELIVERY_KINDS
                                                  else "delivery.other")))  # fmt: skip
    data = posting.analytics_data
    if data is not None and data.delivery_date_end is not None:
        begin = data.delivery_date_begin or data.delivery_date_end
        lines.append(tx("alert.promise", begin=format_moment(tx, begin, timezone),
                        end=format_moment(tx, data.delivery_date_end, timezone)))  # fmt: skip
    if posting.is_multibox and posting.status == "awaiting_packaging":
        lines.append(tx("alert.multibox", count=posting.multi_box_qty or "—"))
    return lines


def render_trap(tx: Texts, store: str, posting: Posting, trap: str, timezone: str) -> str:
    """A posting that looks done and is not (bot/core/traps.py): what it is, what to do."""
    return tx(f"trap.{trap}", number=posting.posting_number, store=store,
              deadline=format_moment(tx, posting.shipment_date, timezone))  # fmt: skip
