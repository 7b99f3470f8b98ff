"""Ten simulated hours of scans with postings coming and going: tables stay within retention
and memory stays flat. The clock is injected: the test takes seconds."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from tests.helpers.scan import API_KEY, CLIENT_ID, Harness

pytestmark = pytest.mark.service

TABLES = ("messages", "alerts", "message_postings", "postings", "outbox")


def test_ten_hours_of_scans_stay_bounded(ozon: FakeOzon, tmp_path: Path) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    harness = Harness(ozon, tmp_path / "bot.sqlite3", retention=timedelta(hours=2))
    postings: list[dict] = []
    sizes: dict[int, dict[str, int]] = {}
    tracemalloc.start()
    try:
        for step in range(60):  # a scan every 10 minutes
            harness.now += timedelta(minutes=9)  # scan() adds the tenth
            postings.append(FakeOzon.make_posting(f"{70000 + step}-0001-1", harness.at(1.5)))
            for posting in postings[:-6]:  # each posting is handed over an hour after it came
                posting["status"] = "delivering"
            ozon.set_postings(CLIENT_ID, postings)
            harness.scan()
            if step in (24, 41, 59):  # after 4, 7 and 10 simulated hours
                gc.collect()
                sizes[step] = {table: harness.count(table) for table in TABLES}
                sizes[step]["memory"] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    early, middle, late = sizes[24], sizes[41], sizes[59]
    print(f"\nsoak: after 4 h {early}, after 7 h {middle}, after 10 h {late}")
    for table in TABLES:
        assert late[table] <= early[table] * 1.2 + 5, table
    # Caches filled once (time zone and locale data) land in one window or the other; a leak
    # grows in both.
    growth = (middle["memory"] - early["memory"], late["memory"] - middle["memory"])
    assert min(growth) <= 500_000, growth
