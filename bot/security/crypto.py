"""API keys at rest: Fernet encryption with rotation (newest key first).

Each ciphertext carries the id of the store it belongs to, and is refused for any other store:
a key copied into another store's row (by a bug, or by someone with write access to the database
but not the encryption key) is never used for it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import ConfigError, Settings, fernet_keys
from storage import Database
from storage import stores as stores_db

log = logging.getLogger(__name__)
KEY_FILE_NAME = "encryption.key"


class UnreadableKey(Exception):
    """A stored API key that cannot be used; the message never contains the key."""


class UndecryptableKey(UnreadableKey):
    """No configured ENCRYPTION_KEY decrypts it."""


class MisplacedKey(UnreadableKey):
    """It decrypts, but belongs to another store."""


class KeyCipher:
    def __init__(self, keys: list[str]):
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, store_id: int, api_key: str) -> str:
        payload = json.dumps({"store": store_id, "key": api_key}, separators=(",", ":"))
        return self._fernet.encrypt(payload.encode()).decode()

    def open(self, store_id: int, token: str) -> str:
        payload = self._payload(token)
        key = payload.get("key")
        if payload.get("store") != store_id or not isinstance(key, str):
            raise MisplacedKey(f"the stored API key of store {store_id} belongs to another store")
        return key

    def rotate(self, store_id: int, token: str) -> str:
        """The same key, encrypted under the newest ENCRYPTION_KEY (and bound to its store)."""
        return self.seal(store_id, self.open_or_upgrade(store_id, token))

    def open_or_upgrade(self, store_id: int, token: str) -> str:
        """Like `open`, but also reads a key stored before keys were bound to stores."""
        try:
            return self.open(store_id, token)
        except MisplacedKey:
            payload = self._payload(token)
            if payload.get("legacy"):
                return str(payload["key"])
            raise

    def _payload(self, token: str) -> dict[str, object]:
        try:
            plain = self._fernet.decrypt(token.encode()).decode()
        except (InvalidToken, UnicodeDecodeError):
            raise UndecryptableKey(
                "no configured ENCRYPTION_KEY can decrypt a stored API key"
            ) from None
        if not plain.startswith("{"):
            return {"legacy": True, "key": plain}  # Ozon keys never start with "{"
        try:
            payload = json.loads(plain)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise MisplacedKey("a stored API key is not in the expected form")
        return payload


def load_cipher(settings: Settings) -> KeyCipher:
    path = settings.database_path.parent / KEY_FILE_NAME
    if settings.encryption_key is not None:
        # A generated key file left from before ENCRYPTION_KEY was set still decrypts (as the
        # oldest key) until `rotate-keys` has moved every stored key to the new one.
        older = [path.read_text().strip()] if path.exists() else []
        return KeyCipher(fernet_keys(settings.encryption_key) + older)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(Fernet.generate_key().decode())
    log.warning(
        "ENCRYPTION_KEY is not set: API keys are encrypted with the generated key in %s; "
        "back it up, or set ENCRYPTION_KEY, or the stored keys cannot be read",
        path,
    )
    return KeyCipher([Path(path).read_text().strip()])


async def ensure_keys_readable(db: Database, cipher: KeyCipher) -> None:
    """Refuses to start when a stored API key cannot be decrypted (a lost or wrong
    ENCRYPTION_KEY) or belongs to another store; binds keys stored before binding existed."""
    stores = await stores_db.all_stores(db)
    unreadable = misplaced = 0
    for store in stores:
        try:
            cipher.open(store.id, store.api_key_encrypted)
            continue
        except UndecryptableKey:
            unreadable += 1
            continue
        except MisplacedKey:
            pass
        try:
            token = cipher.rotate(store.id, store.api_key_encrypted)
        except MisplacedKey:
            misplaced += 1
            continue
        await stores_db.replace_key(db, store.id, store.api_key_encrypted, token)
    if unreadable:
        raise ConfigError(
            f"ENCRYPTION_KEY cannot decrypt {unreadable} of {len(stores)} stored API keys: "
            "set the key they were encrypted with (older keys may follow the newest, "
            "comma-separated)"
        )
    if misplaced:
        raise ConfigError(
            f"{misplaced} stored API key(s) belong to another store than the one they are "
            "stored for: the database was altered; reconnect those stores with /connect"
        )


async def rotate_stored_keys(settings: Settings) -> int:
    """Re-encrypts every stored key under the newest ENCRYPTION_KEY; returns how many.
    Stops before changing anything when one of them cannot be read."""
    cipher = load_cipher(settings)
    db = await Database.connect(settings.database_target, settings.database_path)
    try:
        stores = await stores_db.all_stores(db)
        try:
            rotated = [(s, cipher.rotate(s.id, s.api_key_encrypted)) for s in stores]
        except UnreadableKey as error:
            raise ConfigError(
                f"{error}: list the key it was encrypted with in ENCRYPTION_KEY, after the new one"
            ) from None
        for store, token in rotated:
            await stores_db.replace_key(db, store.id, store.api_key_encrypted, token)
        return len(rotated)
    finally:
        await db.close()
