"""Actions taken from alerts: their state (so a double press calls Ozon once) and the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.kinds import ActionState
from storage.db import Database, Forms, Row, db_time, from_row, placeholders, stored_time

EXPORT_LIMIT = 100_000
ACTION_COLUMNS = (
    "id, token, chat_id, message_id, store_id, posting_number, kind, state, params, actor_id,"
    " actor_name, request, response, updated_at"
)


@dataclass(frozen=True)
class Action:
    id: int
    token: str
    chat_id: int
    message_id: int | None
    store_id: int
    posting_number: str
    # cancel, message, extend, timeslot, support; claim, release, snooze; escalate, repeat
    kind: str
    state: ActionState
    params: dict[str, Any]
    actor_id: int
    actor_name: str
    request: str | None
    response: str | None
    updated_at: datetime


ACTION_FORMS: Forms = {"params": json.loads, "updated_at": stored_time, "state": ActionState}


def action_from_row(row: Row, prefix: str = "") -> Action:
    return from_row(Action, row, prefix=prefix, convert=ACTION_FORMS)


async def create_action(
    db: Database,
    *,
    token: str,
    chat_id: int,
    message_id: int | None,
    store_id: int,
    posting_number: str,
    kind: str,
    actor_id: int,
    actor_name: str,
    now: datetime,
    state: ActionState = ActionState.DRAFT,
    params: dict[str, Any] | None = None,
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO actions (token, chat_id, message_id, store_id, posting_number, kind,"
            " state, params, actor_id, actor_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token,
                chat_id,
                message_id,
                store_id,
                posting_number,
                kind,
                state,
                json.dumps(params or {}, ensure_ascii=False),
                actor_id,
                actor_name,
                db_time(now),
                db_time(now),
            ),
        )


async def action_by_token(db: Database, token: str) -> Action | None:
    row = await db.fetch_one(f"SELECT {ACTION_COLUMNS} FROM actions WHERE token = ?", (token,))
    return action_from_row(row) if row else None


async def update_params(
    db: Database, action_id: int, params: dict[str, Any], now: datetime
) -> None:
    """Changes a draft; an action already sent to Ozon keeps what was sent."""
    async with db.transaction():
        await db.execute(
            "UPDATE actions SET params = ?, updated_at = ? WHERE id = ? AND state = 'draft'",
            (json.dumps(params, ensure_ascii=False), db_time(now), action_id),
        )


async def claim(
    db: Database, action_id: int, actor_id: int, actor_name: str, request: str, now: datetime
) -> bool:
    """Moves a draft to 'requested'; only the one caller that gets True may call Ozon. It is
    refused while the same kind of action on the same posting is with Ozon already (pressed on
    another message about it, say), and after the posting was cancelled."""
    async with db.transaction():
        changed = await db.execute(
            "UPDATE actions SET state = 'requested', actor_id = ?, actor_name = ?, request = ?,"
            " updated_at = ? WHERE id = ? AND state = 'draft' AND NOT EXISTS ("
            " SELECT 1 FROM actions other WHERE other.store_id = actions.store_id"
            " AND other.posting_number = actions.posting_number AND other.id <> actions.id"
            " AND ((other.kind = actions.kind AND other.state = 'requested')"
            " OR (other.kind = 'cancel' AND other.state = 'done')))",
            (actor_id, actor_name, request, db_time(now), action_id),
        )
    return changed == 1


async def finish(
    db: Database, action_id: int, state: ActionState, response: str, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "UPDATE actions SET state = ?, response = ?, updated_at = ? WHERE id = ?",
            (state, response, db_time(now), action_id),
        )


async def requested_actions(db: Database) -> list[Action]:
    """Actions sent to Ozon whose answer was never recorded (the process stopped meanwhile)."""
    rows = await db.fetch_all(
        f"SELECT {ACTION_COLUMNS} FROM actions WHERE state = 'requested' ORDER BY id"
    )
    return [action_from_row(row) for row in rows]


async def abort_drafts(db: Database, message_id: int, now: datetime) -> None:
    """Back to the alert: drafts on it are dropped, so their buttons stop working."""
    async with db.transaction():
        await db.execute(
            "UPDATE actions SET state = 'aborted', updated_at = ?"
            " WHERE message_id = ? AND state = 'draft'",
            (db_time(now), message_id),
        )


async def done_actions(db: Database, store_id: int, numbers: Sequence[str]) -> list[Action]:
    """Completed actions on these postings, oldest first: the notes their alerts show."""
    if not numbers:
        return []
    rows = await db.fetch_all(
        f"SELECT {ACTION_COLUMNS} FROM actions WHERE store_id = ? AND state = 'done'"
        f" AND posting_number IN ({placeholders(len(numbers))}) ORDER BY id",
        (store_id, *numbers),
    )
    return [action_from_row(row) for row in rows]


async def recent_actions(
    db: Database, store_ids: Sequence[int], limit: int | None = None
) -> list[Action]:
    """The audit log of these stores, newest first, drafts left out."""
    if not store_ids:
        return []
    rows = await db.fetch_all(
        f"SELECT {ACTION_COLUMNS} FROM actions WHERE store_id IN ({placeholders(len(store_ids))})"
        " AND state NOT IN ('draft', 'aborted') ORDER BY id DESC LIMIT ?",
        (*store_ids, limit if limit is not None else EXPORT_LIMIT),
    )
    return [action_from_row(row) for row in rows]
