"""Stock risk: postings awaiting packaging whose products the warehouse's FBS stock cannot
cover are told early, once per product and warehouse while the stock stays short."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.stock_risk import products_at_risk, shortfalls
from bot.ozon.models import Posting, WarehouseStock
from bot.watch.stock import STOCK_EVERY
from fakes.ozon import FakeOzon
from fakes.process import API_KEY as E2E_KEY
from fakes.process import CLIENT_ID as E2E_CLIENT
from fakes.process import USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import buttons
from tests.helpers.chat import say
from tests.helpers.scan import API_KEY, CHAT, CLIENT_ID, Harness, posting, sends

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
MAT, BALL = 501, 502


def parsed(number: str, hours: float, *items: tuple[int, int], **kwargs: object) -> Posting:
    products = [{"sku": sku, "offer_id": f"OFFER-{sku}", "name": f"Product {sku}",
                 "quantity": quantity, "price": "100.00"} for sku, quantity in items]  # fmt: skip
    raw = FakeOzon.make_posting(number, NOW + timedelta(hours=hours), products=products, **kwargs)
    return Posting.model_validate(raw)


def stock(sku: int, present: int, reserved: int, warehouse_id: int = 1001) -> WarehouseStock:
    """Ozon's figures: `present` counts the reserved units too."""
    return WarehouseStock(sku=sku, present=present, reserved=reserved,
                          free_stock=max(present - reserved, 0), warehouse_id=warehouse_id,
                          warehouse_name="Main warehouse")  # fmt: skip


@pytest.mark.unit
def test_shortfalls_on_a_known_fixture_with_reservations() -> None:
    postings = [
        parsed("1-1-1", 30, (MAT, 2)),
        parsed("1-2-1", 5, (MAT, 1), (BALL, 1)),
        parsed("1-3-1", 50, (MAT, 2)),
        parsed("1-4-1", 3, (BALL, 4)),
        parsed("1-5-1", 2, (MAT, 9), status="awaiting_deliver"),  # packed: its goods are out
    ]
    assert products_at_risk(postings) == [MAT, BALL]
    # MAT: 5 waiting + 9 packed reserved; every unit counted is promised. BALL: fewer counted
    # than its waiting postings need. MAT elsewhere: plenty free.
    found = shortfalls(postings, [stock(MAT, 14, 14), stock(BALL, 3, 5), stock(MAT, 100, 0, 2002)])
    assert [(s.sku, s.short, s.needed, s.present, s.reserved, s.free) for s in found] == [
        (MAT, False, 5, 14, 14, 0),
        (BALL, True, 5, 3, 5, 0),
    ]
    assert found[0].postings == ("1-2-1", "1-1-1", "1-3-1")  # earliest deadline first
    assert found[0].warehouse == "Main warehouse"
    # Six units free beside the 14 reserved: no risk. The old rule (present < needed) would
    # have missed MAT above, and fires for BALL alike.
    spare = shortfalls(postings, [stock(MAT, 20, 14), stock(BALL, 3, 5)])
    assert [s.sku for s in spare] == [BALL]
    assert shortfalls(postings, []) == []  # no stock line: unknown, not zero
    silent = WarehouseStock(sku=MAT, present=14, reserved=14, warehouse_id=1001)
    assert shortfalls(postings, [silent]) == []  # no free_stock given: unknown, not "none"


def waiting_for_mats(ozon: FakeOzon, tmp_path: Path, prefix: str, count: int) -> Harness:
    """A store whose `count` postings, far from their deadlines, each wait for two mats."""
    ozon.add_store(CLIENT_ID, API_KEY)
    harness = Harness(ozon, tmp_path / "bot.sqlite3")
    products = [{"sku": MAT, "offer_id": "MAT-1", "name": "Yoga mat", "quantity": 2,
                 "price": "900.00"}]  # fmt: skip
    harness.postings(*(posting(f"{prefix}-000{i}-1", harness.at(30 + i), products=products)
                       for i in range(count)))  # fmt: skip
    return harness


