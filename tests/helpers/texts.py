"""Catalog texts as the bot sends them, for asserting in any language."""

from __future__ import annotations

import re

from bot.i18n.texts import texts_for


def in_language(language: str, key: str) -> str:
    """The start of a catalog text (up to its first tag or placeholder), as the bot sends it."""
    text = re.sub(r"^(<[^>]+>)+", "", texts_for(language).template(key))
    return re.split(r"[{<]", text)[0]
