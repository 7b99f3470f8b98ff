"""bot/perf/aiogram_types.py: aiogram imported with its types built on first use must still build
every type and method it has, and the import must stay lazy."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.e2e


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_bot_builds_no_telegram_type() -> None:
    built = run("""
        from bot.perf.aiogram_types import import_aiogram
        import_aiogram()  # as bot/__main__.py starts the bot
        import bot.app, aiogram.types as types
        found = [getattr(types, name) for name in types.__all__]
        print(sum(vars(m).get("__pydantic_complete__", 0) for m in found if isinstance(m, type)))
    """)
    assert built == "0"


def test_every_type_and_method_builds_on_first_use() -> None:
    unbuilt = run("""
        from bot.perf.aiogram_types import import_aiogram
        import_aiogram()
        import aiogram.methods as methods, aiogram.types as types
        from pydantic import BaseModel
        models = [getattr(module, name) for module in (types, methods) for name in module.__all__]
        models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]

        def first_use(model):  # as deep in a call stack as a handler would be
            return (lambda: model.__pydantic_validator__.validate_python)()

        def build_all():
            for model in models:
                first_use(model)  # builds it, or raises

        build_all()
        print(len(models), [m.__name__ for m in models if not m.__pydantic_complete__])
    """)
    count, missing = unbuilt.split(" ", 1)
    assert int(count) > 400 and missing == "[]"


def test_a_built_update_reads_nested_types() -> None:
    sender = run("""
        from bot.perf.aiogram_types import import_aiogram
        import_aiogram()
        from aiogram.types import Update
        update = Update.model_validate({"update_id": 1, "callback_query": {
            "id": "q", "chat_instance": "c", "data": "x",
            "from": {"id": 7, "is_bot": False, "first_name": "Ann"},
            "message": {"message_id": 3, "date": 0, "chat": {"id": -5, "type": "supergroup"},
                        "reply_markup": {"inline_keyboard": [[{"text": "a", "url": "https://o"}]]}},
        }})
        query = update.callback_query
        print(query.from_user.first_name, query.message.chat.type,
              query.message.reply_markup.inline_keyboard[0][0].url)
    """)
    assert sender == "Ann supergroup https://o"
