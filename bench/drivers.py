"""`python -m bench.drivers`: the PostgreSQL driver the bot uses, chosen by measurement.
asyncpg and psycopg 3 (each with its own pool of 10) do what the bot does most against a real
server started here: small write transactions (a scan's, a press's), lookups by key one after
another (a press being checked) and many at once (a burst of presses). Prints one JSON line
per driver and round. psycopg is not a dependency of the bot: `pip install '.[drivers]'`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from fakes.postgres import PostgresServer

ROWS = 3000
POOL = 10
Step = Callable[[int], Awaitable[Any]]


async def _timed(step: Step, concurrent: bool = False) -> float:
    started = time.perf_counter()
    if concurrent:
        await asyncio.gather(*(step(i) for i in range(ROWS)))
    else:
        for i in range(ROWS):
            await step(i)
    return time.perf_counter() - started


async def _measure(write: Step, look: Step) -> dict[str, float]:
    """Writes one by one, lookups one by one and all at once, and the CPU of the three."""
    cpu = time.process_time()
    figures = {"writes_s": await _timed(write), "lookups_s": await _timed(look),
               "burst_s": await _timed(look, concurrent=True)}  # fmt: skip
    figures["cpu_s"] = time.process_time() - cpu
    return figures


async def with_asyncpg(url: str) -> dict[str, float]:
    pool = await asyncpg.create_pool(url, min_size=POOL, max_size=POOL)
    await pool.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")

    async def write(i: int) -> None:
        async with pool.acquire() as connection, connection.transaction():
            await connection.execute("INSERT INTO t VALUES ($1, $2)", i, "x" * 40)

    async def look(i: int) -> object:
        return await pool.fetch("SELECT id, v FROM t WHERE id = $1", i)

    figures = await _measure(write, look)
    await pool.close()
    return figures


async def with_psycopg(url: str) -> dict[str, float]:
    import psycopg_pool  # the comparison's only: not a dependency of the bot

    pool = psycopg_pool.AsyncConnectionPool(url, min_size=POOL, max_size=POOL, open=False)
    await pool.open()
    async with pool.connection() as connection:
        await connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")

    async def write(i: int) -> None:
        async with pool.connection() as connection, connection.transaction():
            await connection.execute("INSERT INTO t VALUES (%s, %s)", (i, "x" * 40))

    async def look(i: int) -> object:
        async with pool.connection() as connection:
            cursor = await connection.execute("SELECT id, v FROM t WHERE id = %s", (i,))
            return await cursor.fetchall()

    figures = await _measure(write, look)
    await pool.close()
    return figures


def main() -> None:
    server = PostgresServer().start()
    try:
        for round_ in (1, 2):
            for name, measure in (("asyncpg", with_asyncpg), ("psycopg", with_psycopg)):
                figures = asyncio.run(measure(server.database()))
                rounded = {k: round(v, 3) for k, v in figures.items()}
                print(json.dumps({"driver": name, "round": round_, "rows": ROWS, **rounded}))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
