"""Moving up: an SQLite database copied into an empty PostgreSQL one, table by table in the
order their references need, ids kept (so alert records, outbox items and encrypted keys keep
meaning what they meant), identity counters moved past them, and the row counts compared."""

from __future__ import annotations

import logging
from collections.abc import Callable

from storage.db import Database, placeholders
from storage.postgres import PostgresDatabase
from storage.sqlite import SqliteDatabase

log = logging.getLogger(__name__)
CHUNK = 1000  # rows per insert


class TargetNotEmpty(Exception):
    """The PostgreSQL database already holds data: nothing was copied."""


class CopyMismatch(Exception):
    """A table's rows were not all copied: the copy was undone."""


async def tables_in_order(source: SqliteDatabase) -> list[str]:
    """Every table, each after the tables it refers to."""
    rows = await source.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name <> 'schema_version' ORDER BY name"
    )
    names = [row["name"] for row in rows]
    refers = {
        name: {row["table"] for row in await source.fetch_all(
            f"SELECT * FROM pragma_foreign_key_list('{name}')")} - {name}
        for name in names
    }  # fmt: skip
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and refers[n] <= set(ordered)]
        if not ready:
            raise RuntimeError("the tables refer to each other in a circle")
        ordered += ready
    return ordered


async def copy_database(
    source: SqliteDatabase, target: PostgresDatabase, say: Callable[[str], None]
) -> dict[str, int]:
    """Copies every row; returns the rows per table, counted again in the target."""
    tables = await tables_in_order(source)
    for table in tables:
        if await target.fetch_value(f"SELECT 1 FROM {table} LIMIT 1"):
            raise TargetNotEmpty(f"table {table} already has rows")
    counts = {}
    async with target.transaction():  # all or nothing: a count that differs undoes the copy
        for table in tables:
            await _copy_table(source, target, table)
            copied = await target.fetch_value(f"SELECT COUNT(*) FROM {table}")
            expected = await source.fetch_value(f"SELECT COUNT(*) FROM {table}")
            if copied != expected:
                raise CopyMismatch(f"table {table}: {expected} rows in SQLite, {copied} copied")
            counts[table] = int(copied)
    for table, copied in counts.items():
        say(f"{table}: {copied} rows")
    return counts


async def _copy_table(source: Database, target: PostgresDatabase, table: str) -> None:
    """In chunks by SQLite's rowid, so a big table never sits in memory whole."""
    after = 0
    columns: list[str] = []
    while True:
        rows = await source.fetch_all(
            f"SELECT rowid AS rowid_, * FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, CHUNK),
        )
        if not rows:
            break
        columns = [name for name in rows[0].keys() if name != "rowid_"]  # noqa: SIM118  (a row iterates its values)
        await target.execute_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})",
            (tuple(row[name] for name in columns) for row in rows),
        )
        after = rows[-1]["rowid_"]
    if after and "id" in columns:  # the identity counter moves past the ids copied
        await target.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
        )
