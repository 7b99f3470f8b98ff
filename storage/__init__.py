"""Everything that touches SQL lives in this package."""

from storage.db import Database, DatabaseUnavailable, db_time, parse_db_time

__all__ = ["Database", "DatabaseUnavailable", "db_time", "parse_db_time"]
