"""A tiny run of every benchmark: the counts must be right (timings are never asserted, they
depend on the machine)."""

from __future__ import annotations

import pytest

from bench import buttons, fleet, fleet_scan, latency, push, scan, send, startup

pytestmark = pytest.mark.e2e  # each runs a tiny benchmark: real bot processes


def test_scan_sees_every_posting() -> None:
    result = scan.run(stores=3, postings=120, latency=0.0, rate_limit=50)
    assert result.scans.postings == result.scans.floor_postings == 360
    assert set(result.ozon_statuses) == {"200"}  # two pages a store, three scans; no 429s


def test_send_delivers_everything() -> None:
    result = send.run(alerts=20, chats=10, rate=30)
    assert result.delivered == result.seeded == 20
    assert result.lost == result.duplicates == 0
    # Limit violations are computed from arrival times, so they are reported, not asserted.
    assert set(result.violations) == {"per_chat", "per_group", "global"}


def test_every_press_is_answered() -> None:
    result = buttons.run(presses=5, bursts=2)
    assert result.presses == result.answered == 10
    assert [len(burst) for burst in result.bursts] == [5, 5]


def test_startup_reaches_get_updates() -> None:
    assert startup.run(stores=2, alerts=100).start_seconds > 0


def test_every_crossing_is_alerted() -> None:
    result = latency.run(postings=2, intervals=1, interval=1)
    assert result.alerted == 2


def test_a_fleet_scan_shares_the_stores_and_takes_a_dead_replicas_over() -> None:
    """On a PostgreSQL server of the benchmark's own, as the one below."""
    result, _ = fleet_scan.run(stores=6, postings=120, latency=0.0, rate_limit=None,
                               engine="postgresql", replicas=2, lease=4)  # fmt: skip
    assert result.postings == 720 and result.owned == 6
    assert result.takeover is not None and result.taken_stores > 0
    assert sum(report.stores for report in result.takeover.reports) == 6  # the survivor's


def test_a_fleet_sends_everything_once() -> None:
    result = fleet.run(alerts=20, chats=10, rate=30, replicas=2, stores=4, interval=2,
                       failover=False)  # fmt: skip
    assert result.sends.delivered == 20 and result.sends.duplicates == 0


def test_every_push_notification_is_answered_and_alerted_once() -> None:
    result = push.run(stores=3, rate=20, seconds=1)
    assert result.statuses[200] == result.sent == len(result.answers)
    assert result.lost == result.doubled == 0 and len(result.delays) == 2
