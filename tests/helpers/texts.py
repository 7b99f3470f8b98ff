"""Catalog texts as the bot sends them, for asserting in any language."""

from __future__ import annotations

import re

from bot.i18n.catalogs import use_language
from bot.i18n.texts import template


def in_language(language: str, key: str) -> str:
    """The start of a catalog text (up to its first tag or placeholder), as the bot sends it."""
    with use_language(language):
        text = re.sub(r"^(<[^>]+>)+", "", template(key))
    return re.split(r"[{<]", text)[0]
