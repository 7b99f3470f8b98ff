"""The database a service test runs on: SQLite, or PostgreSQL when the `database_engine`
fixture (tests/conftest.py) chose it."""

from __future__ import annotations

import os
from pathlib import Path

from storage import Database


async def open_db(path: Path) -> Database:
    """The test's database: PostgreSQL when the test runs on it (DATABASE_URL, set by the
    `database_engine` fixture), else SQLite at `path`."""
    return await Database.connect(os.environ.get("DATABASE_URL"), path)
