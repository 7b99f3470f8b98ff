"""The database connection, transactions and versioned migrations."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# The task that holds the open transaction. A task started inside a transaction inherits this
# variable but is a different task, so it waits for the lock instead of joining.
_transaction_owner: contextvars.ContextVar[asyncio.Task[object] | None] = contextvars.ContextVar(
    "transaction_owner", default=None
)


def _in_transaction() -> bool:
    owner = _transaction_owner.get()
    return owner is not None and owner is asyncio.current_task()


def db_time(moment: datetime) -> str:
    """Fixed-width UTC text, so that comparing strings compares instants."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Database:
    """One aiosqlite connection shared by all tasks. Writes run inside `transaction()`, which
    holds the connection's lock; nested blocks in the same task join the outer one. Reads
    outside a transaction take the lock too, so no task ever sees another task's uncommitted
    rows (an outbox row that may still be rolled back, say)."""

    def __init__(self, connection: aiosqlite.Connection):
        self._conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        _create_private(path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA busy_timeout=5000")
        database = cls(connection)
        await database.migrate()
        return database

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if _in_transaction():
            yield
            return
        async with self._lock:
            token = _transaction_owner.set(asyncio.current_task())
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")
            finally:
                _transaction_owner.reset(token)

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one `INSERT … RETURNING id` inside a transaction; returns the new row's id."""
        self._require_transaction()
        rows = list(await self._conn.execute_fetchall(sql, tuple(params)))
        return int(rows[0][0]) if rows else 0

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one write inside a transaction; returns how many rows it changed."""
        self._require_transaction()
        # A write leaves nothing to fetch: its cursor is not closed through the connection's
        # thread (a second hop each time), the garbage collector frees it.
        cursor = await self._conn.execute(sql, tuple(params))
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        self._require_transaction()
        await self._conn.executemany(sql, [tuple(row) for row in rows])

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._reading():  # one trip to the connection's thread, not three
            return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row of a query that finds one row at most (by key, or an aggregate)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row else None

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[None]:
        if _in_transaction():
            yield
        else:
            async with self._lock:
                yield

    @staticmethod
    def _require_transaction() -> None:
        if not _in_transaction():
            raise RuntimeError("database writes must run inside Database.transaction()")

    async def migrate(self) -> None:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        current = await self.fetch_value("SELECT MAX(version) FROM schema_version") or 0
        for version, script in _migrations():
            if version <= current:
                continue
            log.info("applying database migration %03d", version)
            async with self.transaction():
                for statement in _statements(script):
                    await self._conn.execute(statement)
                await self._conn.execute(
                    "INSERT INTO schema_version (version) VALUES (?)", (version,)
                )


def _create_private(path: Path) -> None:
    """Creates the database file readable by its owner only, before SQLite writes into it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("storage") / "migrations"
    found = [
        (int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    ]
    return sorted(found)


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
