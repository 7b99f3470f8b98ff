"""Action state in the database: one Ozon call per posting and kind, whatever is pressed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import actions as actions_db
from storage import stores as stores_db
from tests.helpers.engine import open_db

pytestmark = pytest.mark.service

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def _claims(path: Path) -> list[bool]:
    db = await open_db(path)
    store = await stores_db.save_store(
        db,
        owner_user_id=1,
        client_id="1",
        name="Shop",
        seal=lambda _: "x",
        missing_methods=[],
        key_expires_at=None,
        now=NOW,
    )
    for token, kind in (("a", "cancel"), ("b", "cancel"), ("c", "message"), ("d", "message")):
        await actions_db.create_action(
            db, token=token, chat_id=1, message_id=None, store_id=store,
            posting_number="1-1-1", kind=kind, actor_id=1, actor_name="@a", now=NOW,
        )  # fmt: skip
    ids = {t: (await actions_db.action_by_token(db, t)).id for t in "abcd"}  # type: ignore[union-attr]
    results = [
        await actions_db.claim(db, ids["a"], 1, "@a", "{}", NOW),
        await actions_db.claim(db, ids["a"], 1, "@a", "{}", NOW),  # the same draft twice
        await actions_db.claim(db, ids["b"], 1, "@a", "{}", NOW),  # another message, same posting
        await actions_db.claim(db, ids["c"], 1, "@a", "{}", NOW),
    ]
    await actions_db.finish(db, ids["c"], "done", "ok", NOW)
    results.append(await actions_db.claim(db, ids["d"], 1, "@a", "{}", NOW))  # a follow-up
    await actions_db.finish(db, ids["a"], "done", "ok", NOW)
    results.append(await actions_db.claim(db, ids["b"], 1, "@a", "{}", NOW))  # cancelled now
    await db.close()
    return results


def test_only_one_claim_reaches_ozon(tmp_path: Path) -> None:
    assert asyncio.run(_claims(tmp_path / "db.sqlite3")) == [True, False, False, True, True, False]
