"""What checking a press on an alert needs, read in one query: Telegram waits for the answer,
and every trip to the database thread adds to the wait. A press on an alert's own buttons names
the message by its token; a press on an action's step (a reason, "back", "yes") names the
action, and the same query reads the action too."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from storage.actions import ACTION_COLUMNS, Action, action_from_row
from storage.alerts import DEADLINE, MESSAGE_COLUMNS, MESSAGE_FORMS, AlertedPosting, AlertMessage
from storage.db import Database, Row, from_row
from storage.stores import STORE_COLUMNS, Store, store_from_row


def _prefixed(columns: str, alias: str) -> str:
    """`s.id AS s_id, ...`: columns of a joined table, named apart from the others."""
    names = (column.strip().split(".")[-1] for column in columns.split(","))
    return ", ".join(f"{alias}.{name} AS {alias}_{name}" for name in names)


_SELECT = (
    f"SELECT {MESSAGE_COLUMNS}, {_prefixed(STORE_COLUMNS, 's')}, p.data, p.outcome,"
    " mp.shipment_date AS alerted_shipment_date, EXISTS (SELECT 1 FROM actions a"
    " WHERE a.store_id = p.store_id AND a.posting_number = p.posting_number"
    " AND a.kind = 'cancel' AND a.state = 'done') AS cancelled,"
    " p.posting_number, sub.permissions"
)
_MESSAGE_AND_POSTINGS = (
    " JOIN stores s ON s.id = m.store_id"
    " LEFT JOIN subscriptions sub ON sub.chat_id = m.chat_id AND sub.store_id = m.store_id"
    " LEFT JOIN message_postings mp ON mp.message_id = m.id"
    " LEFT JOIN postings p ON p.store_id = mp.store_id AND p.posting_number = mp.posting_number"
)


@dataclass(frozen=True)
class PressedAlert:
    message: AlertMessage
    store: Store
    postings: list[AlertedPosting]  # in the order the message shows them
    cancelled: frozenset[str]  # of those, cancelled through the bot
    rules: dict[str, str]  # who may press which button: the (chat, store)'s, over the defaults


async def pressed_alert(db: Database, token: str) -> PressedAlert | None:
    """The alert message with this button token, its store and its postings."""
    rows = await db.lookup(
        f"{_SELECT} FROM messages m{_MESSAGE_AND_POSTINGS} WHERE m.token = ? ORDER BY mp.position",
        (token,),
    )
    return _pressed(rows) if rows else None


async def pressed_action(db: Database, token: str) -> tuple[Action, PressedAlert] | None:
    """The action with this token and the alert message it is shown on (None: no such action,
    or it is on no message)."""
    rows = await db.lookup(
        f"{_SELECT}, {_prefixed(ACTION_COLUMNS, 'ac')} FROM actions ac"
        f" JOIN messages m ON m.id = ac.message_id{_MESSAGE_AND_POSTINGS}"
        " WHERE ac.token = ? ORDER BY mp.position",
        (token,),
    )
    return (action_from_row(rows[0], prefix="ac_"), _pressed(rows)) if rows else None


def _pressed(rows: Sequence[Row]) -> PressedAlert:
    first = rows[0]
    postings = [
        from_row(AlertedPosting, row, convert=DEADLINE) for row in rows if row["data"] is not None
    ]
    cancelled = frozenset(row["posting_number"] for row in rows if row["cancelled"])
    rules = first["permissions"]
    return PressedAlert(
        from_row(AlertMessage, first, convert=MESSAGE_FORMS),
        store_from_row(first, prefix="s_"),
        postings,
        cancelled,
        json.loads(rules) if rules else {},
    )
