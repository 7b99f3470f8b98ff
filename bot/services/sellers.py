"""The Seller API client of a stored store, its key decrypted only for the call at hand."""

from __future__ import annotations

from bot.ozon import OzonApi, SellerClient
from bot.security.crypto import KeyCipher
from storage.stores import Store


class Sellers:
    def __init__(self, ozon: OzonApi, cipher: KeyCipher):
        self._ozon = ozon
        self._cipher = cipher

    def of(self, store: Store) -> SellerClient:
        """Raises UnreadableKey when the stored key cannot be decrypted."""
        return self._ozon.seller(
            store.client_id, self._cipher.open(store.id, store.api_key_encrypted)
        )
