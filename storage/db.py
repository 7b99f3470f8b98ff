"""The database connection, transactions and versioned migrations."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
Row = sqlite3.Row  # what every read returns: read by column name, never by position
Forms = Mapping[str, Callable[[Any], Any]]  # column -> how its stored value becomes the field's
T = TypeVar("T")

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
    """Two aiosqlite connections (each its own thread). Writes run on the writer inside
    `transaction()`, which holds its lock; nested blocks in the same task join the outer one,
    and reads inside a transaction see its rows. Reads outside a transaction go to the reader,
    which sees committed rows only (SQLite's WAL lets it read while the writer writes): no task
    sees another task's uncommitted rows, and no read waits for a transaction to finish.

    A third, plain connection answers `lookup`s on the event loop's own thread: reads by key,
    which take SQLite microseconds, where a trip to a connection's thread and back costs more
    than the read, and a burst of button presses waits on every such trip (bench/RESULTS.md)."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, inline: sqlite3.Connection
    ):
        self._conn = writer
        self._reader = reader
        self._inline = inline
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, read_only: bool = False) -> Database:
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

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        connection = self._conn if _in_transaction() else self._reader
        # One trip to the connection's thread (execute, fetch and close would be three).
        return list(await connection.execute_fetchall(sql, tuple(params)))

    async def lookup(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """`fetch_all` for a read an index answers with a row or a few (never a scan of a
        table): outside a transaction it runs at once on this thread, without a trip."""
        if _in_transaction():
            return await self.fetch_all(sql, params)
        try:
            return self._inline.execute(sql, tuple(params)).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return await self.fetch_all(sql, params)  # the reader waits for the lock

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row of a query that finds one row at most (by key, or an aggregate)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row else None

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


def from_row(
    cls: type[T],
    row: Row,
    *,
    prefix: str = "",
    convert: Forms | None = None,
) -> T:
    """A dataclass from the row's columns named as its fields (after `prefix`: a query that
    joins two tables names one's columns `s_id`, ...); `convert` turns a stored value into its
    field's (a time, a list, a flag). A field without its column keeps its default."""
    names = set(row.keys())
    values = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        column = prefix + field.name
        if column in names:
            value = row[column]
            if convert and field.name in convert:
                value = convert[field.name](value)
            values[field.name] = value
    return cls(**values)


def stored_time(value: str | None) -> datetime:
    """A time column that is never NULL."""
    moment = parse_db_time(value)
    if moment is None:
        raise ValueError("a time that should be stored is not")
    return moment


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
