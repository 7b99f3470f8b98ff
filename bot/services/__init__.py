"""Services the handlers call: stores, chats and their settings, digest, advice, operators,
the Seller API client of a stored store (sellers.py, also used by the watch), the health
endpoint."""
