"""The preparation-time advice in words: per store, warehouse and product (the figures are
bot/core/advice.py's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.core.advice import (
    LATE_SHARE_LIMIT,
    MAX_PRODUCTS,
    MIN_HAND_OVERS,
    WINDOW,
    HandOverRow,
    StoreTally,
    Tally,
    recent,
    tally_stores,
)
from bot.i18n.texts import Markup, Texts
from bot.views.format import format_duration


def render_advice(
    tx: Texts, now: datetime, rows: Sequence[HandOverRow], stores: Mapping[int, str]
) -> str:
    """The /advice answer. `rows`: the hand-overs of the chat's stores (at least the window's);
    `stores`: the stores linked to the chat, id → name."""
    if not stores:
        return tx("advice.no_stores")
    lines: list[str] = [tx("advice.title", count=WINDOW.days)]
    seen = len(recent(now, rows))
    if seen < MIN_HAND_OVERS:
        lines.append(tx("advice.more_history", count=seen, needed=MIN_HAND_OVERS))
        return "\n".join(lines)
    tallies = tally_stores(now, rows)
    for store_id, name in sorted(stores.items(), key=lambda item: (item[1], item[0])):
        lines += ["", tx("advice.store", store=name)]
        found = tallies.get(store_id)
        lines += _store_lines(tx, found) if found else [tx("advice.store_quiet")]
    return "\n".join(lines)


def _store_lines(tx: Texts, store: StoreTally) -> list[str]:
    lines: list[str] = []
    for warehouse in store.warehouses:
        lines.append(tx("advice.warehouse", warehouse=warehouse.name, **_numbers(tx, warehouse),
                        verdict=_verdict(tx, warehouse)))  # fmt: skip
        if warehouse.advised:
            lines.append(tx("advice.raise_warehouse", limit=_limit()))
    advised = [product for product in store.products if product.advised]
    if advised:
        lines.append(tx("advice.products_late", limit=_limit()))
        for product in advised[:MAX_PRODUCTS]:
            lines.append(tx("advice.product", product=product.name, offer_id=product.offer_id,
                            **_numbers(tx, product)))  # fmt: skip
        if len(advised) > MAX_PRODUCTS:
            lines.append(tx("advice.more_products", count=len(advised) - MAX_PRODUCTS))
        lines.append(tx("advice.raise_product"))
    elif store.products:
        lines.append(tx("advice.products_fine", count=len(store.products), needed=MIN_HAND_OVERS,
                        limit=_limit()))  # fmt: skip
    return lines


def _numbers(tx: Texts, tally: Tally) -> dict[str, Markup]:
    """The counts and margin of a line, as catalog texts to fill in."""
    counts = tx("advice.counts", count=tally.handed_over, late=tally.late,
                share=percent(tally.late, tally.handed_over))  # fmt: skip
    margin = (
        tx("advice.margin", margin=format_duration(tx, tally.median_margin.total_seconds()))
        if tally.median_margin is not None
        else tx("advice.none_on_time")
    )
    return {"counts": counts, "margin": margin}


def _verdict(tx: Texts, tally: Tally) -> Markup:
    if not tally.enough:
        return tx("advice.too_few", needed=MIN_HAND_OVERS)
    return tx("advice.late_often") if tally.advised else tx("advice.fine")


def _limit() -> str:
    return f"{LATE_SHARE_LIMIT * 100:.0f}"


def percent(part: int, whole: int) -> str:
    """A share in whole percents, except where rounding would hide what matters: a share just
    above the limit reads "10.4", not "10"; a rare late one reads "<1", not "0"."""
    value = 100 * part / whole if whole else 0.0
    if 0 < value < 0.5:
        return "<1"
    shown = str(int(value + 0.5))  # half up: 12.5 reads "13", as people round
    if value != LATE_SHARE_LIMIT * 100 and shown == _limit():
        return f"{value:.1f}"
    return shown
