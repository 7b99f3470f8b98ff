"""Claims and snoozes: a team's own state of a posting in one chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row, parse_db_time


@dataclass(frozen=True)
class Claim:
    claimed_by: int | None
    claimed_name: str | None
    snoozed_until: datetime | None
    snoozed_name: str | None


@dataclass(frozen=True)
class ClaimPlace:
    """A posting in one chat: where a claim or snooze belongs."""

    chat_id: int
    store_id: int
    posting_number: str


async def claim_of(db: Database, chat_id: int, store_id: int, posting_number: str) -> Claim | None:
    row = await db.fetch_one(
        "SELECT claimed_by, claimed_name, snoozed_until, snoozed_name FROM posting_claims"
        " WHERE chat_id = ? AND store_id = ? AND posting_number = ?",
        (chat_id, store_id, posting_number),
    )
    return from_row(Claim, row, convert={"snoozed_until": parse_db_time}) if row else None


async def set_claim(
    db: Database,
    place: ClaimPlace,
    *,
    user_id: int | None,
    name: str | None,
    now: datetime,
) -> None:
    """Claims the posting for a user, or releases it (user None)."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO posting_claims (chat_id, store_id, posting_number, claimed_by,"
            " claimed_name, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, store_id, posting_number) DO UPDATE SET"
            " claimed_by = excluded.claimed_by, claimed_name = excluded.claimed_name,"
            " updated_at = excluded.updated_at",
            (place.chat_id, place.store_id, place.posting_number, user_id, name, db_time(now)),
        )


async def set_snooze(
    db: Database, place: ClaimPlace, *, until: datetime, name: str, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO posting_claims (chat_id, store_id, posting_number, snoozed_until,"
            " snoozed_name, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, store_id, posting_number) DO UPDATE SET"
            " snoozed_until = excluded.snoozed_until, snoozed_name = excluded.snoozed_name,"
            " updated_at = excluded.updated_at",
            (
                place.chat_id,
                place.store_id,
                place.posting_number,
                db_time(until),
                name,
                db_time(now),
            ),
        )


async def inherit(
    db: Database, store_id: int, parent: str, children: list[str], now: datetime
) -> None:
    """Postings Ozon split out of `parent` take over its claims and snoozes, chat by chat:
    whoever handled the parent handles its parts. A child's own claim is kept."""
    async with db.transaction():
        for child in children:
            await db.execute(
                "INSERT INTO posting_claims (chat_id, store_id, posting_number, claimed_by,"
                " claimed_name, snoozed_until, snoozed_name, updated_at)"
                " SELECT chat_id, store_id, ?, claimed_by, claimed_name, snoozed_until,"
                " snoozed_name, ? FROM posting_claims WHERE store_id = ? AND posting_number = ?"
                " ON CONFLICT (chat_id, store_id, posting_number) DO NOTHING",
                (child, db_time(now), store_id, parent),
            )
