"""Property tests of the message catalog: every text with a placeholder shows any value
literally and stays valid HTML."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n.catalogs import catalog as language_catalog
from fakes.telegram import plain_text
from tests.helpers.shown import EN
from tests.helpers.strategies import MODEST, hostile_text

MARKUP_KEYS = sorted(key for key in language_catalog("en").keys if "{" in EN.template(key))


@pytest.mark.unit
@MODEST
@given(key=st.sampled_from(MARKUP_KEYS), value=hostile_text)
def test_catalog_texts_show_any_value_exactly_as_given(key: str, value: str) -> None:
    """A catalog text escapes every value: whatever a user or Ozon supplies, the text stays
    valid HTML (the fake Telegram parses it as Telegram would) and shows the value literally."""
    names = {field for _, field, _, _ in string.Formatter().parse(EN.template(key)) if field}
    rendered = EN(key, **dict.fromkeys(names, value))
    marker = "\x01"
    expected = plain_text(EN.template(key).format(**dict.fromkeys(names, marker)), "HTML")
    assert plain_text(rendered, "HTML") == expected.replace(marker, value)
    assert rendered.count("<") == EN.template(key).count("<")
