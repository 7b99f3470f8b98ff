"""What the preparation-time advice reads: the postings of a chat's stores handed over lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.deadlines import HANDED_OVER_OUTCOMES
from storage.db import Database, db_time, from_row, placeholders, stored_time


@dataclass(frozen=True)
class HandOverRow:
    store_id: int
    store: str
    posting_number: str
    shipment_date: datetime  # the deadline
    handed_over_at: datetime  # when the bot learnt of the hand-over (outcome_at)
    data: str  # the posting JSON (bot.ozon.models.Posting)


async def handed_over_since(db: Database, chat_id: int, since: datetime) -> list[HandOverRow]:
    """Postings of the chat's stores whose hand-over the bot learnt at or after `since`.
    The store is joined as storage/digests.py does; (store_id, outcome_at) is indexed."""
    rows = await db.fetch_all(
        "SELECT s.store_id, st.name AS store, p.posting_number, p.shipment_date,"
        " p.outcome_at AS handed_over_at, p.data"
        " FROM subscriptions s JOIN stores st ON st.id = s.store_id"
        " JOIN postings p ON p.store_id = s.store_id"
        # Every outcome a hand-over leads to; outcome_at keeps the hand-over's time.
        " WHERE s.chat_id = ?"
        f" AND p.outcome IN ({placeholders(len(HANDED_OVER_OUTCOMES))}) AND p.outcome_at >= ?",
        (chat_id, *sorted(HANDED_OVER_OUTCOMES), db_time(since)),
    )
    # Neither time is NULL here: shipment_date never is, and outcome_at passed the filter.
    times = {"shipment_date": stored_time, "handed_over_at": stored_time}
    return [from_row(HandOverRow, row, convert=times) for row in rows]
