"""API keys at rest: bound to their store, rotated by `rotate-keys`, refused when unreadable."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError
from bot.security.crypto import KeyCipher, MisplacedKey, UndecryptableKey, ensure_keys_readable
from fakes.process import run_cli
from storage import Database
from storage import stores as stores_db
from tests.helpers.engine import open_db

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))
KEYS = {"1001": "key-of-store-one-3f1c", "1002": "key-of-store-two-9a7e"}


@pytest.mark.unit
def test_a_sealed_key_opens_only_for_its_store() -> None:
    cipher = KeyCipher([NEW])
    token = cipher.seal(7, "secret-key")
    assert "secret-key" not in token
    assert cipher.open(7, token) == "secret-key"
    with pytest.raises(MisplacedKey):
        cipher.open(8, token)
    with pytest.raises(UndecryptableKey):
        KeyCipher([OTHER]).open(7, token)
    with pytest.raises(UndecryptableKey):
        cipher.open(7, "not a fernet token")


@pytest.mark.unit
def test_rotation_keeps_the_key_and_moves_it_to_the_newest() -> None:
    token = KeyCipher([OLD]).seal(7, "secret-key")
    rotated = KeyCipher([NEW, OLD]).rotate(7, token)
    assert KeyCipher([NEW]).open(7, rotated) == "secret-key"


def _env(tmp_path: Path, encryption_key: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OZON_", "BOT_", "TELEGRAM_", "ENCRYPTION_"))
    }
    return env | {
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "ENCRYPTION_KEY": encryption_key,
        "BOT_TOKEN": "123456:TEST",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # never reached: the bot stops before
    }


def _store_keys(path: Path, seal: KeyCipher) -> dict[str, int]:
    async def store() -> dict[str, int]:
        db = await Database.open(path)
        ids = {}
        for client_id, api_key in KEYS.items():
            ids[client_id] = await stores_db.save_store(
                db, owner_user_id=1, client_id=client_id, name="Shop",
                seal=lambda store_id, api_key=api_key: seal.seal(store_id, api_key),
                missing_methods=[], key_expires_at=None, now=datetime.now(UTC),
            )  # fmt: skip
        await db.close()
        return ids

    return asyncio.run(store())


def _stored(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT id, api_key_encrypted FROM stores").fetchall())


@pytest.mark.e2e
def test_rotate_keys_reencrypts_every_key_under_the_newest(tmp_path: Path) -> None:
    ids = _store_keys(tmp_path / "bot.sqlite3", KeyCipher([OLD]))
    done = run_cli("rotate-keys", env=_env(tmp_path, f"{NEW},{OLD}"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Re-encrypted 2 stored API key(s)" in done.stdout
    stored = _stored(tmp_path / "bot.sqlite3")
    for client_id, api_key in KEYS.items():
        assert KeyCipher([NEW]).open(ids[client_id], stored[ids[client_id]]) == api_key
        assert api_key not in done.stdout + done.stderr


@pytest.mark.e2e
def test_rotate_keys_changes_nothing_when_a_key_cannot_be_read(tmp_path: Path) -> None:
    _store_keys(tmp_path / "bot.sqlite3", KeyCipher([OLD]))
    before = _stored(tmp_path / "bot.sqlite3")
    done = run_cli("rotate-keys", env=_env(tmp_path, NEW), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "ENCRYPTION_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert _stored(tmp_path / "bot.sqlite3") == before


@pytest.mark.e2e
def test_the_bot_refuses_to_start_when_no_key_decrypts_the_stored_ones(tmp_path: Path) -> None:
    _store_keys(tmp_path / "bot.sqlite3", KeyCipher([OLD]))
    done = run_cli(env=_env(tmp_path, NEW), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Configuration error: ENCRYPTION_KEY cannot decrypt 2 of 2 stored API keys: set the key"
        " they were encrypted with (older keys may follow the newest, comma-separated)"
    )


@pytest.mark.e2e
def test_the_bot_refuses_to_start_when_keys_were_swapped_between_stores(tmp_path: Path) -> None:
    ids = _store_keys(tmp_path / "bot.sqlite3", KeyCipher([OLD]))
    first, second = ids["1001"], ids["1002"]
    stored = _stored(tmp_path / "bot.sqlite3")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        for store_id, token in ((first, stored[second]), (second, stored[first])):
            connection.execute(
                "UPDATE stores SET api_key_encrypted = ? WHERE id = ?", (token, store_id)
            )
    done = run_cli(env=_env(tmp_path, OLD), cwd=tmp_path)
    assert done.returncode == 2
    assert "2 stored API key(s) belong to another store" in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.service
def test_keys_stored_before_binding_are_bound_at_start(tmp_path: Path) -> None:
    async def scenario() -> None:
        db = await open_db(tmp_path / "bot.sqlite3")
        legacy = Fernet(OLD).encrypt(b"legacy-key").decode()
        store_id = await stores_db.save_store(
            db, owner_user_id=1, client_id="1", name="Shop", seal=lambda _: legacy,
            missing_methods=[], key_expires_at=None, now=datetime.now(UTC),
        )  # fmt: skip
        cipher = KeyCipher([OLD])
        with pytest.raises(MisplacedKey):
            cipher.open(store_id, legacy)
        await ensure_keys_readable(db, cipher)
        store = await stores_db.store_by_id(db, store_id)
        assert store is not None
        assert cipher.open(store_id, store.api_key_encrypted) == "legacy-key"
        await db.close()

    asyncio.run(scenario())


@pytest.mark.e2e
def test_a_generated_key_file_still_decrypts_once_encryption_key_is_set(tmp_path: Path) -> None:
    (tmp_path / "encryption.key").write_text(OLD)
    ids = _store_keys(tmp_path / "bot.sqlite3", KeyCipher([OLD]))
    done = run_cli("rotate-keys", env=_env(tmp_path, NEW), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stored = _stored(tmp_path / "bot.sqlite3")
    assert KeyCipher([NEW]).open(ids["1001"], stored[ids["1001"]]) == KEYS["1001"]


@pytest.mark.service
def test_ensure_keys_readable_names_no_key(tmp_path: Path) -> None:
    async def scenario() -> str:
        db = await open_db(tmp_path / "bot.sqlite3")
        await stores_db.save_store(
            db, owner_user_id=1, client_id="1", name="Shop",
            seal=lambda store_id: KeyCipher([OLD]).seal(store_id, "visible-secret"),
            missing_methods=[], key_expires_at=None, now=datetime.now(UTC),
        )  # fmt: skip
        try:
            await ensure_keys_readable(db, KeyCipher([NEW]))
        except ConfigError as error:
            return str(error)
        finally:
            await db.close()
        return ""

    message = asyncio.run(scenario())
    assert message.startswith("ENCRYPTION_KEY cannot decrypt 1 of 1")
    assert "visible-secret" not in message
