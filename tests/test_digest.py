"""The daily digest: when it is owed, what it says, that it goes out once a day at the chat's
time with its chart, and /digest on the running bot."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.core.digest import digest_due
from bot.i18n.texts import texts_for
from bot.ozon import OzonApi
from bot.ozon.models import ErrorIndex
from bot.security.crypto import KeyCipher
from bot.services.digest import DigestService
from bot.services.sellers import Sellers
from bot.services.wiring import Wiring
from bot.views.digest import render_digest
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.digests import PostingRow
from tests.helpers.chat import say
from tests.helpers.engine import open_db
from tests.helpers.images import png_size

EN = texts_for("en")

MOSCOW = "Europe/Moscow"
NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # 10:30 in Moscow


@pytest.mark.unit
@pytest.mark.parametrize(
    ("now", "zone", "at", "sent_on", "due"),
    [
        (NOW, MOSCOW, None, None, "2026-11-26"),  # 10:30 ≥ 09:00
        (NOW, MOSCOW, None, "2026-11-26", None),  # already sent today
        (NOW, MOSCOW, None, "2026-11-25", "2026-11-26"),
        (NOW, MOSCOW, "11:00", None, None),  # not yet
        (NOW, MOSCOW, "off", None, None),
        (NOW, "Asia/Shanghai", "15:30", None, "2026-11-26"),  # 15:30 there, exactly on time
        (NOW - timedelta(hours=5), MOSCOW, None, None, None),  # 05:30: too early
        (NOW, "America/New_York", None, None, None),  # 02:30 there
    ],
)
def test_when_a_digest_is_owed(
    now: datetime, zone: str, at: str | None, sent_on: str | None, due: str | None
) -> None:
    assert digest_due(now, zone, at, sent_on) == due


def row(store: str, number: str, due: datetime, *, warehouse: str = "North", outcome=None,
        outcome_at=None, cancellation: dict | None = None) -> PostingRow:  # fmt: skip
    data = FakeOzon.make_posting(number, due, warehouse=warehouse)
    if cancellation:
        data["cancellation"] = cancellation
    return PostingRow(1, store, number, due, outcome, outcome_at, json.dumps(data))


@pytest.mark.service
def test_the_digest_counts_today_tomorrow_and_yesterday() -> None:
    pending = [
        row("Alpha", "1-1-1", NOW - timedelta(hours=1)),  # overdue
        row("Alpha", "1-2-1", NOW + timedelta(hours=3)),  # today (13:30 MSK)
        row("Alpha", "1-3-1", NOW + timedelta(hours=5), warehouse="South"),
        row("Alpha", "1-4-1", NOW + timedelta(hours=20)),  # tomorrow 06:30 MSK
        row("Beta", "2-1-1", NOW + timedelta(hours=30)),  # tomorrow 16:30 MSK
    ]
    yesterday_noon = NOW - timedelta(hours=20)
    settled = [
        row("Alpha", "1-8-1", yesterday_noon, outcome="in_delivery",
            outcome_at=yesterday_noon + timedelta(hours=2)),  # late, followed on its way since
        row("Alpha", "1-9-1", yesterday_noon, outcome="handed_over",
            outcome_at=yesterday_noon - timedelta(hours=2)),  # on time
        row("Beta", "2-8-1", yesterday_noon, outcome="cancelled", outcome_at=yesterday_noon,
            cancellation={"cancellation_initiator": "seller", "affect_cancellation_rating": True}),
        row("Beta", "2-9-1", yesterday_noon, outcome="cancelled", outcome_at=yesterday_noon,
            cancellation={"cancellation_initiator": "client", "affect_cancellation_rating": False}),
    ]  # fmt: skip
    index = {"Alpha": ErrorIndex(index=0.012, period_from="2026-11-12", period_to="2026-11-26")}
    text = render_digest(EN, NOW, MOSCOW, pending, settled, index)
    assert "Daily digest</b> · Thu 26 Nov" in text
    alpha = "• North: today 1, tomorrow 1\n• South: today 1, tomorrow 0"
    assert f"🏪 <b>Alpha</b>\n🔴 Overdue now: 1\n{alpha}" in text
    assert "🏪 <b>Beta</b>\n• North: today 0, tomorrow 1" in text
    assert "⏰ Handed over late: 1-8-1" in text and "1-9-1" not in text
    assert "❌ 2-8-1 cancelled by you (the seller) — counts against the rating" in text
    assert "❌ 2-9-1 cancelled by the buyer — does not count against the rating" in text
    assert "Error index of Alpha: <b>1.2 %</b> (2026-11-12 – 2026-11-26)" in text


@pytest.mark.unit
def test_a_quiet_day_says_so() -> None:
    text = render_digest(EN, NOW, MOSCOW, [], [], {})
    assert "Nothing is due today or tomorrow." in text
    assert "No late hand-overs or cancellations." in text


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.service
def test_the_digest_goes_out_once_a_day_at_the_chat_time_with_its_chart(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    ozon.add_store("3131", "digest-key-1234")
    key = Fernet.generate_key().decode()
    clock = Clock(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))  # 21:00 in Moscow, the day before

    async def scenario() -> list[tuple[str, int]]:
        db = await open_db(tmp_path / "bot.sqlite3")
        cipher = KeyCipher([key])
        await chats_db.ensure_chat(db, 42, "private", MOSCOW, "en", clock.now)
        store = await stores_db.save_store(
            db, owner_user_id=42, client_id="3131", name="Gamma",
            seal=lambda store_id: cipher.seal(store_id, "digest-key-1234"),
            missing_methods=[], key_expires_at=None, now=clock.now,
        )  # fmt: skip
        await stores_db.subscribe(db, 42, store, None, clock.now)
        api = OzonApi(ozon.url)
        service = DigestService(Wiring(db, Sellers(api, cipher), clock=clock))
        counts = []
        await service.send_due()  # connected the evening before: the first digest is tomorrow
        for minutes in (0, 1, 60, 24 * 60 + 1):  # 08:59, 09:00, 09:59, next day 09:00
            clock.now = datetime(2026, 11, 26, 5, 59, tzinfo=UTC) + timedelta(minutes=minutes)
            counts.append((clock.now.isoformat(), await service.send_due()))
        items = await outbox_db.due(db, clock.now + timedelta(days=1), 100)
        photos = [await outbox_db.photo_of(db, item.id) for item in items if item.action == "photo"]
        await api.aclose()
        await db.close()
        assert [item.action for item in items] == ["send", "photo", "send", "photo"]
        assert "Daily digest" in items[0].text
        assert all(png_size(photo) == (1000, 500) for photo in photos)
        return [count for _, count in counts]

    assert asyncio.run(scenario()) == [0, 1, 0, 1]


@pytest.mark.e2e
def test_digest_on_the_running_bot(bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon) -> None:
    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting("7300-0001-1", datetime.now(UTC) + timedelta(hours=2)),
        FakeOzon.make_posting("7300-0002-1", datetime.now(UTC) - timedelta(hours=1)),
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: any("7300-0002-1" in t for t in telegram.texts(USER)), 20)
    text = say(telegram, "/digest", "Daily digest")
    assert "🔴 Overdue now: 1" in text and "Error index of Romashka: <b>0.0 %</b>" in text
    telegram.wait_for(lambda: any(m.get("photo") for m in telegram.bot_messages(USER)))
    photo = next(m["photo"] for m in telegram.bot_messages(USER) if m.get("photo"))
    assert png_size(photo["content"]) == (1000, 500)
    say(telegram, "/settings digest 25:00", "not a time of day")
    say(telegram, "/settings digest off", "Settings of this chat")
    assert bot.query("SELECT digest_time FROM chats WHERE id = ?", (USER,)) == [("off",)]
