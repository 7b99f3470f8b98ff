"""Filters the handlers share, every one checked on the event loop.

aiogram runs a filter that is not a coroutine function in a worker thread (asyncio.to_thread),
and an `F` expression or a bare `State` is such a filter: a trip to the thread pool and back for
every update it checks, one after another down the routers. So `F` expressions are wrapped in
`Magic`, and states are checked with aiogram's own StateFilter. A bare dispatcher answering 200
presses at once needed 45 ms with no filter on its handler, 66 ms with
`F.data.startswith(...)`, and 45 ms again with the same expression in `Magic`
(bench/RESULTS.md)."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.magic_filter import MagicFilter


class Magic(Filter):
    """`Magic(F.text)`: an `F` expression, evaluated on the event loop."""

    def __init__(self, expression: MagicFilter):
        self._expression = expression

    async def __call__(self, event: TelegramObject) -> bool | dict[str, Any]:
        result = self._expression.resolve(event)
        # A dict (from `.as_(name)`) becomes handler arguments, as aiogram does with F itself.
        return result if isinstance(result, dict) else bool(result)


private_chat = Magic(F.chat.type == "private")
group_chat = Magic(F.chat.type.in_({"group", "supergroup"}))
plain_text = Magic(F.text & ~F.text.startswith("/"))  # text, and not a command
