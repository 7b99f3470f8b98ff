"""The message catalogs: every key in every language, with the same placeholders and markup."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

pytestmark = pytest.mark.unit

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "i18n" / "locales"
LANGUAGES = ("en", "ru", "zh")
PLURAL_FORMS = {"en": 2, "ru": 3, "zh": 1}
TAG = re.compile(r"</?\w+[^>]*>")


def catalog(language: str, domain: str = "bot") -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file, locale=language)


def forms(message: object) -> list[str]:
    string_ = message.string  # type: ignore[attr-defined]
    return list(string_) if isinstance(string_, tuple) else [string_]


def key(message: object) -> str:
    id_ = message.id  # type: ignore[attr-defined]
    return id_[0] if isinstance(id_, tuple) else id_


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def english() -> dict[str, list[str]]:
    return {key(m): forms(m) for m in catalog("en") if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_translated_with_the_same_placeholders_and_tags(language: str) -> None:
    source = english()
    translated = {key(m): forms(m) for m in catalog(language) if m.id}
    assert set(translated) == set(source), "keys missing or extra"
    problems = []
    for name, english_forms in source.items():
        for text in translated[name]:
            if not text.strip():
                problems.append(f"{name}: empty")
            elif placeholders(text) != placeholders(english_forms[-1]):
                problems.append(f"{name}: placeholders {placeholders(text)}")
            elif Counter(TAG.findall(text)) != Counter(TAG.findall(english_forms[-1])):
                problems.append(f"{name}: markup {TAG.findall(text)}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language: str) -> None:
    found = catalog(language)
    assert found.num_plurals == PLURAL_FORMS[language]
    for message in found:
        if message.id and message.pluralizable:
            assert len(forms(message)) == PLURAL_FORMS[language], key(message)


def test_buyer_texts_exist_in_russian() -> None:
    texts = {key(m): forms(m)[0] for m in catalog("ru", "buyer") if m.id}
    assert {"date", "compensation", "choice", "support"} <= set(texts)
    assert all(text.strip() for text in texts.values())
