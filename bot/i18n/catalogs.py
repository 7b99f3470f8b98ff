"""Languages: gettext catalogs (bot/i18n/locales/<language>/LC_MESSAGES/<domain>.po, read with
Babel). Catalogs are compiled in memory when first needed, so the package ships only the .po
files translators edit. There is no current language: every text is rendered for a language
passed in (bot/i18n/texts.py)."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "ru", "zh")
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"


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
