"""The last seen state of postings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row, placeholders, stored_time


@dataclass(frozen=True)
class KnownPosting:
    posting_number: str
    shipment_date: datetime
    outcome: str | None  # None while watched
    data: str
    last_seen_at: datetime


@dataclass(frozen=True)
class PostingRecord:
    """What a scan learnt about one posting."""

    posting_number: str
    status: str
    shipment_date: datetime
    outcome: str | None
    data: str
    # False for a posting first seen with its outcome (handed over before the bot knew it):
    # no moment of the outcome is recorded, so advice and the digest do not count it.
    outcome_seen: bool = True


KNOWN_FORMS = {"shipment_date": stored_time, "last_seen_at": stored_time}


async def known_postings(
    db: Database, store_id: int, numbers: Sequence[str]
) -> dict[str, KnownPosting]:
    if not numbers:
        return {}
    rows = await db.fetch_all(
        "SELECT posting_number, shipment_date, outcome, data, last_seen_at FROM postings"
        f" WHERE store_id = ? AND posting_number IN ({placeholders(len(numbers))})",
        (store_id, *numbers),
    )
    return {row["posting_number"]: from_row(KnownPosting, row, convert=KNOWN_FORMS) for row in rows}


async def save_postings(
    db: Database, store_id: int, records: Sequence[PostingRecord], seen_at: datetime
) -> None:
    """Upserts what changed."""
    seen = db_time(seen_at)
    async with db.transaction():
        if not records:
            return
        await db.execute_many(
            "INSERT INTO postings (store_id, posting_number, status, shipment_date, outcome, data,"
            " last_seen_at, outcome_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (store_id, posting_number)"
            " DO UPDATE SET status = excluded.status, shipment_date = excluded.shipment_date,"
            " outcome = excluded.outcome, data = excluded.data,"
            " last_seen_at = excluded.last_seen_at,"
            " outcome_at = CASE WHEN excluded.outcome IS NULL THEN NULL"
            " WHEN postings.outcome IS NULL THEN excluded.last_seen_at"
            " ELSE postings.outcome_at END",
            (
                (
                    store_id,
                    record.posting_number,
                    record.status,
                    db_time(record.shipment_date),
                    record.outcome,
                    record.data,
                    seen,
                    seen if record.outcome is not None and record.outcome_seen else None,
                )
                for record in records
            ),
        )


async def mark_seen(db: Database, store_id: int, numbers: Sequence[str], seen_at: datetime) -> None:
    """Moves the seen time of postings listed unchanged (one statement, no JSON rewritten)."""
    if not numbers:
        return
    async with db.transaction():
        await db.execute(
            "UPDATE postings SET last_seen_at = ? WHERE store_id = ?"
            f" AND posting_number IN ({placeholders(len(numbers))})",
            (db_time(seen_at), store_id, *numbers),
        )


async def unseen_watched(db: Database, store_id: int, seen: Collection[str]) -> list[KnownPosting]:
    """Watched postings not among those the current scan `seen`: they left the list."""
    rows = await db.fetch_all(
        "SELECT posting_number FROM postings WHERE store_id = ? AND outcome IS NULL", (store_id,)
    )
    missing = [row["posting_number"] for row in rows if row["posting_number"] not in seen]
    return list((await known_postings(db, store_id, missing)).values())


async def numbers_with_outcome(db: Database, store_id: int, outcome: str) -> set[str]:
    rows = await db.fetch_all(
        "SELECT posting_number FROM postings WHERE store_id = ? AND outcome = ?",
        (store_id, outcome),
    )
    return {row["posting_number"] for row in rows}


async def set_outcome(db: Database, store_id: int, posting_number: str, outcome: str) -> None:
    async with db.transaction():
        await db.execute(
            "UPDATE postings SET outcome = ?, outcome_at = COALESCE(outcome_at, last_seen_at)"
            " WHERE store_id = ? AND posting_number = ?",
            (outcome, store_id, posting_number),
        )


async def watched_count(db: Database, store_id: int) -> int:
    return int(
        await db.fetch_value(
            "SELECT COUNT(*) FROM postings WHERE store_id = ? AND outcome IS NULL", (store_id,)
        )
    )


async def next_deadlines(db: Database, store_id: int, limit: int) -> list[KnownPosting]:
    rows = await db.fetch_all(
        "SELECT posting_number, shipment_date, outcome, data, last_seen_at FROM postings"
        " WHERE store_id = ? AND outcome IS NULL ORDER BY shipment_date LIMIT ?",
        (store_id, limit),
    )
    return [from_row(KnownPosting, row, convert=KNOWN_FORMS) for row in rows]


async def note_packing(db: Database, store_id: int, posting_number: str, data: str) -> None:
    """Stores a posting as Ozon took it to pack again, so the next scan tells a new failure
    from the one before (bot/actions/repack.py)."""
    async with db.transaction():
        await db.execute(
            "UPDATE postings SET data = ? WHERE store_id = ? AND posting_number = ?",
            (data, store_id, posting_number),
        )
