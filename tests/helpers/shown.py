"""What users are shown: the English catalog, and a check that a message shows safely."""

from __future__ import annotations

from bot.i18n.texts import texts_for
from fakes.telegram import plain_text

EN = texts_for("en")

MAX_MESSAGE = 300  # the longest error sentence a user may be shown


def assert_safe_to_show(message: str, key: str = "settings.invalid", name: str = "reason") -> None:
    """Short, and shown through the catalog exactly as written: no markup gets through."""
    assert 0 < len(message) <= MAX_MESSAGE, message[:400]
    rendered = EN(key, **{name: message})
    shown = plain_text(EN.template(key).format(**{name: "\x01"}), "HTML").replace("\x01", message)
    assert plain_text(rendered, "HTML") == shown
    assert rendered.count("<") == EN.template(key).count("<")
