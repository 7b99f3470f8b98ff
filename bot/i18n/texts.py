"""Texts by key from the gettext catalogs (bot/i18n/locales), in the current language
(bot/i18n/catalogs.py).

Texts are HTML (Telegram parse mode); values are escaped by `t`, so a product name or an
Ozon message can never break the markup. Texts to buyers and to Ozon support are Russian
whatever the seller's language (the "buyer" catalog)."""

from __future__ import annotations

import html
from typing import Any

from bot.i18n.catalogs import catalog, current_language


def t(key: str, **values: Any) -> str:
    """The catalog text for `key` with HTML-escaped values filled in; a text with plural forms
    takes the form for `count`."""
    template = _template(key, values)
    if not values:
        return template
    return template.format(**{name: _escape(value) for name, value in values.items()})


def button_text(key: str, **values: Any) -> str:
    """Button labels are plain text, not HTML: nothing is escaped."""
    return _template(key, values).format(**values)


def buyer_text(key: str, **values: Any) -> str:
    """A Russian text for the buyer or Ozon support: plain text, nothing escaped."""
    return catalog("ru", "buyer").text(key, None).format(**values)


def template(key: str, count: int | None = None) -> str:
    """The catalog text itself, placeholders unfilled, in the current language."""
    return catalog(current_language()).text(key, count)


def _template(key: str, values: dict[str, Any]) -> str:
    count = values.get("count")
    return template(key, count if isinstance(count, int) else None)


class Markup(str):
    """Text that is already HTML (e.g. another catalog text) and must not be escaped again."""


def _escape(value: Any) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=False)
