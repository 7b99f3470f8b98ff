"""Every filter and handler of the routers runs on the event loop: aiogram sends a synchronous
one (an `F` expression included) to a worker thread for every update it checks."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import F, Router
from aiogram.types import Message

import handlers
from handlers.filters import Magic, group_chat, plain_text, private_chat

pytestmark = pytest.mark.unit


def _message(text: str | None, chat_type: str = "private") -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": {"id": 5, "type": chat_type}, "text": text}
    )


def test_no_filter_or_handler_goes_to_a_worker_thread() -> None:
    offenders = []
    for router in handlers.routers():
        for name, observer in router.observers.items():
            checked = [("filter", f) for f in observer._handler.filters or []]
            for handler in observer.handlers:
                checked.append(("handler", handler))
                checked += [("filter", f) for f in handler.filters or []]
            offenders += [
                f"{router.name}.{name} {kind} {thing.callback!r}"
                for kind, thing in checked
                if not thing.awaitable
            ]
    assert offenders == []


def test_a_plain_f_expression_would_be_caught() -> None:
    router = Router()

    @router.message(F.text)
    async def handler(message: Message) -> None: ...

    assert not router.message.handlers[0].filters[0].awaitable  # what the test above rejects


@pytest.mark.parametrize(
    ("flt", "message", "expected"),
    [
        (private_chat, _message("hi"), True),
        (private_chat, _message("hi", "supergroup"), False),
        (group_chat, _message("hi", "group"), True),
        (group_chat, _message("hi"), False),
        (plain_text, _message("hello"), True),
        (plain_text, _message("/start"), False),
        (plain_text, _message(None), False),
        (Magic(F.text.len() > 3), _message("abcd"), True),
    ],
)
def test_magic_answers_like_the_expression(flt: Magic, message: Message, expected: bool) -> None:
    assert asyncio.run(flt(message)) is expected


def test_magic_passes_named_values_on() -> None:
    flt = Magic(F.text.as_("said"))
    assert asyncio.run(flt(_message("hi"))) == {"said": "hi"}
