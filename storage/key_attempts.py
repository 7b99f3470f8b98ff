"""Wrong API keys per user, kept across restarts: the wait they earn must outlive the process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from storage.db import Database, db_time, parse_db_time


async def wait_until(db: Database, user_id: int) -> datetime | None:
    """Until when the user must wait before trying another key (None: no wait recorded)."""
    return parse_db_time(
        await db.fetch_value("SELECT wait_until FROM key_attempts WHERE user_id = ?", (user_id,))
    )


async def record_wrong_key(
    db: Database,
    user_id: int,
    now: datetime,
    forget_before: datetime,
    wait_for: Callable[[int], timedelta],
) -> int:
    """Counts one more wrong key (afresh when the last was before `forget_before`), sets the
    wait `wait_for(count)` asks for, and returns the count."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO key_attempts (user_id, wrong_keys, last_at) VALUES (?, 1, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET last_at = excluded.last_at, wrong_keys ="
            " CASE WHEN key_attempts.last_at < ? THEN 1 ELSE key_attempts.wrong_keys + 1 END",
            (user_id, db_time(now), db_time(forget_before)),
        )
        count = int(
            await db.fetch_value(
                "SELECT wrong_keys FROM key_attempts WHERE user_id = ?", (user_id,)
            )
        )
        wait = wait_for(count)
        await db.execute(
            "UPDATE key_attempts SET wait_until = ? WHERE user_id = ?",
            (db_time(now + wait) if wait else None, user_id),
        )
    return count


async def forget(db: Database, user_id: int) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM key_attempts WHERE user_id = ?", (user_id,))
