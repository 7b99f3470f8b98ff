"""The fake Ozon in a child process, so that the scan's CPU time and RSS are the bot's alone
(in a thread of the benchmark process the fake would count as the bot's cost)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Self

from tests.fakes.ozon import FakeOzon


def client_id(index: int) -> str:
    return str(10_000 + index)


def api_key(index: int) -> str:
    return f"bench-key-{index}"


def shipment_offsets(count: int) -> list[timedelta]:
    """Deadlines spread from 1 h to 47 h ahead: inside the scan window, about half of them
    close enough to be at a stage (the default lead times end at 24 h)."""
    return [timedelta(hours=1 + 46 * j / max(count, 1)) for j in range(count)]


def _serve(
    conn: multiprocessing.connection.Connection,
    stores: int,
    postings: int,
    latency: float,
    rate: int | None,
) -> None:
    ozon = FakeOzon()
    ozon.latency = latency
    ozon.rate_limit_per_second = rate
    now = datetime.now(UTC)
    offsets = shipment_offsets(postings)
    for index in range(stores):
        ozon.add_store(client_id(index), api_key(index))
        ozon.set_postings(
            client_id(index),
            [
                FakeOzon.make_posting(f"{10_000 + index}-{j:05d}-1", now + offset)
                for j, offset in enumerate(offsets)
            ],
        )
    with ozon:
        conn.send(ozon.url)
        conn.recv()  # the benchmark is done
        with ozon._lock:
            statuses = Counter(str(call["status"]) for call in ozon.calls)
            violations = list(ozon.violations)
        conn.send({"statuses": dict(statuses), "violations": violations[:5]})


@dataclass
class OzonChild:
    """`with OzonChild(...) as ozon:` serves `ozon.url`; `ozon.stats` is filled on exit."""

    stores: int
    postings: int
    latency: float
    rate_limit_per_client: int | None

    def __enter__(self) -> Self:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child_end, self.stores, self.postings, self.latency, self.rate_limit_per_client),
            daemon=True,
        )
        self._process.start()
        self.url: str = self._conn.recv()
        self.stats: dict = {}
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._conn.send("stop")
        self.stats = self._conn.recv()
        self._process.join(10)