@pytest.mark.service
def test_a_shortfall_is_told_once_and_again_after_it_was_covered(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    harness = waiting_for_mats(ozon, tmp_path, "9100", 3)
    ozon.set_stock(CLIENT_ID, MAT, 1001, 4)  # 6 needed
    told = [text for text in sends(harness.scan()) if "📦" in text]
    assert len(told) == 1
    assert "Stock for 3 postings is missing" in told[0]
    assert "SKU 501 (OFFER-501) at Main warehouse: 4 in stock, 6 needed" in told[0]
    assert all(f"9100-000{i}-1" in told[0] for i in range(3))
    harness.now += STOCK_EVERY
    assert not [text for text in sends(harness.scan()) if "📦" in text]  # still short: once
    ozon.set_stock(CLIENT_ID, MAT, 1001, 10)
    harness.now += STOCK_EVERY
    harness.scan()  # covered: forgotten
    ozon.set_stock(CLIENT_ID, MAT, 1001, 1)
    harness.now += STOCK_EVERY
    again = [text for text in sends(harness.scan()) if "📦" in text]
    assert len(again) == 1 and "1 in stock, 6 needed" in again[0]


@pytest.mark.service
def test_every_unit_reserved_is_told_as_no_spare_stock_until_some_is_free(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    harness = waiting_for_mats(ozon, tmp_path, "9300", 2)
    ozon.set_stock(CLIENT_ID, MAT, 1001, 7, reserved=7)  # 4 for these, 3 for postings packed
    told = [item for item in harness.scan() if item.text and "📦" in item.text]
    assert len(told) == 1
    text = told[0].text
    assert "No spare stock for 2 postings" in text
    assert "Ozon counts 7, all reserved for orders (4 for these postings), none free" in text
    assert "fewer than 7" in text
    assert [c for c in ozon.calls if c["path"].startswith("/v2/product")][-1]["body"]["sku"] == [
        str(MAT)
    ]
    ozon.set_stock(CLIENT_ID, MAT, 1001, 9, reserved=7)  # two free
    harness.now += STOCK_EVERY
    assert not [text for text in sends(harness.scan()) if "📦" in text]
    ozon.set_stock(CLIENT_ID, MAT, 1001, 7, reserved=7)
    harness.now += STOCK_EVERY
    assert len([text for text in sends(harness.scan()) if "No spare stock" in text]) == 1


@pytest.mark.service
def test_stock_lines_are_read_across_pages(ozon: FakeOzon, tmp_path: Path) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    ozon.set_stock_page_size(CLIENT_ID, 1)
    harness = Harness(ozon, tmp_path / "bot.sqlite3")
    products = [{"sku": sku, "offer_id": f"S-{sku}", "name": "Thing", "quantity": 1,
                 "price": "10.00"} for sku in (MAT, BALL)]  # fmt: skip
    harness.postings(posting("9400-0001-1", harness.at(30), products=products))
    ozon.set_stock(CLIENT_ID, MAT, 1001, 50)
    ozon.set_stock(CLIENT_ID, BALL, 1001, 0)  # listed second: only on the second page
    told = [text for text in sends(harness.scan()) if "📦" in text]
    assert len(told) == 1 and "SKU 502" in told[0] and "0 in stock, 1 needed" in told[0]
    assert len([c for c in ozon.calls if c["path"].startswith("/v2/product")]) == 2


@pytest.mark.service
def test_a_switched_off_method_reaches_the_owner_and_the_operators_once(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    ozon.switched_off.add("/v2/product/info/stocks-by-warehouse/fbs")
    operator = 7001
    harness = Harness(ozon, tmp_path / "bot.sqlite3", operators=frozenset({operator}))
    products = [{"sku": MAT, "offer_id": "MAT-1", "name": "Yoga mat", "quantity": 1,
                 "price": "900.00"}]  # fmt: skip
    harness.postings(posting("9500-0001-1", harness.at(30), products=products))
    first = harness.scan()
    to_owner = [i.text for i in first if i.chat_id == CHAT and "switched off" in (i.text or "")]
    to_operator = [i.text for i in first if i.chat_id == operator]
    assert to_owner == [
        "⚠️ Ozon has switched off /v2/product/info/stocks-by-warehouse/fbs and no longer "
        "answers it for <b>Shop</b>. Stopped until the bot is updated: stock warnings. The "
        "bot's operators have been told."
    ]
    assert len(to_operator) == 1 and "first seen for Client-Id 111: «Not Found»" in to_operator[0]
    harness.now += STOCK_EVERY
    again = harness.scan()
    assert not [i for i in again if "switched off" in (i.text or "")]  # told once


@pytest.mark.e2e
def test_a_stock_message_opens_each_posting_to_act_on_it(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    products = [{"sku": BALL, "offer_id": "BALL-1", "name": "Ball", "quantity": 3,
                 "price": "300.00"}]  # fmt: skip
    due = datetime.now(UTC) + timedelta(days=3)  # far from any warning stage
    ozon.set_postings(E2E_CLIENT, [
        FakeOzon.make_posting(f"9200-000{i}-1", due + timedelta(hours=i), products=products)
        for i in range(2)
    ])  # fmt: skip
    ozon.set_stock(E2E_CLIENT, BALL, 1001, 2)
    say(telegram, f"/connect {E2E_CLIENT} {E2E_KEY}", "Connected")
    telegram.wait_for(lambda: any("📦" in t for t in telegram.texts(USER)), 20)
    told = next(m for m in telegram.bot_messages(USER) if "📦" in m["text"])
    assert (
        "Stock for 2 postings is missing" in told["text"] and "2 in stock, 6 needed" in told["text"]
    )
    opens = [data for text, data in buttons(told).items() if text.startswith("⚙️")]
    assert len(opens) == 2
    telegram.press(USER, told["message_id"], opens[0])
    telegram.wait_for(lambda: any(
        "<b>9200-0000-1</b>" in m["text"] and "❌ Cancel order" in buttons(m)
        for m in telegram.bot_messages(USER)
    ))  # fmt: skip
    own = next(m for m in telegram.bot_messages(USER) if "<b>9200-0000-1</b>" in m["text"])
    assert "Less than 7d to the deadline" in own["text"]
    assert own["reply_to"] == told["message_id"]
