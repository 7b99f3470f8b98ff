"""Texts by key from the gettext catalogs (bot/i18n/locales), for one language that is always
passed in: `tx = texts_for(chat.language)`, then `tx("alert.stage.overdue", store=name)`.

Texts are HTML (Telegram parse mode). `tx()` escapes the values it fills in and returns
`Markup`, text that is already safe: a product name or an Ozon message can never break the
markup, and a text filled into another is not escaped twice. Button labels are plain text
(`tx.plain`). Texts to buyers and to Ozon support are Russian whatever the seller's language
(the "buyer" catalog, `buyer_text`)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.i18n.catalogs import catalog, language_of


class Markup(str):
    """Text that is already HTML (a catalog text, or a value escaped on purpose): never escaped
    again."""

    __slots__ = ()


@dataclass(frozen=True)
class Texts:
    """The catalog texts of one language."""

    language: str

    def __call__(self, key: str, **values: Any) -> Markup:
        """The text for `key` with HTML-escaped values filled in; a text with plural forms
        takes the form for `count`."""
        template = self.template(key, _count(values))
        if not values:
            return Markup(template)
        return Markup(template.format(**{name: _escape(v) for name, v in values.items()}))

    def plain(self, key: str, **values: Any) -> str:
        """A button label: plain text, nothing escaped."""
        return self.template(key, _count(values)).format(**values)

    def template(self, key: str, count: int | None = None) -> str:
        """The catalog text itself, placeholders unfilled."""
        return catalog(self.language).text(key, count)


@cache
def texts_for(language: str | None) -> Texts:
    """The texts of a chat's language (a Telegram language code is fine too); English when
    the language is unknown."""
    return Texts(language_of(language))


def buyer_text(key: str, **values: Any) -> str:
    """A Russian text for the buyer or Ozon support: plain text, nothing escaped."""
    return catalog("ru", "buyer").text(key, None).format(**values)


def _count(values: dict[str, Any]) -> int | None:
    count = values.get("count")
    return count if isinstance(count, int) else None


def _escape(value: Any) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=False)
