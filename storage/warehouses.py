"""Stores' warehouses: their working days and time zones, refreshed from Ozon once a day."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database, db_time, from_row, parse_db_time


@dataclass(frozen=True)
class WarehouseDays:
    warehouse_id: int
    name: str
    working_days: frozenset[int]  # ISO weekdays; empty: unknown
    timezone: str
    is_rfbs: bool = False


async def warehouses_of(db: Database, store_id: int) -> dict[int, WarehouseDays]:
    rows = await db.fetch_all(
        "SELECT warehouse_id, name, working_days, timezone, is_rfbs FROM warehouses"
        " WHERE store_id = ?",
        (store_id,),
    )
    days: dict[str, Callable[[Any], Any]] = {
        "working_days": lambda text: frozenset(int(day) for day in text.split(",") if day),
        "is_rfbs": bool,
    }
    return {row["warehouse_id"]: from_row(WarehouseDays, row, convert=days) for row in rows}


async def warehouses_fetched_at(db: Database, store_id: int) -> datetime | None:
    return parse_db_time(
        await db.fetch_value(
            "SELECT MIN(fetched_at) FROM warehouses WHERE store_id = ?", (store_id,)
        )
    )


async def replace_warehouses(
    db: Database, store_id: int, warehouses: Sequence[WarehouseDays], now: datetime
) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM warehouses WHERE store_id = ?", (store_id,))
        await db.execute_many(
            "INSERT INTO warehouses (store_id, warehouse_id, name, working_days, timezone,"
            " is_rfbs, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (store_id, w.warehouse_id, w.name,
                 ",".join(str(day) for day in sorted(w.working_days)), w.timezone, int(w.is_rfbs),
                 db_time(now))
                for w in warehouses
            ),
        )  # fmt: skip
