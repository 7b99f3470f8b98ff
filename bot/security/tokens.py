"""Opaque ids for buttons: random, so a button cannot be guessed or forged from another."""

import secrets

TOKEN_BYTES = 8  # 11 URL-safe characters; callback data stays far below Telegram's 64 bytes


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)
