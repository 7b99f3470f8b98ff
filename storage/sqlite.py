"""SQLite, the embedded default: one file, no set-up, one process."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.db import Database, Row, in_transaction, own_transaction, release_transaction


class SqliteDatabase(Database):
    """Two aiosqlite connections (each its own thread). Writes run on the writer inside
    `transaction()`, which holds its lock. Reads outside a transaction go to the reader, which
    sees committed rows only (SQLite's WAL lets it read while the writer writes), and no read
    waits for a transaction to finish.

    A third, plain connection answers `lookup`s on the event loop's own thread: reads by key,
    which take SQLite microseconds, where a trip to a connection's thread and back costs more
    than the read, and a burst of button presses waits on every such trip (bench/RESULTS.md)."""

    engine = "sqlite"

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, inline: sqlite3.Connection
    ):
        self._conn = writer
        self._reader = reader
        self._inline = inline
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, read_only: bool = False) -> SqliteDatabase:
        """Opens (creating and migrating) the database; `read_only`: an existing one as it is,
        for a tool that must change nothing (`python -m bot check`)."""
        if read_only:
            target = _read_only_uri(path)
        else:
            _create_private(path)
            target = str(path)
        writer = await _connect(target)
        if not read_only:
            await writer.execute("PRAGMA journal_mode=WAL")
        await writer.execute("PRAGMA foreign_keys=ON")
        reader = await _connect(target)
        await reader.execute("PRAGMA query_only=ON")
        # No busy wait: a lookup SQLite cannot answer at once goes to the reader, which waits.
        inline = sqlite3.connect(target, timeout=0, isolation_level=None, uri=True)
        inline.row_factory = sqlite3.Row
        inline.execute("PRAGMA query_only=ON")
        database = cls(writer, reader, inline)
        if not read_only:
            await database.migrate()
        return database

    async def close(self) -> None:
        self._inline.close()
        await self._reader.close()
        await self._conn.close()

    async def set_trace_callback(self, callback: Callable[[str], Any]) -> None:
        """Calls `callback` with every statement any connection runs (the query-plan tests)."""
        await self._conn.set_trace_callback(callback)
        await self._reader.set_trace_callback(callback)
        self._inline.set_trace_callback(callback)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if in_transaction():
            yield
            return
        async with self._lock:
            token = own_transaction()
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")
            finally:
                release_transaction(token)

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        self.require_transaction()
        rows = list(await self._conn.execute_fetchall(sql, tuple(params)))
        return int(rows[0][0]) if rows else 0

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        self.require_transaction()
        # A write leaves nothing to fetch: its cursor is not closed through the connection's
        # thread (a second hop each time), the garbage collector frees it.
        cursor = await self._conn.execute(sql, tuple(params))
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        self.require_transaction()
        await self._conn.executemany(sql, [tuple(row) for row in rows])

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        connection = self._conn if in_transaction() else self._reader
        # One trip to the connection's thread (execute, fetch and close would be three).
        return list(await connection.execute_fetchall(sql, tuple(params)))

    async def lookup(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Outside a transaction it runs at once on this thread, without a trip."""
        if in_transaction():
            return await self.fetch_all(sql, params)
        try:
            return self._inline.execute(sql, tuple(params)).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return await self.fetch_all(sql, params)  # the reader waits for the lock


async def _connect(target: str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(target, isolation_level=None, uri=True)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA busy_timeout=5000")
    return connection


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _create_private(path: Path) -> None:
    """Creates the database file readable by its owner only, before SQLite writes into it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
