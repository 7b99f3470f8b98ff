"""Editing a screen a press was answered on: a second tap on the same screen is no error."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText

from handlers.replies import edit_in_place

pytestmark = pytest.mark.unit


class Screen:
    def __init__(self, refusal: str):
        self.refusal = refusal

    async def edit_text(self, text: str, **_: Any) -> None:
        raise TelegramBadRequest(EditMessageText(text=text), self.refusal)


def test_not_modified_is_no_error_and_any_other_refusal_is() -> None:
    unchanged = Screen("Bad Request: message is not modified: specified new message content")
    asyncio.run(edit_in_place(unchanged, "same"))  # type: ignore[arg-type]
    with pytest.raises(TelegramBadRequest):
        asyncio.run(edit_in_place(Screen("Bad Request: message to edit not found"), "x"))  # type: ignore[arg-type]
