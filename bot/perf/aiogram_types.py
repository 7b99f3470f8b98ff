"""Import aiogram with its Telegram types validated by schemas built on first use.

aiogram declares its ~450 types with pydantic's `defer_build`, then defeats it: the end of
`aiogram/types/__init__.py` calls `model_rebuild` on every type to resolve forward references,
and each rebuild inlines the whole tree of nested types again. That is 3 s and 100 MB of a
start-up (aiogram/aiogram#1876). Here the rebuilds are skipped and the names they would have
resolved are put into each type module instead, so any type builds itself, on first use, from
its own module; the bot uses a few dozen types and methods.

Every aiogram object also keeps the bot it came from in its one private attribute, `_bot`, set
after validation by a chain of pydantic post-init wrappers, one per class of its ancestry, each
initialising the private attributes again: half the time of parsing an update (68 → 37 µs for
a press on an alert, bench/RESULTS.md). Each type and method whose only private attribute is
`_bot` and whose post-init is aiogram's sets it in one step instead.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from pydantic import BaseModel

TYPE_MODULES = ("aiogram.types.", "aiogram.methods.")


def import_aiogram() -> None:
    """Import aiogram lazily-built, unless something imported it already (then nothing to do)."""
    if "aiogram" in sys.modules:
        return
    rebuild = BaseModel.__dict__["model_rebuild"]

    def skip_type_rebuild(cls: type[BaseModel], /, **kwargs: object) -> bool | None:
        if cls.__module__.startswith(TYPE_MODULES[0]) and "_types_namespace" in kwargs:
            return None
        rebuilt: bool | None = rebuild.__func__(cls, **kwargs)
        return rebuilt

    BaseModel.model_rebuild = classmethod(skip_type_rebuild)  # type: ignore[method-assign,assignment]
    try:
        import aiogram  # noqa: F401
        import aiogram.types as types
    finally:
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    names = {name: getattr(types, name) for name in types.__all__}
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(TYPE_MODULES):
            for name, value in names.items():
                module.__dict__.setdefault(name, value)
    bind_bot_in_one_step()


def bind_bot_in_one_step() -> int:
    """Gives every aiogram type and method that only keeps its bot the one-step post-init;
    returns how many there are."""
    import aiogram.methods as methods
    import aiogram.types as types
    from aiogram.client.context_controller import BotContextController

    aiograms = inspect.unwrap(BotContextController.__dict__["model_post_init"])
    bound = 0
    for module in (types, methods):
        for name in module.__all__:
            model = getattr(module, name)
            if (
                isinstance(model, type)
                and issubclass(model, BotContextController)
                and set(model.__private_attributes__) == {"_bot"}
                and inspect.unwrap(model.model_post_init) in (aiograms, _keep_bot)
            ):
                model.model_post_init = _keep_bot  # type: ignore[method-assign,assignment]
                bound += 1
    return bound


def _keep_bot(self: BaseModel, context: Any, /) -> None:
    """What pydantic's private-attribute set-up and aiogram's post-init do together."""
    bot = context.get("bot") if context else None
    object.__setattr__(self, "__pydantic_private__", {"_bot": bot})
