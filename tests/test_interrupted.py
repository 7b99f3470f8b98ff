"""Actions a crash left 'requested', settled against the fake Ozon and a real database: what one
read can confirm is done or failed, the rest is 'unknown', and never 'done' unseen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.actions.interrupted import CONFIRMED, NOT_DONE, UNCONFIRMED, InterruptedActions
from bot.ozon import OzonApi, RetryPolicy
from bot.security.crypto import KeyCipher
from bot.services.sellers import Sellers
from bot.services.wiring import Wiring
from fakes.ozon import FakeOzon
from storage import actions as actions_db
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from tests.helpers.engine import open_db

pytestmark = pytest.mark.service

CLIENT, KEY = "5151", "interrupted-key-1234"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(hours=5)
GET = "/v3/posting/fbs/get"


def test_what_ozon_confirms_is_done_what_it_cannot_is_unknown(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    ozon.add_store(CLIENT, KEY)
    ozon.set_postings(CLIENT, [
        FakeOzon.make_posting("7100-0001-1", DEADLINE),
        # Ozon still asks for its shipping date: the new one never reached it.
        FakeOzon.make_posting("7100-0002-1", DEADLINE, available_actions=("set_cutoff",)),
        FakeOzon.make_posting("7100-0003-1", DEADLINE),
    ])  # fmt: skip

    async def scenario() -> tuple[dict[str, tuple[str, str]], list[str]]:
        db = await open_db(tmp_path / "bot.sqlite3")
        cipher = KeyCipher([Fernet.generate_key().decode()])
        await chats_db.ensure_chat(db, 42, "private", "UTC", "en", NOW)
        store = await stores_db.save_store(
            db, owner_user_id=42, client_id=CLIENT, name="Delta",
            seal=lambda store_id: cipher.seal(store_id, KEY),
            missing_methods=[], key_expires_at=None, now=NOW,
        )  # fmt: skip
        requested = (  # settled in this order
            ("7100-0003-1", "cancel", {"reason_id": 352}),  # Ozon does not answer
            ("7100-0001-1", "extend", {"new_date": DEADLINE.isoformat()}),  # Ozon shows it
            ("7100-0002-1", "extend", {"new_date": (DEADLINE + timedelta(days=1)).isoformat()}),
            ("7100-0003-1", "message", {"text": "Здравствуйте!"}),  # no read tells
        )
        for number, kind, params in requested:
            await actions_db.create_action(
                db, token=f"t-{number}-{kind}", chat_id=42, message_id=None, store_id=store,
                posting_number=number, kind=kind, actor_id=42, actor_name="@alice", now=NOW,
                state="requested", params=params,
            )  # fmt: skip
        ozon.inject(GET, 500, {"code": 13, "message": "internal"})  # the first read: the cancel's
        api = OzonApi(ozon.url, retry=RetryPolicy(attempts=1, base_delay=0.01))
        settled = InterruptedActions(Wiring(db, Sellers(api, cipher), clock=lambda: NOW))
        assert await settled.settle() == 4
        assert await settled.settle() == 0  # nothing is left 'requested'
        rows = await db.fetch_all(
            "SELECT posting_number || ' ' || kind, state, response FROM actions"
        )
        told = [item.text for item in await outbox_db.due(db, NOW + timedelta(days=1), 100)]
        await api.aclose()
        await db.close()
        return {row[0]: (row[1], row[2]) for row in rows}, told

    states, told = asyncio.run(scenario())
    assert states == {
        "7100-0001-1 extend": ("done", CONFIRMED),
        "7100-0002-1 extend": ("failed", NOT_DONE),
        "7100-0003-1 message": ("unknown", UNCONFIRMED),
        "7100-0003-1 cancel": ("unknown", UNCONFIRMED),
    }
    assert sum("Ozon confirms it was done" in text for text in told) == 1
    assert sum("Ozon shows it was not done" in text for text in told) == 1
    assert sum("could not check whether Ozon did it" in text for text in told) == 2
