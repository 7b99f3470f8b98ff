"""API keys at rest: Fernet encryption with rotation (newest key first)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import ConfigError, Settings, fernet_keys
from storage import Database
from storage import stores as stores_db

log = logging.getLogger(__name__)
KEY_FILE_NAME = "encryption.key"


class KeyCipher:
    def __init__(self, keys: list[str]):
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise InvalidToken(
                "no configured ENCRYPTION_KEY can decrypt a stored API key"
            ) from None


def load_cipher(settings: Settings) -> KeyCipher:
    if settings.encryption_key is not None:
        return KeyCipher(fernet_keys(settings.encryption_key))
    path = settings.database_path.parent / KEY_FILE_NAME
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
    """Refuses to start when stored API keys cannot be decrypted (a lost or wrong key)."""
    stores = await stores_db.all_stores(db)
    unreadable = 0
    for store in stores:
        try:
            cipher.decrypt(store.api_key_encrypted)
        except InvalidToken:
            unreadable += 1
    if unreadable:
        raise ConfigError(
            f"ENCRYPTION_KEY cannot decrypt {unreadable} of {len(stores)} stored API keys: "
            "set the key they were encrypted with (older keys may follow the newest, "
            "comma-separated)"
        )
