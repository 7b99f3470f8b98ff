"""Replicas sharing one database: their signs of life and which one scans which store."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from storage.db import Database, db_time, placeholders


async def heartbeat(db: Database, replica: str, now: datetime) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO replicas (replica, seen_at) VALUES (?, ?)"
            " ON CONFLICT (replica) DO UPDATE SET seen_at = excluded.seen_at",
            (replica, db_time(now)),
        )


async def alive(db: Database, seen_since: datetime) -> set[str]:
    rows = await db.fetch_all(
        "SELECT replica FROM replicas WHERE seen_at >= ?", (db_time(seen_since),)
    )
    return {row["replica"] for row in rows}


async def owners(db: Database) -> dict[int, str]:
    rows = await db.fetch_all("SELECT store_id, replica FROM store_owners")
    return {row["store_id"]: row["replica"] for row in rows}


async def take(
    db: Database, replica: str, taken: Mapping[int, str | None], now: datetime
) -> set[int]:
    """Takes each store from the owner it was seen with (or from nobody), unless another
    replica took it meanwhile; returns those taken."""
    won: set[int] = set()
    async with db.transaction():
        for store_id, previous in taken.items():
            if await _take_row(db, ("store_owners", "store_id"), store_id, replica, previous, now):
                won.add(store_id)
    return won


async def _take_row(
    db: Database, table: tuple[str, str], key: object, replica: str, previous: str | None,
    now: datetime,
) -> bool:  # fmt: skip
    """Compare and set: the row of `key` in `table` (name, key column) goes to `replica` from
    the owner it was seen with, or is made when nobody owned it; False when another replica
    changed it meanwhile."""
    name, column = table
    if previous is None:
        changed = await db.execute(
            f"INSERT INTO {name} ({column}, replica, since) VALUES (?, ?, ?)"
            f" ON CONFLICT ({column}) DO NOTHING",
            (key, replica, db_time(now)),
        )
    else:
        changed = await db.execute(
            f"UPDATE {name} SET replica = ?, since = ? WHERE {column} = ? AND replica = ?",
            (replica, db_time(now), key, previous),
        )
    return bool(changed)


async def release(db: Database, replica: str, store_ids: Collection[int]) -> None:
    if not store_ids:
        return
    async with db.transaction():
        await db.execute(
            "DELETE FROM store_owners WHERE replica = ?"
            f" AND store_id IN ({placeholders(len(store_ids))})",
            (replica, *store_ids),
        )


async def leave(db: Database, replica: str) -> None:
    """A replica stopping cleanly: its stores and roles are free at once, not after its
    lease."""
    async with db.transaction():
        await db.execute("DELETE FROM store_owners WHERE replica = ?", (replica,))
        await db.execute("DELETE FROM role_owners WHERE replica = ?", (replica,))
        await db.execute("DELETE FROM replicas WHERE replica = ?", (replica,))


async def role_owner(db: Database, role: str) -> str | None:
    owner = await db.fetch_value("SELECT replica FROM role_owners WHERE role = ?", (role,))
    return str(owner) if owner is not None else None


async def take_role(
    db: Database, replica: str, role: str, previous: str | None, now: datetime
) -> bool:
    """Takes the role from the owner it was seen with (or from nobody), unless another replica
    took it meanwhile."""
    async with db.transaction():
        return await _take_row(db, ("role_owners", "role"), role, replica, previous, now)
