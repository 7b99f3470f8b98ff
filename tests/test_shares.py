"""Replicas on one database share the stores: each store scanned by one replica, kept while it
lives, shared out when another joins, and taken over when its replica falls silent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.shares import plan_shares
from bot.services.leadership import LEADER_LEASE, Leadership
from bot.watch.shares import StoreShares, lease_for
from storage import replicas as replicas_db
from storage import stores as stores_db
from tests.helpers.engine import open_db

LEASE = timedelta(seconds=60)


@pytest.mark.unit
def test_a_replica_keeps_its_share_lets_go_of_the_rest_and_takes_orphans() -> None:
    stores = list(range(1, 11))
    alone = plan_shares(stores, {}, set(), "a")
    assert alone.keep == frozenset() and sorted(alone.take) == stores
    owned = dict.fromkeys(stores, "a")
    joined = plan_shares(stores, owned, {"a", "b"}, "a")
    assert joined.keep == frozenset(range(1, 6)) and joined.release == frozenset(range(6, 11))
    assert plan_shares(stores, owned, {"a", "b"}, "b").take == {}  # a still owns them all
    freed = {s: "a" for s in range(1, 6)}
    assert sorted(plan_shares(stores, freed, {"a", "b"}, "b").take) == list(range(6, 11))
    dead = plan_shares(stores, freed, {"b"}, "b")  # a fell silent
    assert dead.take == {**freed, **dict.fromkeys(range(6, 11))}


@pytest.mark.unit
def test_replicas_starting_together_take_different_stores_first() -> None:
    """Each replica's plan made from the same view, before any took anything: between them
    they take every store, each once."""
    stores = list(range(1, 1001))
    alive = {"a", "b", "c"}
    takes = [set(plan_shares(stores, {}, alive, me).take) for me in sorted(alive)]
    assert sum(map(len, takes)) == 1000 and max(map(len, takes)) == 334
    assert set().union(*takes) == set(stores)
    # One replica had taken some before the others came: the rest is dealt out alike.
    owned = dict.fromkeys(range(1, 101), "a")
    takes = [set(plan_shares(stores, owned, alive, me).take) for me in sorted(alive)]
    assert [len(take) for take in takes] == [234, 334, 332]
    assert set().union(*takes) == set(range(101, 1001))


@pytest.mark.unit
def test_a_lease_is_half_an_interval_and_never_a_moment() -> None:
    assert lease_for(120) == timedelta(seconds=60)
    assert lease_for(1) == timedelta(seconds=10)


@pytest.mark.service
def test_replicas_share_the_stores_and_take_over_a_silent_ones(tmp_path: Path) -> None:
    async def run() -> list[tuple[set[int], set[int]]]:
        db = await open_db(tmp_path / "bot.sqlite3")
        now = datetime(2026, 12, 5, 12, tzinfo=UTC)
        clock = lambda: now  # noqa: E731
        stores = []
        for n in range(10):
            stores.append(await stores_db.save_store(
                db, owner_user_id=1, client_id=str(1000 + n), name="Shop",
                seal=lambda store_id: "sealed", missing_methods=[], key_expires_at=None, now=now,
            ))  # fmt: skip
        a = StoreShares(db, "a", LEASE, clock=clock)
        b = StoreShares(db, "b", LEASE, clock=clock)
        rounds = [(await a.mine(stores), set())]  # a alone: every store
        await replicas_db.heartbeat(db, "b", now)
        rounds.append((await a.mine(stores), await b.mine(stores)))  # a lets go of half to b
        rounds.append((await a.mine(stores), await b.mine(stores)))  # each keeps its own
        now += LEASE + timedelta(seconds=1)  # a falls silent
        rounds.append((set(), await b.mine(stores)))
        assert await b.claim(stores[0]) and not await a.claim(stores[0])
        await b.leave()
        assert await a.claim(stores[0])  # free at once, not after b's lease
        await db.close()
        return rounds

    everything = set(range(1, 11))
    rounds = asyncio.run(run())
    assert rounds[0] == (everything, set())
    first, second = rounds[1]
    assert len(first) == len(second) == 5 and first | second == everything
    assert rounds[2] == rounds[1]
    assert rounds[3] == (set(), everything)


@pytest.mark.service
def test_one_replica_leads_and_a_silent_leader_is_replaced(tmp_path: Path) -> None:
    async def run() -> list[tuple[bool, bool]]:
        db = await open_db(tmp_path / "bot.sqlite3")
        now = datetime(2026, 12, 5, 12, tzinfo=UTC)
        a = Leadership(db, "a", clock=lambda: now)
        b = Leadership(db, "b", clock=lambda: now)
        seen = []
        for later, ticking in ((0.0, (a, b)), (0.5, (b, a)), (1.5, (b,)), (0.5, (a, b))):
            now += LEADER_LEASE * later
            for replica in ticking:
                await replica.tick()
            seen.append((a.leading, b.leading))
        await db.close()
        return seen

    # a leads first and keeps it while it lives; silent past its lease, a stops leading and b
    # takes over; a, back, follows.
    assert asyncio.run(run()) == [(True, False), (True, False), (False, True), (False, True)]


@pytest.mark.unit
def test_the_only_process_always_leads() -> None:
    assert Leadership(None, "solo").leading
