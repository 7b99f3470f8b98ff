"""Preparation-time advice: the tallies and the advice on a known history, the query's plan, and
/advice on the running bot with history seeded in its database."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.advice import tally_stores
from bot.i18n.texts import texts_for
from bot.services.advice import AdviceService
from bot.views.advice import percent, render_advice
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, BotProcess
from fakes.telegram import FakeTelegram
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db
from storage.advice import HandOverRow
from storage.db import db_time
from tests.helpers.chat import say
from tests.helpers.plans import full_scans

EN = texts_for("en")

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
STORES = {1: "Romashka"}
RAISE_WAREHOUSE = (
    "👉 Late more than 10 % of the time: raise this warehouse's preparation time"
    " («время на сборку») in Seller Center → Logistics → Warehouses."
)


def posting_json(number: str, deadline: datetime, warehouse: str, offers: tuple[str, ...]) -> str:
    products = [{"sku": 1, "offer_id": offer, "name": f"Product {offer}", "quantity": 1}
                for offer in offers]  # fmt: skip
    return json.dumps(FakeOzon.make_posting(number, deadline, status="delivering",
                                            warehouse=warehouse, products=products))  # fmt: skip


def hand_over(
    number: str,
    warehouse: str,
    margin: timedelta,
    offers: tuple[str, ...] = ("OFFER-1",),
    days_ago: float = 1,
) -> HandOverRow:
    """A posting handed over `margin` before its deadline (after it, when negative)."""
    deadline = NOW - timedelta(days=days_ago)
    data = posting_json(number, deadline, warehouse, offers)
    return HandOverRow(1, "Romashka", number, deadline, deadline - margin, data)


LATE = -timedelta(hours=1)


def history() -> list[HandOverRow]:
    rows = []
    for i in range(20):  # North: 3 late of 20; six of them (3 late) also carry OFFER-7
        margin = LATE if i < 3 else timedelta(hours=2, minutes=10)
        offers = ("OFFER-N", "OFFER-7") if i < 6 else ("OFFER-N",)
        rows.append(hand_over(f"10-{i}-1", "North", margin, offers, days_ago=1 + i / 2))
    for i in range(20):  # South: 1 late of 20; on-time margins 1 h 10 min … 19 h 10 min
        margin = LATE if i == 0 else timedelta(hours=i, minutes=10)
        rows.append(hand_over(f"20-{i}-1", "South", margin, ("OFFER-S",), days_ago=2 + i))
    rows += [hand_over(f"30-{i}-1", "East", timedelta(minutes=30), ("OFFER-E",)) for i in range(3)]
    rows.append(hand_over("10-99-1", "North", LATE, ("OFFER-N",), days_ago=31))  # outside
    return rows


@pytest.mark.service
def test_tallies_per_warehouse_and_product() -> None:
    store = tally_stores(NOW, history())[1]
    north, south = (next(w for w in store.warehouses if w.name == n) for n in ("North", "South"))
    assert (north.handed_over, north.late, north.advised) == (20, 3, True)
    assert north.median_margin == timedelta(hours=2, minutes=10)
    assert (south.handed_over, south.late, south.advised) == (20, 1, False)
    assert south.median_margin == timedelta(hours=10, minutes=10)  # the 10th of 19 on time
    assert [w.name for w in store.warehouses] == ["East", "North", "South"]
    products = {p.offer_id: (p.handed_over, p.late, p.advised) for p in store.products}
    # OFFER-E has 3 hand-overs: too few to be tallied as a product at all.
    assert products == {"OFFER-7": (6, 3, True), "OFFER-N": (20, 3, True),
                        "OFFER-S": (20, 1, False)}  # fmt: skip


@pytest.mark.service
def test_the_median_of_an_even_count_and_of_none_on_time() -> None:
    rows = [hand_over(f"40-{i}-1", "West", timedelta(hours=h)) for i, h in enumerate((1, 2, 3, 10))]
    rows.append(hand_over("40-9-1", "West", LATE))
    west = tally_stores(NOW, rows)[1].warehouses[0]
    assert (west.handed_over, west.late, west.median_margin) == (5, 1, timedelta(hours=2.5))
    late = [hand_over(f"50-{i}-1", "Late", LATE) for i in range(5)]
    text = render_advice(EN, NOW, late, STORES)
    assert "• Late: 5 handed over, 5 late (100 %), none on time. ⚠️ Late too often." in text


@pytest.mark.service
def test_the_advice_on_a_known_history() -> None:
    text = render_advice(EN, NOW, history(), STORES)
    assert text.startswith("🧭 <b>Preparation time</b> · hand-overs of the last 30 days\n")
    north = ("• North: 20 handed over, 3 late (15 %), a median 2 h 10 min before the deadline."
             " ⚠️ Late too often.")  # fmt: skip
    assert f"{north}\n{RAISE_WAREHOUSE}\n" in text
    assert (
        "• South: 20 handed over, 1 late (5 %), a median 10 h 10 min before the deadline."
        " Nothing to change.\n📦" in text
    )
    east = "• East: 3 handed over, 0 late (0 %), a median 30 min before the deadline."
    assert f"{east} Too few to judge yet (at least 5 needed).\n" in text
    products = text.split("📦 Products late more than 10 % of the time:\n", 1)[1].splitlines()
    assert products == [
        "• Product OFFER-7 (OFFER-7): 6 handed over, 3 late (50 %), a median 2 h 10 min before"
        " the deadline.",
        "• Product OFFER-N (OFFER-N): 20 handed over, 3 late (15 %), a median 2 h 10 min before"
        " the deadline.",
        "👉 Raise the preparation time («время на сборку») in the card of each of these products"
        " in Seller Center.",
    ]
    assert "OFFER-S" not in text


@pytest.mark.service
def test_nothing_to_change_says_so_with_the_numbers() -> None:
    rows = [hand_over(f"60-{i}-1", "Main warehouse", LATE if i == 0 else timedelta(hours=5))
            for i in range(42)]  # fmt: skip
    text = render_advice(EN, NOW, rows, {1: "Romashka", 2: "Vasilek"})
    assert (
        "• Main warehouse: 42 handed over, 1 late (2 %), a median 5 h 0 min before the deadline."
        " Nothing to change." in text
    )
    assert "📦 1 product with at least 5 hand-overs, none late more than 10 % of the time." in text
    assert "🏪 <b>Vasilek</b>\nNo hand-overs in that time." in text
    assert "👉" not in text and "⚠️" not in text


@pytest.mark.service
def test_too_little_history_asks_for_more() -> None:
    rows = [hand_over(f"70-{i}-1", "North", LATE) for i in range(4)]
    rows += [hand_over(f"71-{i}-1", "North", LATE, days_ago=40) for i in range(10)]  # too old
    text = render_advice(EN, NOW, rows, STORES)
    assert "I have seen only 4 hand-overs in that time" in text and "at least 5" in text
    assert "North" not in text
    assert render_advice(EN, NOW, [], {}).startswith("No store sends its alerts to this chat yet")


@pytest.mark.unit
def test_shares_are_rounded_so_the_limit_stays_visible() -> None:
    assert [percent(3, 20), percent(1, 42), percent(1, 8), percent(1, 250), percent(0, 5)] == [
        "15", "2", "13", "<1", "0",
    ]  # fmt: skip
    assert (percent(11, 105), percent(1, 10), percent(10, 105)) == ("10.5", "10", "9.5")


@pytest.mark.unit
def test_counts_take_each_language_plural_forms() -> None:
    ru, zh = texts_for("ru"), texts_for("zh")
    assert ru("advice.counts", count=21, late=1, share="5").startswith("передано 21 отправление")
    assert ru("advice.counts", count=5, late=1, share="20").startswith("передано 5 отправлений")
    assert zh("advice.counts", count=2, late=0, share="0") == "已交付 2 个，逾期 0 个（0%）"


@pytest.mark.service
@pytest.mark.sqlite_only
def test_the_query_uses_indexes(tmp_path: Path) -> None:
    statements: list[str] = []

    async def scenario() -> str:
        db = await Database.open(tmp_path / "bot.sqlite3")
        await chats_db.ensure_chat(db, 42, "private", "UTC", "en", NOW)
        store = await stores_db.save_store(
            db, owner_user_id=42, client_id="3131", name="Gamma", seal=lambda _: "sealed",
            missing_methods=[], key_expires_at=None, now=NOW,
        )  # fmt: skip
        await stores_db.subscribe(db, 42, store, None, NOW)
        async with db.transaction():
            # A hand-over stays one when the posting is followed on its way, or delivered.
            outcomes = ("handed_over", "in_delivery", "delivered")
            for index, row in enumerate(history()):
                await db.execute(
                    "INSERT INTO postings (store_id, posting_number, status, shipment_date,"
                    " outcome, data, last_seen_at, outcome_at)"
                    " VALUES (?, ?, 'delivering', ?, ?, ?, ?, ?)",
                    (store, row.posting_number, db_time(row.shipment_date),
                     outcomes[index % 3], row.data, db_time(row.handed_over_at),
                     db_time(row.handed_over_at)),
                )  # fmt: skip
        await db.set_trace_callback(statements.append)
        text = await AdviceService(db, clock=lambda: NOW).advice_for(EN, 42)
        await db.close()
        return text

    text = asyncio.run(scenario())
    assert "• North: 20 handed over, 3 late (15 %)" in text  # the old one stayed out
    advice_queries = [s for s in statements if "handed_over" in s]
    assert advice_queries
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        assert [full_scans(connection, s) for s in advice_queries] == [[]]


@pytest.mark.e2e
def test_advice_on_the_running_bot(bot: BotProcess, telegram: FakeTelegram) -> None:
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    assert "I have seen only 0 hand-overs" in say(telegram, "/advice", "🧭")
    store_id = bot.query("SELECT id FROM stores")[0][0]
    now = datetime.now(UTC)
    seeded = []
    for i in range(16):  # Main warehouse: 2 late of 10; Kazan: 6 on time, 3 h before
        warehouse = "Main warehouse" if i < 10 else "Kazan"
        margin = LATE if i < 2 else timedelta(hours=3)
        deadline = now - timedelta(days=1, hours=i)
        seeded.append((store_id, f"8800-{i:04d}-1", db_time(deadline),
                       posting_json(f"8800-{i:04d}-1", deadline, warehouse, ("OFFER-1",)),
                       db_time(now), db_time(deadline - margin)))  # fmt: skip
    with sqlite3.connect(bot.database, timeout=10) as connection:
        connection.executemany(
            "INSERT INTO postings (store_id, posting_number, status, shipment_date, outcome, data,"
            " last_seen_at, outcome_at) VALUES (?, ?, 'delivering', ?, 'handed_over', ?, ?, ?)",
            seeded,
        )
    text = say(telegram, "/advice", "Main warehouse")
    assert "🏪 <b>Romashka</b>" in text
    assert (
        "• Main warehouse: 10 handed over, 2 late (20 %), a median 3 h 0 min before the deadline."
        f" ⚠️ Late too often.\n{RAISE_WAREHOUSE}" in text
    )
    assert (
        "• Kazan: 6 handed over, 0 late (0 %), a median 3 h 0 min before the deadline."
        " Nothing to change." in text
    )
    assert "• Product OFFER-1 (OFFER-1): 16 handed over, 2 late (13 %)" in text
