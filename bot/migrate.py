"""`python -m bot migrate-db --to postgresql://…`: the SQLite database at DATABASE_PATH copied
into an empty PostgreSQL database, for a seller who outgrew one machine. API keys stay
encrypted with the same ENCRYPTION_KEY; every alert, action and setting comes along, so no
chat is alerted twice after the move. The SQLite database is first brought up to the current
schema, as the bot itself does at start. Stop the bot first: what it writes meanwhile stays
behind."""

from __future__ import annotations

from bot.config import ConfigError, Settings
from storage import Database
from storage.postgres import PostgresDatabase, safe_url
from storage.transfer import CopyMismatch, TargetNotEmpty, copy_database


async def migrate_database(settings: Settings, url: str) -> int:
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("--to is invalid: expected a postgresql://user:password@host/db URL")
    if not settings.database_path.exists():
        raise ConfigError(f"DATABASE_PATH {settings.database_path} does not exist: nothing to copy")
    source = await Database.open(settings.database_path)
    try:
        target = await PostgresDatabase.open_url(url)
        try:
            counts = await copy_database(source, target, print)
        except TargetNotEmpty as error:
            raise ConfigError(
                f"{safe_url(url)} is not empty ({error}): copy only into an empty database"
            ) from None
        except CopyMismatch as error:
            raise ConfigError(f"{error}; nothing was kept, try again") from None
        finally:
            await target.close()
    finally:
        await source.close()
    print(
        f"Copied {sum(counts.values())} rows in {len(counts)} tables from"
        f" {settings.database_path} to {safe_url(url)}; the counts match. Set DATABASE_URL to"
        " it and start the bot with the same ENCRYPTION_KEY."
    )
    return 0
