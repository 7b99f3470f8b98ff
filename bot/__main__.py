"""`python -m bot` runs the bot; `python -m bot check [--demo]` runs one scan and prints it;
`python -m bot rotate-keys` re-encrypts the stored API keys under the newest ENCRYPTION_KEY;
`python -m bot migrate-db --to postgresql://…` copies the SQLite database into PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from cryptography.fernet import Fernet

from bot.config import ConfigError, Settings, load_settings, require_bot_token
from storage import DatabaseUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    check = commands.add_parser("check", help="scan once and print what would be alerted")
    check.add_argument("--demo", action="store_true", help="scan the built-in sample store")
    commands.add_parser("genkey", help="print a new ENCRYPTION_KEY value")
    commands.add_parser(
        "rotate-keys", help="re-encrypt every stored API key under the newest ENCRYPTION_KEY"
    )
    migrate = commands.add_parser(
        "migrate-db", help="copy the SQLite database into an empty PostgreSQL database"
    )
    migrate.add_argument("--to", required=True, metavar="POSTGRESQL_URL")
    args = parser.parse_args(argv)

    if args.command == "genkey":
        print(Fernet.generate_key().decode())
        return 0
    try:
        settings = load_settings()
        if args.command in (None, "run"):
            require_bot_token(settings)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        # The replica's name holds no '%' (REPLICA_ID's pattern): safe inside the format.
        format=f"%(asctime)s %(levelname)s {settings.replica_id} %(name)s: %(message)s",
    )
    # Libraries' DEBUG lines (every SQL statement, every request) drown the bot's own.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))
    # aiogram takes seconds to import, so it is imported only once the settings are good, and
    # with its types built on first use (bot/perf/aiogram_types.py).
    if args.command in (None, "run", "check"):
        from bot.perf.aiogram_types import import_aiogram

        import_aiogram()
    if args.command == "check":
        from bot.check import run_check

        try:
            return asyncio.run(run_check(settings, demo=args.demo))
        except DatabaseUnavailable as error:
            return _database_error(error)
    if args.command == "rotate-keys":
        return _rotate_keys(settings)
    if args.command == "migrate-db":
        return _migrate_database(settings, args.to)
    return _run_bot(settings)


def _rotate_keys(settings: Settings) -> int:
    from bot.security.crypto import rotate_stored_keys

    if settings.encryption_key is None:
        print(
            "Configuration error: ENCRYPTION_KEY is missing: set the new key first, then the"
            " old ones, comma-separated (a generated encryption.key is used as the oldest)",
            file=sys.stderr,
        )
        return 2
    try:
        count = asyncio.run(rotate_stored_keys(settings))
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        return _database_error(error)
    print(
        f"Re-encrypted {count} stored API key(s) under the newest ENCRYPTION_KEY; "
        "older keys can now be removed from ENCRYPTION_KEY."
    )
    return 0


def _migrate_database(settings: Settings, url: str) -> int:
    from bot.migrate import migrate_database

    try:
        return asyncio.run(migrate_database(settings, url))
    except ConfigError as error:
        print(f"Cannot copy: {error}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        return _database_error(error)


def _run_bot(settings: Settings) -> int:
    from aiogram.exceptions import TelegramUnauthorizedError

    from bot.app import run

    try:
        asyncio.run(run(settings))
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        return _database_error(error)
    except TelegramUnauthorizedError:
        print("Telegram rejected BOT_TOKEN: check the token from @BotFather", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _database_error(error: DatabaseUnavailable) -> int:
    print(f"Database error: {error}: check DATABASE_URL and that the server runs", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
