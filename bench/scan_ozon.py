"""The scan benchmark's fake Ozon, to run in a child process (bench/child.py), so that the
scan's CPU time and RSS are the bot's alone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from fakes.ozon import FakeOzon


def client_id(index: int) -> str:
    return str(10_000 + index)


def api_key(index: int) -> str:
    return f"bench-key-{index}"


def shipment_offsets(count: int) -> list[timedelta]:
    """Deadlines spread from 1 h to 47 h ahead: inside the scan window, about half of them
    close enough to be at a stage (the default lead times end at 24 h)."""
    return [timedelta(hours=1 + 46 * j / max(count, 1)) for j in range(count)]


def seeded_ozon(stores: int, postings: int, latency: float, rate: int | None) -> FakeOzon:
    """The fake Ozon of the scan benchmark: `stores` stores of `postings` postings each."""
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
    return ozon


def answer_statuses(ozon: FakeOzon) -> dict[str, int]:
    """How many answers of each HTTP status the fake gave."""
    with ozon._lock:
        return dict(Counter(str(call["status"]) for call in ozon.calls))
