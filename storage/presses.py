"""What checking a press on an alert button needs, read in one query: Telegram waits for the
answer, and every trip to the database thread adds to the wait."""

from __future__ import annotations

from dataclasses import dataclass

from storage.alerts import MESSAGE_COLUMNS, AlertedPosting, AlertMessage
from storage.db import Database, parse_db_time
from storage.stores import STORE_COLUMNS, Store, store_from_row

_STORE = ", ".join(f"s.{column.strip()}" for column in STORE_COLUMNS.split(","))
_MESSAGE_WIDTH = len(MESSAGE_COLUMNS.split(","))
_STORE_WIDTH = len(STORE_COLUMNS.split(","))


@dataclass(frozen=True)
class PressedAlert:
    message: AlertMessage
    store: Store
    postings: list[AlertedPosting]  # in the order the message shows them
    cancelled: frozenset[str]  # of those, cancelled through the bot


async def pressed_alert(db: Database, token: str) -> PressedAlert | None:
    """The alert message with this button token, its store and its postings."""
    rows = await db.fetch_all(
        f"SELECT {MESSAGE_COLUMNS}, {_STORE}, p.data, p.outcome, mp.shipment_date,"
        " EXISTS (SELECT 1 FROM actions a WHERE a.store_id = p.store_id"
        " AND a.posting_number = p.posting_number AND a.kind = 'cancel' AND a.state = 'done'),"
        " p.posting_number"
        " FROM messages m JOIN stores s ON s.id = m.store_id"
        " LEFT JOIN message_postings mp ON mp.message_id = m.id"
        " LEFT JOIN postings p"
        " ON p.store_id = mp.store_id AND p.posting_number = mp.posting_number"
        " WHERE m.token = ? ORDER BY mp.position",
        (token,),
    )
    if not rows:
        return None
    first = rows[0]
    store_end = _MESSAGE_WIDTH + _STORE_WIDTH
    postings = [
        AlertedPosting(row[store_end], row[store_end + 1], parse_db_time(row[store_end + 2]))  # type: ignore[arg-type]
        for row in rows
        if row[store_end] is not None
    ]
    cancelled = frozenset(row[store_end + 4] for row in rows if row[store_end + 3])
    return PressedAlert(
        AlertMessage(*first[:_MESSAGE_WIDTH]),
        store_from_row(tuple(first[_MESSAGE_WIDTH:store_end])),
        postings,
        cancelled,
    )
