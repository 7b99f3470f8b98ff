"""Stores and the chats subscribed to them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from storage.chats import lead_times_from_column, record_change
from storage.db import Database, Forms, Row, db_time, from_row, parse_db_time

STORE_COLUMNS = (
    "id, owner_user_id, client_id, name, api_key_encrypted, state, missing_methods,"
    " key_expires_at, last_scan_at, failing_since, outage_notified, next_try_at,"
    " key_warned_days, push_seen_at"
)


@dataclass(frozen=True)
class Store:
    id: int
    owner_user_id: int
    client_id: str
    name: str
    api_key_encrypted: str
    state: str  # 'active', 'key_invalid' (rejected) or 'key_refused' (role or IP refused)
    missing_methods: tuple[str, ...]
    key_expires_at: datetime | None
    last_scan_at: datetime | None
    failing_since: datetime | None = None
    outage_notified: bool = False
    next_try_at: datetime | None = None
    key_warned_days: int | None = None
    push_seen_at: datetime | None = None  # Ozon's last push notification or ping for it


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    thread_id: int | None
    timezone: str
    lead_times: tuple[int, ...] | None
    escalation_delay: int | None = None  # seconds; None: the default
    repeat_interval: int | None = None
    escalation_contacts: str = ""
    quiet_hours: str | None = None
    group_threshold: int | None = None
    quiet_held: bool = False
    language: str | None = None  # the chat's language code as stored


STORE_FORMS: Forms = {
    "missing_methods": lambda text: tuple(method for method in text.split(",") if method),
    "key_expires_at": parse_db_time,
    "last_scan_at": parse_db_time,
    "failing_since": parse_db_time,
    "outage_notified": bool,
    "next_try_at": parse_db_time,
    "push_seen_at": parse_db_time,
}


def store_from_row(row: Row, prefix: str = "") -> Store:
    return from_row(Store, row, prefix=prefix, convert=STORE_FORMS)


async def save_store(
    db: Database,
    *,
    owner_user_id: int,
    client_id: str,
    name: str,
    seal: Callable[[int], str],
    missing_methods: list[str],
    key_expires_at: datetime | None,
    now: datetime,
) -> int:
    """Adds a store, or refreshes the key and name of one the owner connected before.
    `seal(store_id)` encrypts the key for the store's id, known only once the row exists."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO stores (owner_user_id, client_id, name, api_key_encrypted, state,"
            " missing_methods, key_expires_at, created_at) VALUES (?, ?, ?, '', 'active', ?, ?, ?)"
            " ON CONFLICT (owner_user_id, client_id) DO UPDATE SET name = excluded.name,"
            " state = 'active',"
            " key_warned_days = NULL, failing_since = NULL, outage_notified = 0,"
            " next_try_at = NULL,"
            " missing_methods = excluded.missing_methods, key_expires_at = excluded.key_expires_at",
            (
                owner_user_id,
                client_id,
                name,
                ",".join(missing_methods),
                db_time(key_expires_at) if key_expires_at else None,
                db_time(now),
            ),
        )
        store_id = int(
            await db.fetch_value(
                "SELECT id FROM stores WHERE owner_user_id = ? AND client_id = ?",
                (owner_user_id, client_id),
            )
        )
        await db.execute(
            "UPDATE stores SET api_key_encrypted = ? WHERE id = ?", (seal(store_id), store_id)
        )
        return store_id


async def subscribe(
    db: Database, chat_id: int, store_id: int, thread_id: int | None, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO subscriptions (chat_id, store_id, thread_id, state, created_at)"
            " VALUES (?, ?, ?, 'active', ?) ON CONFLICT (chat_id, store_id)"
            " DO UPDATE SET state = 'active', thread_id = excluded.thread_id",
            (chat_id, store_id, thread_id, db_time(now)),
        )


async def button_rules(db: Database, chat_id: int, store_id: int) -> dict[str, str]:
    """Who may press which of a store's alert buttons in a chat: action -> requirement."""
    value = await db.fetch_value(
        "SELECT permissions FROM subscriptions WHERE chat_id = ? AND store_id = ?",
        (chat_id, store_id),
    )
    return json.loads(value) if value else {}


async def set_button_rule(
    db: Database,
    *,
    chat_id: int,
    store_id: int,
    action: str,
    role: str,
    user_id: int,
    user_name: str,
    now: datetime,
) -> bool:
    """Changes one rule of a store's buttons in a chat and records who did; False when the
    store is not linked to the chat."""
    async with db.transaction():
        if not await db.fetch_one(
            "SELECT 1 FROM subscriptions WHERE chat_id = ? AND store_id = ?", (chat_id, store_id)
        ):
            return False
        rules = await button_rules(db, chat_id, store_id)
        rules[action] = role
        value = json.dumps(rules, sort_keys=True)
        await db.execute(
            "UPDATE subscriptions SET permissions = ? WHERE chat_id = ? AND store_id = ?",
            (value, chat_id, store_id),
        )
        await record_change(db, chat_id, user_id, user_name, "permissions",
                            f"{store_id}:{value}", now)  # fmt: skip
    return True


async def stores_of_owner(db: Database, owner_user_id: int) -> list[Store]:
    rows = await db.fetch_all(
        f"SELECT {STORE_COLUMNS} FROM stores WHERE owner_user_id = ? ORDER BY id",
        (owner_user_id,),
    )
    return [store_from_row(row) for row in rows]


