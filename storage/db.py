"""The database: one interface over two engines, transactions and versioned migrations.

SQLite (storage/sqlite.py) is the embedded default; PostgreSQL (storage/postgres.py) is chosen
with `DATABASE_URL`, for several replicas on one database. Queries are written once, with `?`
placeholders, in SQL both engines speak; the migrations are one set of files, and the few words
of DDL the engines spell differently are rewritten for PostgreSQL (`POSTGRES_DDL`)."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from storage.sqlite import SqliteDatabase

log = logging.getLogger(__name__)
T = TypeVar("T")


class Row(Protocol):
    """What every read returns (sqlite3.Row, asyncpg.Record): read by column name."""

    def __getitem__(self, key: Any) -> Any: ...

    def keys(self) -> Iterable[str]: ...


Forms = Mapping[str, Callable[[Any], Any]]  # column -> how its stored value becomes the field's

# The task that holds the open transaction. A task started inside a transaction inherits this
# variable but is a different task, so it waits for the lock instead of joining.
_transaction_owner: contextvars.ContextVar[asyncio.Task[object] | None] = contextvars.ContextVar(
    "transaction_owner", default=None
)


def in_transaction() -> bool:
    owner = _transaction_owner.get()
    return owner is not None and owner is asyncio.current_task()


def own_transaction() -> contextvars.Token[asyncio.Task[object] | None]:
    return _transaction_owner.set(asyncio.current_task())


def release_transaction(token: contextvars.Token[asyncio.Task[object] | None]) -> None:
    _transaction_owner.reset(token)


def db_time(moment: datetime) -> str:
    """Fixed-width UTC text, so that comparing strings compares instants."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class DatabaseUnavailable(Exception):
    """The database cannot be reached or refused the login; the message names no secret."""


class Database(ABC):
    """Writes run inside `transaction()`; nested blocks in the same task join the outer one,
    and reads inside a transaction see its rows. Reads outside a transaction see committed
    rows only: no task sees another task's uncommitted rows."""

    engine: str  # "sqlite" or "postgresql"

    @classmethod
    async def open(cls, path: Path, *, read_only: bool = False) -> SqliteDatabase:
        """The SQLite database at `path` (created and migrated unless `read_only`)."""
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.open(path, read_only=read_only)

    @staticmethod
    async def connect(url: str | None, path: Path, *, read_only: bool = False) -> Database:
        """PostgreSQL at `url` when one is given, else SQLite at `path`."""
        if not url:
            return await Database.open(path, read_only=read_only)
        from storage.postgres import PostgresDatabase

        return await PostgresDatabase.open_url(url, read_only=read_only)

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[None]: ...

    @abstractmethod
    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one `INSERT … RETURNING id` inside a transaction; returns the new row's id."""

    @abstractmethod
    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one write inside a transaction; returns how many rows it changed."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]: ...

    async def lookup(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """`fetch_all` for a read an index answers with a row or a few (never a scan of a
        table); an engine may answer it faster."""
        return await self.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row of a query that finds one row at most (by key, or an aggregate)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row else None

    @staticmethod
    def require_transaction() -> None:
        if not in_transaction():
            raise RuntimeError("database writes must run inside Database.transaction()")

    async def migrate(self) -> None:
        """Applies the numbered migrations not applied yet, each in a transaction of its own."""
        async with self.transaction():
            await self.prepare_migrations()
        current = await self.fetch_value("SELECT MAX(version) FROM schema_version") or 0
        for version, script in migrations():
            if version <= current:
                continue
            async with self.transaction():
                await self.prepare_migrations()
                done = await self.fetch_value(
                    "SELECT 1 FROM schema_version WHERE version = ?", (version,)
                )
                if done:  # another replica applied it meanwhile
                    continue
                log.info("applying database migration %03d", version)
                for statement in statements(self.ddl(script)):
                    await self.execute(statement)
                await self.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    async def prepare_migrations(self) -> None:
        """Inside a transaction: the version table exists, and no one else migrates."""
        await self.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")

    def ddl(self, script: str) -> str:
        """A migration as this engine spells it."""
        return script


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


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("storage") / "migrations"
    found = [
        (int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    ]
    return sorted(found)


def statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
