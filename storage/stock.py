"""Stock shortfalls the bot has told, and the figures each stock message shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row


@dataclass(frozen=True)
class StockFigures:
    sku: int
    offer_id: str
    warehouse: str
    needed: int
    present: int
    reserved: int = 0
    free: int = 0

    @property
    def short(self) -> bool:
        """Ozon's own count is below what the waiting postings need (else: none free)."""
        return self.present < self.needed


async def told_shortfalls(db: Database, store_id: int) -> set[tuple[int, int]]:
    """(sku, warehouse_id) pairs already told for this store."""
    rows = await db.fetch_all(
        "SELECT sku, warehouse_id FROM stock_alerts WHERE store_id = ?", (store_id,)
    )
    return {(row["sku"], row["warehouse_id"]) for row in rows}


async def record_shortfall(
    db: Database, store_id: int, sku: int, warehouse_id: int, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO stock_alerts (store_id, sku, warehouse_id, alerted_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (store_id, sku, warehouse_id) DO NOTHING",
            (store_id, sku, warehouse_id, db_time(now)),
        )


async def forget_covered(db: Database, store_id: int, short: Iterable[tuple[int, int]]) -> None:
    """Shortfalls no longer short are forgotten, so a new one is told again."""
    still = set(short)
    async with db.transaction():
        for sku, warehouse_id in await told_shortfalls(db, store_id) - still:
            await db.execute(
                "DELETE FROM stock_alerts WHERE store_id = ? AND sku = ? AND warehouse_id = ?",
                (store_id, sku, warehouse_id),
            )


async def save_figures(db: Database, message_id: int, figures: StockFigures) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO stock_messages"
            " (message_id, sku, offer_id, warehouse, needed, present, reserved, free_stock)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (message_id, figures.sku, figures.offer_id, figures.warehouse, figures.needed,
             figures.present, figures.reserved, figures.free),
        )  # fmt: skip


async def figures_of(db: Database, message_id: int) -> StockFigures | None:
    row = await db.fetch_one(
        "SELECT sku, offer_id, warehouse, needed, present, reserved, free_stock AS free"
        " FROM stock_messages WHERE message_id = ?",
        (message_id,),
    )
    return from_row(StockFigures, row) if row else None
