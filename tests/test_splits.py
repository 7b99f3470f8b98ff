"""A posting Ozon splits is shown as a split, not as a cancellation, and the postings split out
of it inherit who handles it in each chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from tests.helpers.scan import API_KEY, CLIENT_ID, Harness, edits, posting, sends

pytestmark = pytest.mark.service
GROUP = -100500


def test_a_split_is_shown_as_one_and_its_parts_keep_their_handler(
    ozon: FakeOzon, tmp_path: Path
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    harness = Harness(ozon, tmp_path / "bot.sqlite3", chats=(GROUP,))
    harness.postings(posting("91-1-1", harness.at(3)))
    assert len(sends(harness.scan())) == 1
    harness.sql(
        "INSERT INTO posting_claims (chat_id, store_id, posting_number, claimed_by,"
        " claimed_name, updated_at) VALUES (?, 1, '91-1-1', 42, '@bob', '2026-12-05T00:00:00')",
        (GROUP,),
    )
    ozon.update_posting(CLIENT_ID, "91-1-1", status="cancelled_from_split_pending")
    parts = [posting(f"91-1-{n}", harness.at(3)) for n in (2, 3)]
    for part in parts:
        part["parent_posting_number"] = "91-1-1"
    ozon.set_postings(CLIENT_ID, [*ozon.postings(CLIENT_ID), *parts])
    items = harness.scan()
    split = [text for text in edits(items) if "91-1-1" in text]
    assert split and all("Split by Ozon" in text and "Cancelled" not in text for text in split)
    told = sends(items)
    assert len(told) == 2 and all("@bob" in text for text in told)  # the parts' handler
    assert ozon.violations == []
