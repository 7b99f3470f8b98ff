"""Alert texts: what they show, escaping, and Telegram's length limit."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.deadlines import OVERDUE
from bot.i18n.texts import texts_for
from bot.ozon.models import Posting
from bot.views.render import PostingView, render_alert, render_group, render_group_parts
from fakes.ozon import FakeOzon

EN = texts_for("en")

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def make(number: str = "1-1-1", hours: float = 3, **kwargs: object) -> Posting:
    return Posting.model_validate(
        FakeOzon.make_posting(number, NOW + timedelta(hours=hours), **kwargs)
    )


def test_alert_shows_what_the_seller_needs_in_the_chat_time_zone() -> None:
    tariff = {"next_tariff_rate": 5, "next_tariff_type": "surcharge",
              "next_tariff_starts_at": "2026-11-27T09:00:00Z"}  # fmt: skip
    text = render_alert(
        EN, "Shop", PostingView(make(tariffication=tariff)), 14400, "Asia/Shanghai", NOW
    )
    assert "Less than 4h to the deadline</b> — Shop" in text
    assert "<b>1-1-1</b> · not packed" in text
    assert "• Test product × 1 (OFFER-1)" in text
    assert "Warehouse: Main warehouse" in text
    assert "Ship by: <b>Thu 26 Nov 20:00 CST</b> — 3 h 0 min left" in text
    assert "Counts as late after: Fri 27 Nov 20:00 CST" in text
    assert "Logistics rate changes by +5% (surcharge) from Fri 27 Nov 17:00 CST" in text


def test_overdue_alert_says_by_how_much() -> None:
    text = render_alert(EN, "Shop", PostingView(make(hours=-26)), OVERDUE, "UTC", NOW)
    assert text.startswith("🔴 <b>Overdue</b>") and "overdue by 1 d 2 h" in text


def test_names_are_escaped_and_shortened() -> None:
    products = [{"sku": 1, "offer_id": "<b>", "name": "Tea & <Coffee> " + "x" * 600,
                 "quantity": 2, "price": {"amount": "1", "currency": "RUB"}}] * 12  # fmt: skip
    text = render_alert(EN, "A & B", PostingView(make(products=products)), 3600, "UTC", NOW)
    assert "Tea &amp; &lt;Coffee&gt;" in text and "A &amp; B" in text and "&lt;b&gt;" in text
    assert "… and 2 more products" in text
    assert len(text) < 4096


def test_group_parts_fit_telegram_even_after_every_line_is_marked() -> None:
    long_name = [{"sku": 1, "offer_id": "o", "name": "n" * 300, "quantity": 1}]
    views = [PostingView(make(f"{i:08d}-0001-1", products=long_name)) for i in range(200)]
    parts = render_group_parts(EN, "Shop", views, 14400, "Europe/Moscow")
    assert sum(len(part) for part in parts) == 200 and len(parts) > 1
    later = {"shipment_date": NOW + timedelta(days=3)}
    for part in parts:
        moved = [
            PostingView(
                views[i].posting.model_copy(update=later), None, views[i].posting.shipment_date
            )
            for i in part
        ]
        text = render_group(EN, "Shop", moved, 14400, "Europe/Moscow")
        assert "moved to" in text
        assert len(text) <= 4096


def test_every_outcome_has_words() -> None:
    for outcome in (
        "handed_over",
        "cancelled",
        "arbitration",
        "not_accepted",
        "left",
        "gone",
        "expired",
    ):
        view = PostingView(make(), outcome=outcome)
        assert render_alert(EN, "Shop", view, 3600, "UTC", NOW)
        assert render_group(EN, "Shop", [view, view], 3600, "UTC")
