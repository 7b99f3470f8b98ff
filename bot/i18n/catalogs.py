"""Languages: gettext catalogs (bot/i18n/locales/<language>/LC_MESSAGES/<domain>.po, read with
Babel) and the language of the text being rendered now.

Catalogs are compiled in memory when first needed, so the package ships only the .po files
translators edit. The current language lives in a context variable: a handler gets its chat's
language from the middleware, the scanner sets each chat's while rendering for it."""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "ru", "zh")
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Catalog:
    translations: gettext.GNUTranslations
    keys: frozenset[str]
    plural_keys: frozenset[str]

    def text(self, key: str, count: int | None) -> str:
        if key in self.plural_keys and count is not None:
            return self.translations.ngettext(key, key, count)
        return self.translations.gettext(key)


@cache
def catalog(language: str, domain: str = "bot") -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        messages = read_po(file, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    keys = frozenset(str(m.id[0]) if m.pluralizable else str(m.id) for m in messages if m.id)
    plural = frozenset(str(m.id[0]) for m in messages if m.id and m.pluralizable)
    translations = gettext.GNUTranslations(compiled)
    if language != DEFAULT_LANGUAGE and domain == "bot":
        translations.add_fallback(catalog(DEFAULT_LANGUAGE).translations)  # a missing text
    return Catalog(translations, keys, plural)


def language_of(code: str | None) -> str:
    """The catalog for a Telegram language_code: 'ru', 'zh-hans', 'zh-TW' … or English."""
    base = (code or "").lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get()


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[None]:
    token = _current.set(language_of(language))
    try:
        yield
    finally:
        _current.reset(token)


def set_language(language: str | None) -> None:
    """For the rest of the current task (one update being handled)."""
    _current.set(language_of(language))