async def store_of_owner(db: Database, owner_user_id: int, store_id: int) -> Store | None:
    row = await db.fetch_one(
        f"SELECT {STORE_COLUMNS} FROM stores WHERE id = ? AND owner_user_id = ?",
        (store_id, owner_user_id),
    )
    return store_from_row(row) if row else None


async def all_stores(db: Database, *, active_only: bool = False) -> list[Store]:
    where = " WHERE state = 'active'" if active_only else ""
    rows = await db.fetch_all(f"SELECT {STORE_COLUMNS} FROM stores{where} ORDER BY id")
    return [store_from_row(row) for row in rows]


async def delete_store(db: Database, store_id: int) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM stores WHERE id = ?", (store_id,))


async def set_store_state(db: Database, store_id: int, state: str) -> None:
    async with db.transaction():
        await db.execute("UPDATE stores SET state = ? WHERE id = ?", (state, store_id))


async def mark_scanned(db: Database, store_id: int, now: datetime) -> None:
    """A scan succeeded: the store's circuit closes."""
    async with db.transaction():
        await db.execute(
            "UPDATE stores SET last_scan_at = ?, failing_since = NULL, outage_notified = 0,"
            " next_try_at = NULL WHERE id = ?",
            (db_time(now), store_id),
        )


async def mark_scanned_at(db: Database, scanned: Mapping[int, datetime]) -> None:
    """Scans of healthy stores (no circuit to close): only their scan times."""
    async with db.transaction():
        await db.execute_many(
            "UPDATE stores SET last_scan_at = ? WHERE id = ?",
            [(db_time(now), store_id) for store_id, now in scanned.items()],
        )


async def mark_failing(
    db: Database, store_id: int, since: datetime, next_try_at: datetime, notified: bool
) -> None:
    async with db.transaction():
        await db.execute(
            "UPDATE stores SET failing_since = ?, next_try_at = ?, outage_notified = ?"
            " WHERE id = ?",
            (db_time(since), db_time(next_try_at), int(notified), store_id),
        )


async def mark_key_warned(db: Database, store_id: int, days: int) -> None:
    async with db.transaction():
        await db.execute("UPDATE stores SET key_warned_days = ? WHERE id = ?", (days, store_id))


async def subscribers(db: Database, store_id: int) -> list[Subscriber]:
    rows = await db.fetch_all(
        "SELECT s.chat_id, s.thread_id, c.timezone, c.lead_times, c.escalation_delay,"
        " c.repeat_interval, COALESCE(c.escalation_contacts, '') AS escalation_contacts,"
        " c.quiet_hours,"
        " c.group_threshold, c.quiet_held, c.language FROM subscriptions s"
        " JOIN chats c ON c.id = s.chat_id WHERE s.store_id = ? AND s.state = 'active'"
        " ORDER BY s.chat_id",
        (store_id,),
    )
    forms: Forms = {"lead_times": lead_times_from_column, "quiet_held": bool}
    return [from_row(Subscriber, row, convert=forms) for row in rows]


async def pause_chat(db: Database, chat_id: int) -> None:
    """The bot can no longer write to the chat: stop owing it alerts."""
    async with db.transaction():
        await db.execute("UPDATE subscriptions SET state = 'paused' WHERE chat_id = ?", (chat_id,))


async def store_by_id(db: Database, store_id: int) -> Store | None:
    row = await db.fetch_one(f"SELECT {STORE_COLUMNS} FROM stores WHERE id = ?", (store_id,))
    return store_from_row(row) if row else None


async def unsubscribe(db: Database, chat_id: int, store_id: int) -> bool:
    async with db.transaction():
        return (
            await db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND store_id = ?", (chat_id, store_id)
            )
            > 0
        )


async def stores_in_chat(db: Database, chat_id: int) -> list[Store]:
    """The stores whose alerts come to this chat."""
    rows = await db.fetch_all(
        f"SELECT {STORE_COLUMNS} FROM stores"
        " WHERE id IN (SELECT store_id FROM subscriptions WHERE chat_id = ?) ORDER BY id",
        (chat_id,),
    )
    return [store_from_row(row) for row in rows]


async def replace_key(db: Database, store_id: int, old: str, new: str) -> bool:
    """Swaps a store's encrypted key, unless it was changed meanwhile (a reconnect)."""
    async with db.transaction():
        changed = await db.execute(
            "UPDATE stores SET api_key_encrypted = ? WHERE id = ? AND api_key_encrypted = ?",
            (new, store_id, old),
        )
    return changed > 0


async def first_gone(db: Database, store_id: int, path: str, now: datetime) -> tuple[bool, bool]:
    """Records that Ozon switched `path` off for this store. Returns whether this store had
    not been told yet, and whether no store had (the operators are told once per path)."""
    async with db.transaction():
        anyone = await db.fetch_one("SELECT 1 FROM gone_methods WHERE path = ? LIMIT 1", (path,))
        inserted = await db.execute(
            "INSERT INTO gone_methods (store_id, path, told_at) VALUES (?, ?, ?)"
            " ON CONFLICT (store_id, path) DO NOTHING",
            (store_id, path, db_time(now)),
        )
    return inserted > 0, anyone is None
