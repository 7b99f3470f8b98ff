"""SQLite's plan of a statement: which tables it reads whole."""

from __future__ import annotations

import re
import sqlite3

# A full scan is fine only where the table holds one row per chat or store, never per posting.
SMALL_TABLES = {"stores", "chats", "schema_version"}


def table_of(name: str, statement: str) -> str:
    """The table behind a name in a plan, which may be an alias (`chats c`)."""
    alias = re.search(rf"(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?{name}\b", statement, re.IGNORECASE)
    return alias.group(1) if alias else name


def full_scans(connection: sqlite3.Connection, statement: str) -> list[str]:
    plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    scans = []
    for *_, detail in plan:
        match = re.match(r"SCAN (\w+)", detail)
        if (
            match
            and "INDEX" not in detail
            and table_of(match.group(1), statement) not in SMALL_TABLES
        ):
            scans.append(detail)
    return scans
